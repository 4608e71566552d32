package metrics_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/metrics"
	"github.com/roadmap-go/roadmap/router"
)

func Example() {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg, metrics.Options{})
	if err != nil {
		panic(err)
	}
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/api/v0/reports", Stage: router.Removed, Name: "Reports (v0)"},
	}, router.Config{Observer: m})
	if err != nil {
		panic(err)
	}
	rt.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/v0/reports", nil))

	w := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(w.Result().Body)
	for line := range strings.SplitSeq(string(body), "\n") {
		if strings.HasPrefix(line, "roadmap_requests_total{") {
			fmt.Println(line)
		}
	}
	// Output:
	// roadmap_requests_total{name="Reports (v0)",outcome="removed",route="GET /api/v0/reports",stage="removed"} 1
}

// The demand gauges of a router whose observer is both the request metrics
// and a demand counter.
func ExampleNewDemand() {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg, metrics.Options{})
	if err != nil {
		panic(err)
	}
	counter := demand.New(demand.HeaderKey("X-User-ID"), demand.Options{Secret: []byte("s")})
	defer counter.Close()
	if err := metrics.NewDemand(reg, counter, metrics.Options{}); err != nil {
		panic(err)
	}
	rt, err := router.New([]router.Route{
		{Method: http.MethodPut, Pattern: "/api/reports/export", Name: "Report export"},
	}, router.Config{Observer: counter.Observer(m)})
	if err != nil {
		panic(err)
	}
	for _, user := range []string{"ada", "bob", "ada"} {
		r := httptest.NewRequest(http.MethodPut, "/api/reports/export", nil)
		r.Header.Set("X-User-ID", user)
		rt.ServeHTTP(httptest.NewRecorder(), r)
	}

	w := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(w.Result().Body)
	for line := range strings.SplitSeq(string(body), "\n") {
		if strings.HasPrefix(line, "roadmap_demand_callers{") || strings.HasPrefix(line, "roadmap_requests_total{") {
			fmt.Println(line)
		}
	}
	// Output:
	// roadmap_demand_callers{kind="demand",name="Report export",route="PUT /api/reports/export",window="30d"} 2
	// roadmap_demand_callers{kind="demand",name="Report export",route="PUT /api/reports/export",window="7d"} 2
	// roadmap_requests_total{name="Report export",outcome="stubbed",route="PUT /api/reports/export",stage="planned"} 3
}
