package bench_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/router"
)

// BenchmarkDemand measures what counting demand costs a request: the same
// routes served by a router without an Observer (impl=roadmap) and with a
// demand.Counter as its Observer (impl=roadmap-demand), for the planned
// route whose flag is off (cached, 501), the planned route without
// handler (501 stub) and a deprecated route (served, its caller counted
// with the top callers). The caller has a targeting key (X-User-ID).
func BenchmarkDemand(b *testing.B) {
	client := memClient(b)
	ok := http.HandlerFunc(userHandler)
	cases := []struct {
		name   string
		route  router.Route
		path   string
		status int
	}{
		{
			name: "planned-cached-off",
			route: router.Route{Method: http.MethodPut, Pattern: "/api/reports/export", Stage: router.Planned, Flag: flagOff,
				Handler: ok, Name: "Report export", Available: "v2.0"},
			path: "/api/reports/export", status: http.StatusNotImplemented,
		},
		{
			name:  "planned-stub",
			route: router.Route{Method: http.MethodPut, Pattern: "/api/reports/export", Stage: router.Planned, Name: "Report export", Available: "v2.0"},
			path:  "/api/reports/export", status: http.StatusNotImplemented,
		},
		{
			name: "deprecated",
			route: router.Route{Method: http.MethodGet, Pattern: userPattern, Stage: router.Deprecated, Handler: ok,
				Deprecation: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
			path: "/api/users/42", status: http.StatusOK,
		},
	}
	for _, tc := range cases {
		req := httptest.NewRequest(tc.route.Method, tc.path, nil)
		req.Header.Set("X-User-ID", "user-42")
		cfg := router.Config{Flags: client, Context: flags.FromHeader("X-User-ID")}
		b.Run("path="+tc.name+"/impl=roadmap", func(b *testing.B) {
			serve(b, newRouter(b, []router.Route{tc.route}, cfg), req, tc.status)
		})
		b.Run("path="+tc.name+"/impl=roadmap-demand", func(b *testing.B) {
			counter := demand.New(demand.HeaderKey("X-User-ID"), demand.Options{Secret: []byte("bench")})
			b.Cleanup(counter.Close)
			cfg := cfg
			cfg.Observer = counter
			serve(b, newRouter(b, []router.Route{tc.route}, cfg), req, tc.status)
			if rr, ok := counter.Report().Route(tc.route.Method, tc.route.Pattern); !ok || rr.Windows[0].Requests == 0 {
				b.Fatal("the counter counted nothing")
			}
		})
	}
}
