package metrics_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/metrics"
	"github.com/roadmap-go/roadmap/router"
)

func TestDemandGauges(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	c := demand.New(demand.HeaderKey("X-User-ID"), demand.Options{Now: func() time.Time { return now }, Secret: []byte("s"), TopCallers: 2})
	export := &router.Route{Method: http.MethodPut, Pattern: "/export", Stage: router.Planned, Name: "Export"}
	old := &router.Route{Method: http.MethodGet, Pattern: "/v0", Stage: router.Deprecated, Deprecation: now}
	for _, k := range []string{"ada", "bob", "ada", ""} {
		c.Count(export, router.Planned, router.OutcomeStubbed, k)
	}
	for _, k := range []string{"acme", "acme", "acme", "zed"} {
		c.Count(old, router.Deprecated, router.OutcomeServed, k)
	}
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, metrics.NewDemand(reg, c, metrics.Options{}))

	want := `
# HELP roadmap_demand_requests Requests counted for a route over the window (kind demand: not served by a planned or beta route; kind deprecated: to a deprecated route).
# TYPE roadmap_demand_requests gauge
roadmap_demand_requests{kind="demand",name="Export",route="PUT /export",window="30d"} 4
roadmap_demand_requests{kind="demand",name="Export",route="PUT /export",window="7d"} 4
roadmap_demand_requests{kind="deprecated",name="",route="GET /v0",window="30d"} 4
roadmap_demand_requests{kind="deprecated",name="",route="GET /v0",window="7d"} 4
`
	assert.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want), "roadmap_demand_requests"))
	wantCallers := `
# HELP roadmap_demand_callers Estimated distinct callers (targeting keys) of a route over the window: for planned and beta routes (kind demand) those it did not serve, for deprecated routes all (HyperLogLog, standard error 1.6%).
# TYPE roadmap_demand_callers gauge
roadmap_demand_callers{kind="demand",name="Export",route="PUT /export",window="30d"} 2
roadmap_demand_callers{kind="demand",name="Export",route="PUT /export",window="7d"} 2
roadmap_demand_callers{kind="deprecated",name="",route="GET /v0",window="30d"} 2
roadmap_demand_callers{kind="deprecated",name="",route="GET /v0",window="7d"} 2
`
	assert.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(wantCallers), "roadmap_demand_callers"))
	wantTop := `
# HELP roadmap_deprecated_top_caller_requests Requests (an upper bound) of a deprecated route's most frequent callers over the window, by caller pseudonym (see demand.Counter.Pseudonym).
# TYPE roadmap_deprecated_top_caller_requests gauge
roadmap_deprecated_top_caller_requests{caller="` + c.Pseudonym("acme") + `",name="",route="GET /v0",window="30d"} 3
roadmap_deprecated_top_caller_requests{caller="` + c.Pseudonym("acme") + `",name="",route="GET /v0",window="7d"} 3
roadmap_deprecated_top_caller_requests{caller="` + c.Pseudonym("zed") + `",name="",route="GET /v0",window="30d"} 1
roadmap_deprecated_top_caller_requests{caller="` + c.Pseudonym("zed") + `",name="",route="GET /v0",window="7d"} 1
`
	assert.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(wantTop), "roadmap_deprecated_top_caller_requests"))
	n, err := testutil.GatherAndCount(reg, "roadmap_demand_anonymous_requests")
	require.NoError(t, err)
	assert.Equal(t, 4, n)
}
