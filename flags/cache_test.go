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

func TestCacheNeverOutlivesFlip(t *testing.T) {
	tests := []struct {
		name  string
		event openfeature.EventType
	}{
		{name: "configuration change", event: openfeature.ProviderConfigChange},
		{name: "ready", event: openfeature.ProviderReady},
		{name: "error", event: openfeature.ProviderError},
		{name: "stale", event: openfeature.ProviderStale},
	}
	for _, tt := range tests {
		// The same through Gate.Evaluate and through a Flag held across
		// the flips, as the router holds one.
		for _, held := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/held=%v", tt.name, held), func(t *testing.T) {
				testCacheFlips(t, tt.event, held)
			})
		}
	}
}

// testCacheFlips flips a static flag 20 times, each time with event.
func testCacheFlips(t *testing.T, event openfeature.EventType, held bool) {
	client, p := memClient(t, map[string]memprovider.InMemoryFlag{"f": staticFlag(true)})
	ev := &syncEvents{Evaluator: client}
	g := flags.NewGate(ev, flags.Options{Timeout: -1})
	t.Cleanup(g.Close)
	ctx := context.Background()
	f := g.Flag("f")
	evaluate := func() flags.Decision {
		if held {
			return f.EvaluateFunc(ctx, func() openfeature.EvaluationContext { return openfeature.EvaluationContext{} })
		}
		return g.Evaluate(ctx, "f", openfeature.EvaluationContext{})
	}

	on := true
	for flip := range 20 {
		first := evaluate()
		require.Equal(t, on, first.On, "flip %d: got %v, want %v", flip, first.On, on)
		second := evaluate()
		require.True(t, second.Cached, "flip %d: a static decision is cached", flip)
		d, ok := flags.CachedDecision(g, "f")
		require.True(t, ok)
		assert.Equal(t, on, d.On)

		on = !on
		p.UpdateFlags(map[string]memprovider.InMemoryFlag{"f": staticFlag(on)})
		ev.emit(event)

		_, ok = flags.CachedDecision(g, "f")
		assert.False(t, ok, "flip %d: cached decision still there after the %s event", flip, event)
		got := evaluate()
		assert.Equal(t, on, got.On, "flip %d: got %v right after the event, want %v", flip, got.On, on)
		assert.False(t, got.Cached, "flip %d: first answer after the event comes from the provider", flip)
	}
}

// An evaluation that read the old configuration and finishes after the
// configuration-change event must not put its decision in the cache.
func TestCacheDropsDecisionComputedAcrossEvent(t *testing.T) {
	// The provider answers a static value that the test sets, and blocks
	// each evaluation until the test releases it while hold is set.
	var value, hold atomic.Bool
	var calls atomic.Int64
	started, release := make(chan struct{}), make(chan struct{})
	ev := &syncEvents{Evaluator: evalFunc(func(context.Context, string) (openfeature.BooleanEvaluationDetails, error) {
		calls.Add(1)
		v := value.Load()
		if hold.Load() {
			started <- struct{}{}
			<-release
		}
		return answer(v, openfeature.StaticReason)
	})}
	value.Store(true)
	g := flags.NewGate(ev, flags.Options{Timeout: -1})
	t.Cleanup(g.Close)
	ctx := context.Background()

	hold.Store(true)
	done := make(chan flags.Decision)
	go func() { done <- g.Evaluate(ctx, "f", openfeature.EvaluationContext{}) }()
	<-started // the evaluation has read the old value
	value.Store(false)
	ev.emit(openfeature.ProviderConfigChange)
	hold.Store(false)
	close(release)
	old := <-done
	assert.True(t, old.On, "the in-flight evaluation answers what it read")

	_, ok := flags.CachedDecision(g, "f")
	assert.False(t, ok, "a decision computed across the event was cached")
	got := g.Evaluate(ctx, "f", openfeature.EvaluationContext{})
	assert.False(t, got.On, "got %v after the event, want false", got.On)
	assert.Equal(t, int64(2), calls.Load(), "got %d provider calls, want 2", calls.Load())
}

// Concurrent readers never see the old decision once the event handler has
// returned, while the flag flips back and forth.
func TestCacheFlipsUnderConcurrentLoad(t *testing.T) {
	client, p := memClient(t, map[string]memprovider.InMemoryFlag{"f": staticFlag(true)})
	ev := &syncEvents{Evaluator: client}
	g := flags.NewGate(ev, flags.Options{Timeout: -1})
	t.Cleanup(g.Close)
	ctx := context.Background()

	// seq is even while the flag is stable, odd while it is being flipped;
	// in stable period s the flag is (s/2)%2 == 0.
	var seq atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var stale atomic.Int64
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				s := seq.Load()
				if s%2 == 1 {
					continue // between UpdateFlags and the event either value is right
				}
				d := g.Evaluate(ctx, "f", openfeature.EvaluationContext{})
				if seq.Load() == s && d.On != ((s/2)%2 == 0) {
					stale.Add(1)
				}
			}
		})
	}
	for i := range 200 {
		on := i%2 == 1
		seq.Add(1)
		p.UpdateFlags(map[string]memprovider.InMemoryFlag{"f": staticFlag(on)})
		ev.emit(openfeature.ProviderConfigChange)
		seq.Add(1)
		require.Equal(t, on, g.Evaluate(ctx, "f", openfeature.EvaluationContext{}).On, "flip %d", i)
	}
	close(stop)
	wg.Wait()
	assert.Zero(t, stale.Load(), "evaluations that started after an event saw the old value")
}

