package flags_test

import (
	"context"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"

	"github.com/roadmap-go/roadmap/flags"
)

// benchClient is a client with a static flag "static" and a flag
// "targeted" on for the targeting key "alice".
func benchClient(b *testing.B) *openfeature.Client {
	c, _ := memClient(b, map[string]memprovider.InMemoryFlag{"static": staticFlag(true), "targeted": keyedFlag(nil, "alice")})
	return c
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

// BenchmarkGateEvaluateFunc measures a cached decision through EvaluateFunc,
// with a closure that would build the evaluation context: it is never
// called, and nothing is allocated.
func BenchmarkGateEvaluateFunc(b *testing.B) {
	g := flags.NewGate(benchClient(b), flags.Options{})
	b.Cleanup(g.Close)
	ctx := context.Background()
	key := "alice"
	ec := func() openfeature.EvaluationContext { return openfeature.NewEvaluationContext(key, nil) }
	if d := g.EvaluateFunc(ctx, "static", ec); !d.On {
		b.Fatalf("got %+v, want on", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		g.EvaluateFunc(ctx, "static", func() openfeature.EvaluationContext { return openfeature.NewEvaluationContext(key, nil) })
	}
}
