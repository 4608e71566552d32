package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/metrics"
	"github.com/roadmap-go/roadmap/router"
)

func boolFlag(key string, on bool) memprovider.InMemoryFlag {
	v := "off"
	if on {
		v = "on"
	}
	return memprovider.InMemoryFlag{Key: key, State: memprovider.Enabled, DefaultVariant: v,
		Variants: map[string]any{"on": true, "off": false}}
}

func TestMetricsCountRequestsAndDecisions(t *testing.T) {
	p := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"export": boolFlag("export", true),
		"patch":  boolFlag("patch", false),
	})
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	client := openfeature.NewClient(t.Name())

	reg := prometheus.NewPedanticRegistry()
	m, err := metrics.New(reg, metrics.Options{State: client.State})
	require.NoError(t, err)

	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/live", Stage: router.Live, Handler: ok, Name: "Live thing"},
		{Method: http.MethodPut, Pattern: "/export", Stage: router.Planned, Flag: "export", Handler: ok, OperationID: "export"},
		{Method: http.MethodPatch, Pattern: "/patch", Stage: router.Beta, Flag: "patch", Handler: ok},
		{Method: http.MethodGet, Pattern: "/hidden", Stage: router.Planned, Flag: "missing", Handler: ok, Off: router.OffNotFound},
		{Method: http.MethodGet, Pattern: "/gone", Stage: router.Removed},
	}, router.Config{
		Flags:       client,
		Observer:    m,
		FlagOptions: flags.Options{Observer: m, Logger: quietLogger()},
	})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)

	requests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/live", 200},
		{http.MethodGet, "/live", 200},
		{http.MethodPut, "/export", 200},
		{http.MethodPut, "/export", 200}, // usually from the cache of static decisions
		{http.MethodPatch, "/patch", 501},
		{http.MethodGet, "/hidden", 404},
		{http.MethodGet, "/gone", 410},
		{http.MethodGet, "/undeclared", 404}, // not a route: not counted
	}
	for _, r := range requests {
		req, err := http.NewRequest(r.method, srv.URL+r.path, nil)
		require.NoError(t, err)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, r.want, resp.StatusCode, "%s %s: got %d, want %d", r.method, r.path, resp.StatusCode, r.want)
	}

	assert.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP roadmap_requests_total Requests to declared routes by route (method and pattern), route name, stage in force and outcome (served, stubbed, hidden, removed).
# TYPE roadmap_requests_total counter
roadmap_requests_total{name="",outcome="hidden",route="GET /hidden",stage="planned"} 1
roadmap_requests_total{name="",outcome="removed",route="GET /gone",stage="removed"} 1
roadmap_requests_total{name="",outcome="stubbed",route="PATCH /patch",stage="beta"} 1
roadmap_requests_total{name="Live thing",outcome="served",route="GET /live",stage="live"} 2
roadmap_requests_total{name="export",outcome="served",route="PUT /export",stage="planned"} 2
# HELP roadmap_flag_evaluation_errors_total Failed flag evaluations by flag and error code (GENERAL, FLAG_NOT_FOUND, TIMEOUT, ...); each one resolved to off or to the last known decision.
# TYPE roadmap_flag_evaluation_errors_total counter
roadmap_flag_evaluation_errors_total{code="FLAG_NOT_FOUND",flag="missing"} 1
# HELP roadmap_flag_provider_state State of the flag provider: 1 for the current state (NOT_READY, READY, ERROR, STALE, FATAL), 0 for the others.
# TYPE roadmap_flag_provider_state gauge
roadmap_flag_provider_state{state="ERROR"} 0
roadmap_flag_provider_state{state="FATAL"} 0
roadmap_flag_provider_state{state="NOT_READY"} 0
roadmap_flag_provider_state{state="READY"} 1
roadmap_flag_provider_state{state="STALE"} 0
`), "roadmap_requests_total", "roadmap_flag_evaluation_errors_total", "roadmap_flag_provider_state"))

	decisions := []struct {
		name                string
		flag, value, source string
		want                float64
	}{
		{name: "evaluated off", flag: "patch", value: "off", source: "provider", want: 1},
		{name: "failed", flag: "missing", value: "off", source: "provider", want: 1},
	}
	for _, tt := range decisions {
		t.Run(tt.name, func(t *testing.T) {
			got := counterValue(t, reg, "roadmap_flag_decisions_total", map[string]string{"flag": tt.flag, "value": tt.value, "source": tt.source})
			assert.Equal(t, tt.want, got, "got %v, want %v", got, tt.want)
		})
	}
	// The second /export is answered from the cache unless the provider's
	// asynchronous READY event dropped the cache in between.
	evaluated := counterValue(t, reg, "roadmap_flag_decisions_total", map[string]string{"flag": "export", "value": "on", "source": "provider"})
	cached := counterValue(t, reg, "roadmap_flag_decisions_total", map[string]string{"flag": "export", "value": "on", "source": "cache"})
	assert.Equal(t, 2.0, evaluated+cached, "got %v evaluated + %v cached, want 2", evaluated, cached)
	assert.GreaterOrEqual(t, evaluated, 1.0)
	assert.Equal(t, int(evaluated)+2, histogramCount(t, reg, "roadmap_flag_evaluation_duration_seconds"), "one latency sample per uncached evaluation")
}

func TestNewRejectsDuplicateRegistration(t *testing.T) {
	reg := prometheus.NewRegistry()
	_, err := metrics.New(reg, metrics.Options{})
	require.NoError(t, err)
	_, err = metrics.New(reg, metrics.Options{})
	var already prometheus.AlreadyRegisteredError
	assert.ErrorAs(t, err, &already)
	_, err = metrics.New(reg, metrics.Options{Namespace: "other"})
	assert.NoError(t, err, "another namespace does not collide")
}

func BenchmarkObserveRequest(b *testing.B) {
	m, err := metrics.New(prometheus.NewRegistry(), metrics.Options{})
	require.NoError(b, err)
	r := &router.Route{Method: http.MethodGet, Pattern: "/x", Stage: router.Live}
	b.ReportAllocs()
	for b.Loop() {
		m.ObserveRequest(r, router.Live, router.OutcomeServed)
		m.ObserveDecision("f", flags.Decision{On: true, Cached: true}, 0)
	}
}

func TestObserveAllocatesNothingWhenWarm(t *testing.T) {
	m, err := metrics.New(prometheus.NewRegistry(), metrics.Options{})
	require.NoError(t, err)
	r := &router.Route{Method: http.MethodGet, Pattern: "/x", Stage: router.Live}
	d := flags.Decision{ErrorCode: openfeature.GeneralCode}
	m.ObserveRequest(r, router.Live, router.OutcomeServed)
	m.ObserveDecision("f", d, time.Millisecond)
	allocs := testing.AllocsPerRun(100, func() {
		m.ObserveRequest(r, router.Live, router.OutcomeServed)
		m.ObserveDecision("f", d, time.Millisecond)
	})
	assert.Zero(t, allocs, "got %v allocations, want 0", allocs)
}