// Flags with targeting are evaluated on every request: their decisions
// depend on the context, so they are never cached.
func TestCacheTargetedFlagEvaluatedPerRequest(t *testing.T) {
	var calls atomic.Int64
	client, _ := memClient(t, map[string]memprovider.InMemoryFlag{"t": keyedFlag(&calls, "alice"), "s": staticFlag(true)})
	ev := &syncEvents{Evaluator: client}
	g := flags.NewGate(ev, flags.Options{Timeout: -1})
	t.Cleanup(g.Close)
	ctx := context.Background()

	tests := []struct {
		name   string
		key    string
		wantOn bool
	}{
		{name: "alice is in", key: "alice", wantOn: true},
		{name: "bob is out", key: "bob", wantOn: false},
		{name: "alice again", key: "alice", wantOn: true},
		{name: "anonymous is out", key: "", wantOn: false},
		{name: "bob again", key: "bob", wantOn: false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A cached static flag in between does not make the targeted one
			// cached.
			require.True(t, g.Evaluate(ctx, "s", openfeature.EvaluationContext{}).On)
			d := g.Evaluate(ctx, "t", openfeature.NewEvaluationContext(tt.key, nil))
			assert.Equal(t, tt.wantOn, d.On, "got %v, want %v", d.On, tt.wantOn)
			assert.False(t, d.Cached)
			assert.Equal(t, openfeature.TargetingMatchReason, d.Reason)
			_, cached := flags.CachedDecision(g, "t")
			assert.False(t, cached, "a targeted decision was cached")
			assert.Equal(t, int64(i+1), calls.Load(), "got %d evaluations, want %d", calls.Load(), i+1)
		})
	}
	_, cached := flags.CachedDecision(g, "s")
	assert.True(t, cached, "the static flag is cached")
}

// Many static flags: the cache holds each one's decision and drops them all
// on an event.
func TestCacheManyFlags(t *testing.T) {
	const n = 40
	set := map[string]memprovider.InMemoryFlag{}
	for i := range n {
		key := fmt.Sprintf("f%d", i)
		set[key] = staticFlag(i%3 == 0)
	}
	client, _ := memClient(t, set)
	ev := &syncEvents{Evaluator: client}
	g := flags.NewGate(ev, flags.Options{Timeout: -1})
	t.Cleanup(g.Close)
	ctx := context.Background()
	for round := range 2 {
		for pass := range 2 { // the second pass answers from the cache
			for i := range n {
				key := fmt.Sprintf("f%d", i)
				d := g.Evaluate(ctx, key, openfeature.EvaluationContext{})
				assert.Equal(t, i%3 == 0, d.On, "round %d, %s", round, key)
				assert.Equal(t, pass == 1, d.Cached, "round %d, pass %d, %s: cached", round, pass, key)
			}
		}
		for i := range n {
			d, ok := flags.CachedDecision(g, fmt.Sprintf("f%d", i))
			require.True(t, ok, "f%d", i)
			assert.Equal(t, i%3 == 0, d.On)
		}
		if round == 0 {
			ev.emit(openfeature.ProviderConfigChange)
			for i := range n {
				_, ok := flags.CachedDecision(g, fmt.Sprintf("f%d", i))
				require.False(t, ok, "f%d cached after the event", i)
			}
		}
	}
}

// FuzzGateFlagKey checks that any flag key gets the decision of its own
// flag, from the cache or not: on for the static flag that is on, off for
// the one that is off, failed and off for any other (FLAG_NOT_FOUND, or
// GENERAL where the SDK rejects the key), never a panic.
func FuzzGateFlagKey(f *testing.F) {
	for _, s := range []string{"on", "", "On", "on ", "\x00", "é", "on\xff"} {
		f.Add(s)
	}
	client, _ := memClient(f, map[string]memprovider.InMemoryFlag{"on": staticFlag(true), "off": staticFlag(false)})
	g := flags.NewGate(&syncEvents{Evaluator: client}, flags.Options{Logger: slog.New(slog.DiscardHandler)})
	f.Cleanup(g.Close)
	f.Fuzz(func(t *testing.T, flag string) {
		for range 2 { // the second time from the cache, for a flag that is there
			d := g.Evaluate(context.Background(), flag, userCtx(flag))
			switch flag {
			case "on":
				require.True(t, d.On, "got %+v", d)
			case "off":
				require.False(t, d.On, "got %+v", d)
				require.False(t, d.Failed(), "got %+v", d)
			default:
				require.False(t, d.On, "got %+v", d)
				require.True(t, d.Failed(), "got %+v", d)
				require.False(t, d.Cached, "got %+v", d)
			}
		}
	})
}
