package audit_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/audit"
	"github.com/roadmap-go/roadmap/router"
)

// fixedFlags is an Evaluator with static answers and no provider events.
type fixedFlags map[string]bool

func (f fixedFlags) BooleanValueDetails(_ context.Context, flag string, _ bool, _ openfeature.EvaluationContext, _ ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error) {
	return openfeature.BooleanEvaluationDetails{Value: f[flag], EvaluationDetails: openfeature.EvaluationDetails{
		FlagKey: flag, ResolutionDetail: openfeature.ResolutionDetail{Reason: openfeature.StaticReason}}}, nil
}

func Example() {
	flags := fixedFlags{"reports-export": true}
	rt, err := router.New([]router.Route{{
		Method: http.MethodPut, Pattern: "/api/reports/export", Stage: router.Planned,
		Flag: "reports-export", Name: "Report export", Handler: http.NotFoundHandler(),
	}}, router.Config{Flags: flags})
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "at" {
				return slog.Attr{} // keep the output reproducible
			}
			return a
		},
	}))
	trail := audit.New(rt, flags, audit.Options{Logger: logger})
	defer trail.Close()
	// Output:
	// level=INFO msg="route state changed" route="PUT /api/reports/export" name="Report export" flag=reports-export old="" new=on cause=initial
}

// targetedFlags answers on for the targeting keys it lists, by a targeting
// rule, and has no provider events.
type targetedFlags map[string][]string

func (f targetedFlags) BooleanValueDetails(_ context.Context, flag string, _ bool, ec openfeature.EvaluationContext, _ ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error) {
	on := false
	for _, k := range f[flag] {
		on = on || k == ec.TargetingKey()
	}
	return openfeature.BooleanEvaluationDetails{Value: on, EvaluationDetails: openfeature.EvaluationDetails{
		FlagKey: flag, ResolutionDetail: openfeature.ResolutionDetail{Reason: openfeature.TargetingMatchReason}}}, nil
}

// Callers: a rollout to named users is "targeted" for everyone else; the
// trail follows the decision of the callers it is told about.
func ExampleTrail_CallerStates() {
	flags := targetedFlags{"users-patch": {"alice"}}
	rt, err := router.New([]router.Route{{
		Method: http.MethodPatch, Pattern: "/api/users/{id}", Stage: router.Beta,
		Flag: "users-patch", Handler: http.NotFoundHandler(),
	}}, router.Config{Flags: flags})
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	trail := audit.New(rt, flags, audit.Options{
		Logger:  slog.New(slog.DiscardHandler),
		Callers: []openfeature.EvaluationContext{openfeature.NewEvaluationContext("alice", nil), openfeature.NewEvaluationContext("bob", nil)},
	})
	defer trail.Close()
	fmt.Println(trail.States()["PATCH /api/users/{id}"])
	fmt.Println(trail.CallerStates()["PATCH /api/users/{id}"])
	// Output:
	// targeted
	// map[alice:on bob:off]
}
