package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/lifecycle"
)

// The project's own CI use of the roadmap command (docs/cli.md): the demo's
// /openapi.json, read from the running demo, checked against the flag file
// it ships, and diffed against the committed document of its last release.

// demoCheck starts the demo on a copy of flags.json and returns its base URL
// and the shipped flag file, read as the roadmap command reads it.
func demoCheck(t *testing.T) (base string, flags *lifecycle.Flags) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "flags.json")
	require.NoError(t, os.WriteFile(path, defaultFlags, 0o644))
	d := mtRun(t, func(string) string { return "" }, io.Discard, "-flags", path)
	flags, err := lifecycle.OpenFlagFile("flags.json")
	require.NoError(t, err)
	return d.base, flags
}

func TestRoadmapCheckDemo(t *testing.T) {
	base, flags := demoCheck(t)
	type got struct{ kind, route, flag string }
	tests := []struct {
		name string
		user string // X-User-ID of the caller the document is made for
		opts lifecycle.CheckOptions
		want []got
	}{
		// Anonymous callers may see the roadmap, but the secret planned
		// route (GET /api/insights, OffNotFound) is not in their document:
		// its flag looks unused. Expected, and the reason to read the
		// document as a caller it is served to.
		{"anonymous", "", lifecycle.CheckOptions{}, []got{{lifecycle.KindUnusedFlag, "", "insights"}}},
		{"as grace", "grace", lifecycle.CheckOptions{SunsetWithin: 30 * 24 * time.Hour}, nil},
		// The demo declares no BetaSince: with a beta age limit, both betas
		// are reported as undated.
		{"max beta", "grace", lifecycle.CheckOptions{MaxBeta: 90 * 24 * time.Hour}, []got{
			{lifecycle.KindBetaUndated, "PATCH /api/users/{id}", "users-patch"},
			{lifecycle.KindBetaUndated, "GET /api/users/{id}/activity", "users-activity"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := http.Header{}
			if tt.user != "" {
				hdr.Set("X-User-ID", tt.user)
			}
			table, err := lifecycle.FetchTable(t.Context(), nil, base+"/openapi.json", hdr)
			require.NoError(t, err)
			tt.opts.Samples = 200
			var findings []got
			for _, f := range lifecycle.Check(t.Context(), table, flags, tt.opts) {
				findings = append(findings, got{f.Kind, f.Route, f.Flag})
				t.Log(f)
			}
			assert.Equal(t, tt.want, findings)
		})
	}
}

func TestRoadmapDiffDemo(t *testing.T) {
	base, _ := demoCheck(t)
	data, err := os.ReadFile("../roadmap/testdata/demo-openapi-v1.json")
	require.NoError(t, err)
	old, err := lifecycle.ReadTable("cmd/roadmap/testdata/demo-openapi-v1.json", data)
	require.NoError(t, err)
	now, err := lifecycle.FetchTable(t.Context(), nil, base+"/openapi.json", nil)
	require.NoError(t, err)
	log := lifecycle.Diff(old, now)
	var md strings.Builder
	require.NoError(t, log.WriteMarkdown(&md))
	t.Log(md.String())
	assert.Empty(t, log.Regressions(), "the demo regressed since its last release:\n%s", md.String())
	require.NotEmpty(t, now.Operations)
}
