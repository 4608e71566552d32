package flags_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
)

// syncEvents evaluates with a real OpenFeature client but delivers provider
// events itself, synchronously, when the test calls emit. The SDK delivers
// events on goroutines of its own, so only this makes "after the event" an
// exact instant a test can assert at.
type syncEvents struct {
	*openfeature.Client
	mu       sync.Mutex
	handlers map[openfeature.EventType][]openfeature.EventCallback
}

func (s *syncEvents) AddHandler(t openfeature.EventType, cb openfeature.EventCallback) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.handlers == nil {
		s.handlers = map[openfeature.EventType][]openfeature.EventCallback{}
	}
	s.handlers[t] = append(s.handlers[t], cb)
}

func (s *syncEvents) RemoveHandler(t openfeature.EventType, cb openfeature.EventCallback) {
	s.mu.Lock()
	defer s.mu.Unlock()
	hs := s.handlers[t]
	for i, h := range hs {
		if h == cb {
			s.handlers[t] = append(hs[:i:i], hs[i+1:]...)
			return
		}
	}
}

// emit calls every handler of t and returns when they have all returned.
func (s *syncEvents) emit(t openfeature.EventType) {
	s.mu.Lock()
	hs := append([]openfeature.EventCallback(nil), s.handlers[t]...)
	s.mu.Unlock()
	for _, h := range hs {
		(*h)(openfeature.EventDetails{})
	}
}

// boolFlag is a boolean flag without targeting (reason STATIC).
func boolFlag(key string, on bool) memprovider.InMemoryFlag {
	v := "off"
	if on {
		v = "on"
	}
	return memprovider.InMemoryFlag{Key: key, State: memprovider.Enabled, DefaultVariant: v,
		Variants: map[string]any{"on": true, "off": false}}
}

// newSyncClient registers p under the test's own domain.
func newSyncClient(t *testing.T, p openfeature.FeatureProvider) *syncEvents {
	t.Helper()
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(t.Name(), openfeature.NoopProvider{}) })
	return &syncEvents{Client: openfeature.NewClient(t.Name())}
}

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
		t.Run(tt.name, func(t *testing.T) {
			p := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{"f": boolFlag("f", true)})
			ev := newSyncClient(t, p)
			g := flags.NewGate(ev, flags.Options{Timeout: -1})
			t.Cleanup(g.Close)
			ctx := context.Background()

			on := true
			for flip := range 20 {
				first := g.Evaluate(ctx, "f", openfeature.EvaluationContext{})
				require.Equal(t, on, first.On, "flip %d: got %v, want %v", flip, first.On, on)
				second := g.Evaluate(ctx, "f", openfeature.EvaluationContext{})
				require.True(t, second.Cached, "flip %d: a static decision is cached", flip)
				d, ok := g.Cached("f")
				require.True(t, ok)
				assert.Equal(t, on, d.On)

				on = !on
				p.UpdateFlags(map[string]memprovider.InMemoryFlag{"f": boolFlag("f", on)})
				ev.emit(tt.event)

				_, ok = g.Cached("f")
				assert.False(t, ok, "flip %d: cached decision still there after the %s event", flip, tt.event)
				got := g.Evaluate(ctx, "f", openfeature.EvaluationContext{})
				assert.Equal(t, on, got.On, "flip %d: got %v right after the event, want %v", flip, got.On, on)
				assert.False(t, got.Cached, "flip %d: first answer after the event comes from the provider", flip)
			}
		})
	}
}

// blockingStatic answers a static value that the test sets, and blocks each
// evaluation until the test releases it when hold is set.
type blockingStatic struct {
	syncEvents
	value   atomic.Bool
	calls   atomic.Int64
	hold    atomic.Bool
	started chan struct{}
	release chan struct{}
}

func (b *blockingStatic) BooleanValueDetails(_ context.Context, flag string, _ bool, _ openfeature.EvaluationContext, _ ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error) {
	b.calls.Add(1)
	v := b.value.Load()
	if b.hold.Load() {
		b.started <- struct{}{}
		<-b.release
	}
	return openfeature.BooleanEvaluationDetails{Value: v, EvaluationDetails: openfeature.EvaluationDetails{FlagKey: flag,
		ResolutionDetail: openfeature.ResolutionDetail{Reason: openfeature.StaticReason}}}, nil
}

// An evaluation that read the old configuration and finishes after the
// configuration-change event must not put its decision in the cache.
func TestCacheDropsDecisionComputedAcrossEvent(t *testing.T) {
	ev := &blockingStatic{started: make(chan struct{}), release: make(chan struct{})}
	ev.value.Store(true)
	g := flags.NewGate(ev, flags.Options{Timeout: -1})
	t.Cleanup(g.Close)
	ctx := context.Background()

	ev.hold.Store(true)
	done := make(chan flags.Decision)
	go func() { done <- g.Evaluate(ctx, "f", openfeature.EvaluationContext{}) }()
	<-ev.started // the evaluation has read the old value
	ev.value.Store(false)
	ev.emit(openfeature.ProviderConfigChange)
	ev.hold.Store(false)
	close(ev.release)
	old := <-done
	assert.True(t, old.On, "the in-flight evaluation answers what it read")

	_, ok := g.Cached("f")
	assert.False(t, ok, "a decision computed across the event was cached")
	got := g.Evaluate(ctx, "f", openfeature.EvaluationContext{})
	assert.False(t, got.On, "got %v after the event, want false", got.On)
	assert.Equal(t, int64(2), ev.calls.Load(), "got %d provider calls, want 2", ev.calls.Load())
}

// Concurrent readers never see the old decision once the event handler has
// returned, while the flag flips back and forth.
func TestCacheFlipsUnderConcurrentLoad(t *testing.T) {
	p := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{"f": boolFlag("f", true)})
	ev := newSyncClient(t, p)
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
		p.UpdateFlags(map[string]memprovider.InMemoryFlag{"f": boolFlag("f", on)})
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
	byKey := func(f memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		calls.Add(1)
		v := "off"
		if ec[openfeature.TargetingKey] == "alice" {
			v = "on"
		}
		return f.Variants[v], openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason, Variant: v}
	}
	targeted := boolFlag("t", false)
	targeted.ContextEvaluator = &byKey
	p := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{"t": targeted, "s": boolFlag("s", true)})
	ev := newSyncClient(t, p)
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
			_, cached := g.Cached("t")
			assert.False(t, cached, "a targeted decision was cached")
			assert.Equal(t, int64(i+1), calls.Load(), "got %d evaluations, want %d", calls.Load(), i+1)
		})
	}
	_, cached := g.Cached("s")
	assert.True(t, cached, "the static flag is cached")
}

// Many static flags: the cache holds each one's decision, past the size
// where it changes representation, and drops them all on an event.
func TestCacheManyFlags(t *testing.T) {
	const n = 40
	set := map[string]memprovider.InMemoryFlag{}
	for i := range n {
		key := fmt.Sprintf("f%d", i)
		set[key] = boolFlag(key, i%3 == 0)
	}
	p := memprovider.NewInMemoryProvider(set)
	ev := newSyncClient(t, p)
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
			d, ok := g.Cached(fmt.Sprintf("f%d", i))
			require.True(t, ok, "f%d", i)
			assert.Equal(t, i%3 == 0, d.On)
		}
		if round == 0 {
			ev.emit(openfeature.ProviderConfigChange)
			for i := range n {
				_, ok := g.Cached(fmt.Sprintf("f%d", i))
				require.False(t, ok, "f%d cached after the event", i)
			}
		}
	}
}
