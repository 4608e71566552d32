package lifecycle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/lifecycle"
	"github.com/roadmap-go/roadmap/router"
)

func TestDiff(t *testing.T) {
	op := func(method string, stage router.Stage) lifecycle.Operation {
		return lifecycle.Operation{Method: method, Path: "/x", Stage: stage}
	}
	sunset := func(o lifecycle.Operation, d string) lifecycle.Operation {
		o.Sunset, _ = lifecycle.ParseDate(d)
		return o
	}
	type change struct {
		kind, route, from, to string
		regression            bool
	}
	tests := []struct {
		name     string
		old, new []lifecycle.Operation
		want     []change
	}{
		{"forward", []lifecycle.Operation{op("GET", router.Planned)}, []lifecycle.Operation{op("GET", router.Beta)},
			[]change{{lifecycle.ChangeStage, "GET /x", "planned", "beta", false}}},
		{"live to beta", []lifecycle.Operation{op("GET", router.Live)}, []lifecycle.Operation{op("GET", router.Beta)},
			[]change{{lifecycle.ChangeStage, "GET /x", "live", "beta", true}}},
		{"deprecation undone", []lifecycle.Operation{op("GET", router.Deprecated)}, []lifecycle.Operation{op("GET", router.Live)},
			[]change{{lifecycle.ChangeStage, "GET /x", "deprecated", "live", true}}},
		{"removed back", []lifecycle.Operation{op("GET", router.Removed)}, []lifecycle.Operation{op("GET", router.Deprecated)},
			[]change{{lifecycle.ChangeStage, "GET /x", "removed", "deprecated", true}}},
		{"live dropped", []lifecycle.Operation{op("GET", router.Live), op("PUT", router.Planned)}, nil, []change{
			{lifecycle.ChangeDropped, "GET /x", "live", "", true},
			{lifecycle.ChangeDropped, "PUT /x", "planned", "", false},
		}},
		{"sunset later", []lifecycle.Operation{sunset(op("GET", router.Deprecated), "2030-01-01")}, []lifecycle.Operation{sunset(op("GET", router.Deprecated), "2031-01-01")},
			[]change{{lifecycle.ChangeDate, "GET /x", "2030-01-01", "2031-01-01", false}}},
		{"sunset earlier", []lifecycle.Operation{sunset(op("GET", router.Deprecated), "2030-01-01")}, []lifecycle.Operation{sunset(op("GET", router.Deprecated), "2029-01-01")},
			[]change{{lifecycle.ChangeDate, "GET /x", "2030-01-01", "2029-01-01", true}}},
		{"added", nil, []lifecycle.Operation{op("GET", router.Planned)},
			[]change{{lifecycle.ChangeAdded, "GET /x", "", "planned", false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := lifecycle.Diff(&lifecycle.Table{Source: "old", Operations: tt.old}, &lifecycle.Table{Source: "new", Operations: tt.new})
			var got []change
			for _, ch := range log.Changes {
				got = append(got, change{ch.Kind, ch.Route, ch.From, ch.To, ch.Regression})
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseDays(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"90d", 90 * 24 * time.Hour, false},
		{"2w", 14 * 24 * time.Hour, false},
		{"36h", 36 * time.Hour, false},
		{"0d", 0, false},
		{"-1d", 0, true},
		{"1.5d", 0, true},
		{"d", 0, true},
		{"soon", 0, true},
		{"-3h", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := lifecycle.ParseDays(tt.in)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	assert.Equal(t, "90d", lifecycle.Days(90*24*time.Hour))
	assert.Equal(t, "5h0m0s", lifecycle.Days(5*time.Hour))
}
