package demand_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/router"
)

// BenchmarkObserveCaller is the counting path of one request: the key from
// the header, its keyed hash, the day's sketch and, for a deprecated route,
// the top-callers summary. Callers rotate among 1000 keys.
func BenchmarkObserveCaller(b *testing.B) {
	reqs := make([]*http.Request, 1000)
	for i := range reqs {
		reqs[i] = httptest.NewRequest(http.MethodPut, "/api/reports/export", nil)
		reqs[i].Header.Set("X-User-ID", "user-"+strconv.Itoa(i))
	}
	cases := []struct {
		name  string
		route *router.Route
		stage router.Stage
		out   router.Outcome
	}{
		{"planned", planned, router.Planned, router.OutcomeStubbed},
		{"deprecated", retiring, router.Deprecated, router.OutcomeServed},
		{"live-not-counted", live, router.Live, router.OutcomeServed},
	}
	for _, tc := range cases {
		b.Run("route="+tc.name, func(b *testing.B) {
			c := demand.New(testKey, demand.Options{Secret: secret})
			for _, r := range reqs { // the day's bucket and sketch exist
				c.ObserveCaller(tc.route, tc.stage, tc.out, r)
			}
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				c.ObserveCaller(tc.route, tc.stage, tc.out, reqs[i])
				i++
				if i == len(reqs) {
					i = 0
				}
			}
		})
	}
}
