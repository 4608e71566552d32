package flags_test

import (
	"context"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"

	"github.com/roadmap-go/roadmap/flags"
)

// benchClient registers an in-memory provider with a static flag "static"
// and a flag "targeted" on for the targeting key "alice", under the
// benchmark's own domain.
func benchClient(b *testing.B) *openfeature.Client {
	b.Helper()
	byKey := func(f memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		v := "off"
		if ec[openfeature.TargetingKey] == "alice" {
			v = "on"
		}
		return f.Variants[v], openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason, Variant: v}
	}
	variants := map[string]any{"on": true, "off": false}
	p := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"static":   {State: memprovider.Enabled, DefaultVariant: "on", Variants: variants},
		"targeted": {State: memprovider.Enabled, DefaultVariant: "off", Variants: variants, ContextEvaluator: &byKey},
	})
	if err := openfeature.SetNamedProviderAndWait(b.Name(), p); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(b.Name(), openfeature.NoopProvider{}) })
	return openfeature.NewClient(b.Name())
}

// BenchmarkGate measures one decision: from the cache of static flags, and
// evaluated by the provider (inline with the default bound, unbounded,
// isolated on a goroutine), against calling the client directly.
func BenchmarkGate(b *testing.B) {
	alice := openfeature.NewEvaluationContext("alice", nil)
	tests := []struct {
		name string
		flag string
		opts flags.Options
	}{
		{name: "cached", flag: "static"},
		{name: "static/bounded", flag: "static", opts: flags.Options{NoCache: true}},
		{name: "targeted/bounded", flag: "targeted"},
		{name: "targeted/unbounded", flag: "targeted", opts: flags.Options{Timeout: -1}},
		{name: "targeted/isolated", flag: "targeted", opts: flags.Options{Isolate: true}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			g := flags.NewGate(benchClient(b), tt.opts)
			b.Cleanup(g.Close)
			ctx := context.Background()
			if d := g.Evaluate(ctx, tt.flag, alice); !d.On {
				b.Fatalf("got %+v, want on", d)
			}
			b.ReportAllocs()
			for b.Loop() {
				g.Evaluate(ctx, tt.flag, alice)
			}
		})
	}
	b.Run("targeted/client", func(b *testing.B) {
		client := benchClient(b)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			_, _ = client.BooleanValueDetails(ctx, "targeted", false, alice)
		}
	})
}
