package audit_test

import (
	"context"
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
