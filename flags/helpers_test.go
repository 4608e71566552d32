package flags_test

// The test helpers of this package: flags for an in-memory provider, a
// client for them under the test's own domain, and the fake evaluators.

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
)

var onOff = map[string]any{"on": true, "off": false}

// staticFlag is a boolean flag without targeting (reason STATIC).
func staticFlag(on bool) memprovider.InMemoryFlag {
	v := "off"
	if on {
		v = "on"
	}
	return memprovider.InMemoryFlag{State: memprovider.Enabled, DefaultVariant: v, Variants: onOff}
}

// keyedFlag is a boolean flag on for the targeting keys listed (reason
// TARGETING_MATCH), counting its evaluations in calls if not nil.
func keyedFlag(calls *atomic.Int64, keys ...string) memprovider.InMemoryFlag {
	byKey := func(f memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		if calls != nil {
			calls.Add(1)
		}
		v := "off"
		if key, _ := ec[openfeature.TargetingKey].(string); slices.Contains(keys, key) {
			v = "on"
		}
		return f.Variants[v], openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason, Variant: v}
	}
	return memprovider.InMemoryFlag{State: memprovider.Enabled, DefaultVariant: "off", Variants: onOff, ContextEvaluator: &byKey}
}

// memClient registers an in-memory provider with fl under the test's own
// domain, and unregisters it when the test ends.
func memClient(t testing.TB, fl map[string]memprovider.InMemoryFlag) (*openfeature.Client, *memprovider.InMemoryProvider) {
	t.Helper()
	p := memprovider.NewInMemoryProvider(fl)
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(t.Name(), openfeature.NoopProvider{}) })
	return openfeature.NewClient(t.Name()), p
}

// evalFunc adapts a function to flags.Evaluator (no events, so no cache).
type evalFunc func(ctx context.Context, flag string) (openfeature.BooleanEvaluationDetails, error)

func (f evalFunc) BooleanValueDetails(ctx context.Context, flag string, _ bool, _ openfeature.EvaluationContext, _ ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error) {
	return f(ctx, flag)
}

// evalFuncEC adapts a function of the invocation context to flags.Evaluator.
type evalFuncEC func(ctx context.Context, ec openfeature.EvaluationContext) (openfeature.BooleanEvaluationDetails, error)

func (f evalFuncEC) BooleanValueDetails(ctx context.Context, _ string, _ bool, ec openfeature.EvaluationContext, _ ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error) {
	return f(ctx, ec)
}

// answer is a provider's successful answer.
func answer(on bool, reason openfeature.Reason) (openfeature.BooleanEvaluationDetails, error) {
	var d openfeature.BooleanEvaluationDetails
	d.Value, d.Reason = on, reason
	return d, nil
}

// targetedOn is a provider's answer: on, by a targeting rule.
func targetedOn() (openfeature.BooleanEvaluationDetails, error) {
	return answer(true, openfeature.TargetingMatchReason)
}

// notReady is a provider whose Init blocks until release is closed.
type notReady struct {
	*memprovider.InMemoryProvider
	release chan struct{}
}

func (p *notReady) Init(openfeature.EvaluationContext) error { <-p.release; return nil }
func (p *notReady) Shutdown()                                {}

// counting wraps an evaluator, counting evaluations; when block is not nil,
// an evaluation of the flag "slow" sends a release channel on it and waits
// until the test closes that.
type counting struct {
	*openfeature.Client // its event methods, so that the Gate caches
	n                   atomic.Int64
	block               chan chan struct{}
}

func (c *counting) BooleanValueDetails(ctx context.Context, flag string, def bool, ec openfeature.EvaluationContext, opts ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error) {
	c.n.Add(1)
	d, err := c.Client.BooleanValueDetails(ctx, flag, def, ec, opts...)
	if c.block != nil && flag == "slow" {
		release := make(chan struct{})
		c.block <- release
		<-release
	}
	return d, err
}

// syncEvents evaluates with Evaluator but delivers provider events itself,
// synchronously, when the test calls emit. The SDK delivers events on
// goroutines of its own, so only this makes "after the event" an exact
// instant a test can assert at.
type syncEvents struct {
	flags.Evaluator
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
	s.handlers[t] = slices.DeleteFunc(s.handlers[t], func(h openfeature.EventCallback) bool { return h == cb })
}

// emit calls every handler of t and returns when they have all returned.
func (s *syncEvents) emit(t openfeature.EventType) {
	s.mu.Lock()
	hs := slices.Clone(s.handlers[t])
	s.mu.Unlock()
	for _, h := range hs {
		(*h)(openfeature.EventDetails{})
	}
}

// switchableFlags is a flag service: it answers from a table of static and
// per-key values, or fails with a configurable error code (an outage).
type switchableFlags struct {
	mu     sync.Mutex
	static map[string]bool            // flag -> value, reason STATIC
	byKey  map[string]map[string]bool // flag -> targeting key -> value
	fail   openfeature.ErrorCode
}

func (f *switchableFlags) set(fail openfeature.ErrorCode) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = fail
}

func (f *switchableFlags) BooleanValueDetails(_ context.Context, flag string, def bool, ec openfeature.EvaluationContext, _ ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := openfeature.BooleanEvaluationDetails{Value: def}
	if f.fail != "" {
		d.Reason, d.ErrorCode = openfeature.ErrorReason, f.fail
		return d, openfeature.NewGeneralResolutionError("down")
	}
	if v, ok := f.static[flag]; ok {
		d.Value, d.Reason = v, openfeature.StaticReason
		return d, nil
	}
	if m, ok := f.byKey[flag]; ok {
		d.Value, d.Reason = m[ec.TargetingKey()], openfeature.TargetingMatchReason
		return d, nil
	}
	d.Reason, d.ErrorCode = openfeature.ErrorReason, openfeature.FlagNotFoundCode
	return d, openfeature.NewFlagNotFoundResolutionError("no such flag")
}

func userCtx(key string) openfeature.EvaluationContext {
	return openfeature.NewEvaluationContext(key, nil)
}
