package metrics_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

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
