package flags_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
)

// TestCacheTargeted: with Options.CacheTargeted a targeted decision is
// answered from the cache for the same flag and targeting key, never for a
// context with more than the key, never past a provider event, and the
// cache holds no more than its bound.
func TestCacheTargeted(t *testing.T) {
	ctx := context.Background()
	withAttr := openfeature.NewEvaluationContext("alice", map[string]any{"plan": "pro"})
	tests := []struct {
		name      string
		opts      flags.Options
		run       func(t *testing.T, g *flags.Gate, ev *syncEvents, p *memprovider.InMemoryProvider)
		wantCalls int64
	}{
		{name: "the same key twice: one evaluation", opts: flags.Options{CacheTargeted: 10}, wantCalls: 1,
			run: func(t *testing.T, g *flags.Gate, _ *syncEvents, _ *memprovider.InMemoryProvider) {
				first := g.Evaluate(ctx, "f", userCtx("alice"))
				second := g.Evaluate(ctx, "f", userCtx("alice"))
				assert.True(t, first.On)
				assert.False(t, first.Cached)
				assert.Equal(t, first.On, second.On)
				assert.True(t, second.Cached, "got an evaluation, want the cached decision")
				assert.Equal(t, openfeature.TargetingMatchReason, second.Reason)
			}},
		{name: "keys are cached apart", opts: flags.Options{CacheTargeted: 10}, wantCalls: 2,
			run: func(t *testing.T, g *flags.Gate, _ *syncEvents, _ *memprovider.InMemoryProvider) {
				for range 3 {
					assert.True(t, g.Evaluate(ctx, "f", userCtx("alice")).On)
					assert.False(t, g.Evaluate(ctx, "f", userCtx("bob")).On)
				}
			}},
		{name: "a context with attributes is always evaluated", opts: flags.Options{CacheTargeted: 10}, wantCalls: 3,
			run: func(t *testing.T, g *flags.Gate, _ *syncEvents, _ *memprovider.InMemoryProvider) {
				for range 3 {
					assert.False(t, g.Evaluate(ctx, "f", withAttr).Cached)
				}
			}},
		{name: "a transaction context is always evaluated", opts: flags.Options{CacheTargeted: 10}, wantCalls: 2,
			run: func(t *testing.T, g *flags.Gate, _ *syncEvents, _ *memprovider.InMemoryProvider) {
				tx := openfeature.WithTransactionContext(ctx, openfeature.NewEvaluationContext("", map[string]any{"plan": "pro"}))
				for range 2 {
					assert.False(t, g.Evaluate(tx, "f", userCtx("alice")).Cached)
				}
			}},
		{name: "no key, no cache", opts: flags.Options{CacheTargeted: 10}, wantCalls: 2,
			run: func(t *testing.T, g *flags.Gate, _ *syncEvents, _ *memprovider.InMemoryProvider) {
				for range 2 {
					assert.False(t, g.Evaluate(ctx, "f", openfeature.EvaluationContext{}).Cached)
				}
			}},
		{name: "a provider event drops the cache", opts: flags.Options{CacheTargeted: 10}, wantCalls: 2,
			run: func(t *testing.T, g *flags.Gate, ev *syncEvents, p *memprovider.InMemoryProvider) {
				require.True(t, g.Evaluate(ctx, "f", userCtx("alice")).On)
				require.True(t, g.Evaluate(ctx, "f", userCtx("alice")).Cached)
				p.UpdateFlags(map[string]memprovider.InMemoryFlag{"f": keyedFlag(nil, "bob")})
				ev.emit(openfeature.ProviderConfigChange)
				got := g.Evaluate(ctx, "f", userCtx("alice"))
				assert.False(t, got.On, "got the decision from before the event")
				assert.False(t, got.Cached)
				assert.True(t, g.Evaluate(ctx, "f", userCtx("alice")).Cached)
			}},
		{name: "bounded: the least recently used go first", opts: flags.Options{CacheTargeted: 4}, wantCalls: 100 + 1,
			run: func(t *testing.T, g *flags.Gate, _ *syncEvents, _ *memprovider.InMemoryProvider) {
				for i := range 100 {
					g.Evaluate(ctx, "f", userCtx(fmt.Sprint("user-", i)))
				}
				assert.True(t, g.Evaluate(ctx, "f", userCtx("user-99")).Cached, "the newest key is cached")
				assert.False(t, g.Evaluate(ctx, "f", userCtx("user-0")).Cached, "the oldest key was dropped")
			}},
		{name: "off by default", wantCalls: 2,
			run: func(t *testing.T, g *flags.Gate, _ *syncEvents, _ *memprovider.InMemoryProvider) {
				for range 2 {
					assert.False(t, g.Evaluate(ctx, "f", userCtx("alice")).Cached)
				}
			}},
		{name: "failures are not cached", opts: flags.Options{CacheTargeted: 10}, wantCalls: 2,
			run: func(t *testing.T, g *flags.Gate, _ *syncEvents, _ *memprovider.InMemoryProvider) {
				for range 2 {
					d := g.Evaluate(ctx, "missing", userCtx("alice"))
					assert.True(t, d.Failed())
					assert.False(t, d.Cached)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			client, p := memClient(t, map[string]memprovider.InMemoryFlag{"f": keyedFlag(&calls, "alice")})
			counted := &counting{Client: client}
			ev := &syncEvents{Evaluator: counted}
			tt.opts.Timeout, tt.opts.Logger = -1, slog.New(slog.DiscardHandler)
			g := flags.NewGate(ev, tt.opts)
			t.Cleanup(g.Close)
			tt.run(t, g, ev, p)
			assert.Equal(t, tt.wantCalls, counted.n.Load(), "got %d evaluations, want %d", counted.n.Load(), tt.wantCalls)
		})
	}
}

// TestCacheTargetedNeedsEvents: an Evaluator without provider events cannot
// tell the Gate that flags changed, so nothing is cached per key.
func TestCacheTargetedNeedsEvents(t *testing.T) {
	var calls atomic.Int64
	ev := evalFunc(func(context.Context, string) (openfeature.BooleanEvaluationDetails, error) {
		calls.Add(1)
		return targetedOn()
	})
	g := flags.NewGate(ev, flags.Options{CacheTargeted: 10, Timeout: -1})
	t.Cleanup(g.Close)
	for range 3 {
		assert.False(t, g.Evaluate(context.Background(), "f", userCtx("alice")).Cached)
	}
	assert.Equal(t, int64(3), calls.Load())
}

// TestCacheTargetedNeverOutlivesFlip hammers a Gate with CacheTargeted from
// several goroutines while the flag flips: once the provider's event has
// been handled, every evaluation answers the new rule.
func TestCacheTargetedNeverOutlivesFlip(t *testing.T) {
	client, p := memClient(t, map[string]memprovider.InMemoryFlag{"f": keyedFlag(nil, "alice")})
	ev := &syncEvents{Evaluator: client}
	g := flags.NewGate(ev, flags.Options{CacheTargeted: 8, Timeout: -1, Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(g.Close)
	ctx := context.Background()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					g.Evaluate(ctx, "f", userCtx(fmt.Sprint("user-", i)))
					g.Evaluate(ctx, "f", userCtx("alice"))
				}
			}
		})
	}
	on := true
	for flip := range 50 {
		on = !on
		keys := []string{}
		if on {
			keys = append(keys, "alice")
		}
		p.UpdateFlags(map[string]memprovider.InMemoryFlag{"f": keyedFlag(nil, keys...)})
		ev.emit(openfeature.ProviderConfigChange)
		for range 3 {
			got := g.Evaluate(ctx, "f", userCtx("alice"))
			require.Equal(t, on, got.On, "flip %d: got %v after the event, want %v", flip, got.On, on)
		}
	}
	close(stop)
	wg.Wait()
}
