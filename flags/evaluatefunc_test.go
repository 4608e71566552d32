package flags_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
)

// TestEvaluateFuncBuildsContextOnlyToEvaluate checks that EvaluateFunc calls
// ec once for a decision it has to evaluate, and never for a cached one.
func TestEvaluateFuncBuildsContextOnlyToEvaluate(t *testing.T) {
	client, _ := memClient(t, map[string]memprovider.InMemoryFlag{"static": staticFlag(true), "targeted": keyedFlag(nil, "alice")})
	ev := &syncEvents{Evaluator: client}
	g := flags.NewGate(ev, flags.Options{})
	t.Cleanup(g.Close)
	var built atomic.Int64
	ec := func() openfeature.EvaluationContext { built.Add(1); return userCtx("alice") }
	tests := []struct {
		name       string
		flag       string
		wantCached bool
		wantBuilt  int64 // contexts built so far
	}{
		{name: "static, first", flag: "static", wantBuilt: 1},
		{name: "static, cached", flag: "static", wantCached: true, wantBuilt: 1},
		{name: "targeted", flag: "targeted", wantBuilt: 2},
		{name: "targeted again", flag: "targeted", wantBuilt: 3},
		{name: "static, still cached", flag: "static", wantCached: true, wantBuilt: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := g.EvaluateFunc(context.Background(), tt.flag, ec)
			assert.True(t, d.On, "got %+v, want on", d)
			assert.Equal(t, tt.wantCached, d.Cached)
			assert.Equal(t, tt.wantBuilt, built.Load(), "got %d contexts built, want %d", built.Load(), tt.wantBuilt)
		})
	}
}

// TestEvaluateFuncCachedAllocatesNothing checks that a cached decision costs
// no allocation, the closure that would build the context included.
func TestEvaluateFuncCachedAllocatesNothing(t *testing.T) {
	client, _ := memClient(t, map[string]memprovider.InMemoryFlag{"static": staticFlag(true)})
	g := flags.NewGate(&syncEvents{Evaluator: client}, flags.Options{})
	t.Cleanup(g.Close)
	ctx, key := context.Background(), "alice"
	require.True(t, g.Evaluate(ctx, "static", userCtx(key)).On)
	allocs := testing.AllocsPerRun(100, func() {
		d := g.EvaluateFunc(ctx, "static", func() openfeature.EvaluationContext { return userCtx(key) })
		if !d.Cached {
			t.Fatalf("got %+v, want a cached decision", d)
		}
	})
	assert.Zero(t, allocs, "got %v allocations per cached decision, want 0", allocs)
}

// TestEvaluateMergesTransactionContext checks that every evaluator sees the
// transaction context of the request beneath the invocation context, the
// invocation context winning: an *openfeature.Client merges it itself, the
// Gate does it for the others.
func TestEvaluateMergesTransactionContext(t *testing.T) {
	bob := openfeature.NewEvaluationContext("bob", map[string]any{"plan": "free", "region": "eu"})
	tests := []struct {
		name string
		tx   *openfeature.EvaluationContext // nil: none
		ec   openfeature.EvaluationContext
		want openfeature.FlattenedContext
	}{
		{name: "no transaction context", ec: openfeature.NewEvaluationContext("alice", map[string]any{"plan": "pro"}),
			want: openfeature.FlattenedContext{openfeature.TargetingKey: "alice", "plan": "pro"}},
		{name: "invocation wins", tx: &bob, ec: openfeature.NewEvaluationContext("alice", map[string]any{"plan": "pro"}),
			want: openfeature.FlattenedContext{openfeature.TargetingKey: "alice", "plan": "pro", "region": "eu"}},
		{name: "targeting key from the transaction", tx: &bob, ec: openfeature.NewTargetlessEvaluationContext(map[string]any{"plan": "pro"}),
			want: openfeature.FlattenedContext{openfeature.TargetingKey: "bob", "plan": "pro", "region": "eu"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen openfeature.FlattenedContext
			record := func(_ memprovider.InMemoryFlag, fc openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
				seen = fc
				return true, openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason}
			}
			client, _ := memClient(t, map[string]memprovider.InMemoryFlag{"f": {State: memprovider.Enabled,
				DefaultVariant: "on", Variants: onOff, ContextEvaluator: &record}})
			// The same client behind an Evaluator of another type, which
			// passes on only the invocation context the Gate gives it.
			other := evalFuncEC(func(_ context.Context, ec openfeature.EvaluationContext) (openfeature.BooleanEvaluationDetails, error) {
				return client.BooleanValueDetails(context.Background(), "f", false, ec)
			})
			ctx := context.Background()
			if tt.tx != nil {
				ctx = openfeature.WithTransactionContext(ctx, *tt.tx)
			}
			for _, ev := range []flags.Evaluator{client, other} {
				seen = nil
				d := flags.NewGate(ev, flags.Options{NoCache: true}).Evaluate(ctx, "f", tt.ec)
				require.False(t, d.Failed(), "%T: got %+v", ev, d)
				assert.Equal(t, tt.want, seen, "%T: got %v, want %v", ev, seen, tt.want)
			}
		})
	}
}
