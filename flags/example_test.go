package flags_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"

	"github.com/roadmap-go/roadmap/flags"
)

// A Gate evaluates boolean flags fail-closed: a flag the provider does not
// know is off, with the reason in the decision, and never an error.
func ExampleNewGate() {
	provider := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"reports-export": {State: memprovider.Enabled, DefaultVariant: "on",
			Variants: map[string]any{"on": true, "off": false}},
	})
	_ = openfeature.SetNamedProviderAndWait("ExampleNewGate", provider)

	// Failures are logged once per flag and code (the time is dropped here
	// to keep the output stable).
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	gate := flags.NewGate(openfeature.NewClient("ExampleNewGate"), flags.Options{Logger: logger})
	defer gate.Close()

	ctx := context.Background()
	on := gate.Evaluate(ctx, "reports-export", openfeature.EvaluationContext{})
	fmt.Println(on.On, on.Reason, on.Variant)

	missing := gate.Evaluate(ctx, "no-such-flag", openfeature.EvaluationContext{})
	fmt.Println(missing.On, missing.Failed(), missing.ErrorCode)
	// Output:
	// true STATIC on
	// level=WARN msg="flag evaluation failed; failing closed" flag=no-such-flag code=FLAG_NOT_FOUND
	// false true FLAG_NOT_FOUND
}

// EvaluateFunc builds the evaluation context only when the flag has to be
// evaluated (here always: the cache is off); a cached decision builds none.
func ExampleGate_EvaluateFunc() {
	provider := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"reports-export": {State: memprovider.Enabled, DefaultVariant: "on",
			Variants: map[string]any{"on": true, "off": false}},
	})
	_ = openfeature.SetNamedProviderAndWait("ExampleGate_EvaluateFunc", provider)
	gate := flags.NewGate(openfeature.NewClient("ExampleGate_EvaluateFunc"), flags.Options{NoCache: true})
	defer gate.Close()

	r := httptest.NewRequest(http.MethodGet, "/reports/export", nil)
	r.Header.Set("X-User-ID", "alice")
	fromHeader := flags.FromHeader("X-User-ID")
	d := gate.EvaluateFunc(r.Context(), "reports-export", func() openfeature.EvaluationContext {
		ec := fromHeader(r)
		fmt.Println("context built for", ec.TargetingKey())
		return ec
	})
	fmt.Println(d.On, d.Reason)
	// Output:
	// context built for alice
	// true STATIC
}

// A Flag is looked up once, where a route is built, and evaluated per
// request: its cached static decision is found without a lookup by name.
func ExampleGate_Flag() {
	provider := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"reports-export": {State: memprovider.Enabled, DefaultVariant: "on",
			Variants: map[string]any{"on": true, "off": false}},
	})
	_ = openfeature.SetNamedProviderAndWait("ExampleGate_Flag", provider)
	gate := flags.NewGate(openfeature.NewClient("ExampleGate_Flag"), flags.Options{})
	defer gate.Close()

	export := gate.Flag("reports-export")
	anonymous := func() openfeature.EvaluationContext { return openfeature.EvaluationContext{} }
	for range 2 {
		d := export.EvaluateFunc(context.Background(), anonymous)
		fmt.Println(d.On, d.Reason, d.Cached)
	}
	fmt.Println(gate.Flag("reports-export") == export)
	// Output:
	// true STATIC false
	// true STATIC true
	// true
}

// A Flag held across a configuration change answers the new value: the
// provider's event (here Invalidate, as a provider event does) drops its
// cached decision.
func ExampleFlag_EvaluateFunc() {
	provider := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"reports-export": {State: memprovider.Enabled, DefaultVariant: "off",
			Variants: map[string]any{"on": true, "off": false}},
	})
	_ = openfeature.SetNamedProviderAndWait("ExampleFlag_EvaluateFunc", provider)
	gate := flags.NewGate(openfeature.NewClient("ExampleFlag_EvaluateFunc"), flags.Options{})
	defer gate.Close()

	export := gate.Flag("reports-export")
	anonymous := func() openfeature.EvaluationContext { return openfeature.EvaluationContext{} }
	fmt.Println(export.EvaluateFunc(context.Background(), anonymous).On)
	provider.UpdateFlags(map[string]memprovider.InMemoryFlag{
		"reports-export": {State: memprovider.Enabled, DefaultVariant: "on",
			Variants: map[string]any{"on": true, "off": false}},
	})
	gate.Invalidate()
	fmt.Println(export.EvaluateFunc(context.Background(), anonymous).On)
	// Output:
	// false
	// true
}
