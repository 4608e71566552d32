// Package routetable builds route tables of any size, with a realistic mix
// of stages, for benchmarks and tests (router, openapi, internal/bench). It
// is in the root module, with chi and the OpenFeature SDK as its only
// dependencies, so that every module's tests can use it (docs/modules.md).
package routetable

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/router"
)

// Routes returns n distinct routes (n/4 patterns, four methods each) with a
// realistic mix of stages: mostly live, a tenth planned with a flag, a tenth
// planned without, and some beta, deprecated and removed ones, with names,
// docs links and URL parameters.
func Routes(n int) []router.Route {
	methods := [...]string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete}
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	dep := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]router.Route, 0, n)
	for i := 0; len(out) < n; i++ {
		pattern := fmt.Sprintf("/api/v%d/resource%d/{id}", i%3+1, i)
		if i%2 == 1 {
			pattern = fmt.Sprintf("/api/resource%d/items", i)
		}
		for j, m := range methods {
			if len(out) == n {
				break
			}
			r := router.Route{Method: m, Pattern: pattern, Name: fmt.Sprintf("Operation %d.%d", i, j), Handler: h, Stage: router.Live}
			switch (i*4 + j) % 20 {
			case 0, 1:
				r.Stage, r.Flag, r.Available = router.Planned, fmt.Sprintf("flag-%d", i), "v9"
			case 2, 3:
				r.Stage, r.Handler, r.Available, r.Docs = router.Planned, nil, "2027-03", "https://example.com/docs/planned"
			case 4:
				r.Stage, r.Flag = router.Beta, fmt.Sprintf("beta-%d-%d", i, j)
			case 5:
				r.Stage, r.Deprecation, r.Docs, r.Successor = router.Deprecated, dep, "https://example.com/docs/migrate", "/api/v2/next"
			case 6:
				r.Stage, r.Handler = router.Removed, nil
			}
			out = append(out, r)
		}
	}
	return out
}

// StaticEvaluator is a flags.Evaluator that answers false with reason STATIC
// for every flag, without provider events: the cheapest evaluator, for
// benchmarks that need one only because the table has gated routes.
type StaticEvaluator struct{}

// BooleanValueDetails answers false, STATIC.
func (StaticEvaluator) BooleanValueDetails(_ context.Context, flag string, _ bool, _ openfeature.EvaluationContext, _ ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error) {
	return openfeature.BooleanEvaluationDetails{Value: false, EvaluationDetails: openfeature.EvaluationDetails{
		FlagKey: flag, FlagType: openfeature.Boolean,
		ResolutionDetail: openfeature.ResolutionDetail{Reason: openfeature.StaticReason},
	}}, nil
}
