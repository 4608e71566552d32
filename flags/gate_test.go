package flags_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/logtest"
)

// TestGateFailsClosed checks every failure mode: the decision is off, the
// code says why, nothing panics, and the failure is logged once.
func TestGateFailsClosed(t *testing.T) {
	tests := []struct {
		name     string
		ev       func(t *testing.T) flags.Evaluator
		ctx      func(t *testing.T) context.Context
		timeout  time.Duration
		isolate  bool // Options.Isolate
		wantCode openfeature.ErrorCode
	}{
		{name: "provider not ready", wantCode: openfeature.ProviderNotReadyCode, ev: func(t *testing.T) flags.Evaluator {
			p := &notReady{InMemoryProvider: memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{"f": staticFlag(true)}), release: make(chan struct{})}
			t.Cleanup(func() { close(p.release) })
			require.NoError(t, openfeature.SetNamedProvider(t.Name(), p))
			return openfeature.NewClient(t.Name())
		}},
		{name: "flag missing", wantCode: openfeature.FlagNotFoundCode, ev: func(t *testing.T) flags.Evaluator {
			c, _ := memClient(t, map[string]memprovider.InMemoryFlag{"other": staticFlag(true)})
			return c
		}},
		{name: "wrong type", wantCode: openfeature.TypeMismatchCode, ev: func(t *testing.T) flags.Evaluator {
			c, _ := memClient(t, map[string]memprovider.InMemoryFlag{"f": {State: memprovider.Enabled, DefaultVariant: "on", Variants: map[string]any{"on": "true"}}})
			return c
		}},
		{name: "provider error code", wantCode: openfeature.ParseErrorCode, ev: func(t *testing.T) flags.Evaluator {
			return evalFunc(func(context.Context, string) (openfeature.BooleanEvaluationDetails, error) {
				var d openfeature.BooleanEvaluationDetails
				d.Value, d.Reason, d.ErrorCode = true, openfeature.ErrorReason, openfeature.ParseErrorCode
				return d, errors.New("PARSE_ERROR: bad rules")
			})
		}},
		{name: "error without code", wantCode: openfeature.GeneralCode, ev: func(t *testing.T) flags.Evaluator {
			return evalFunc(func(context.Context, string) (openfeature.BooleanEvaluationDetails, error) {
				var d openfeature.BooleanEvaluationDetails
				d.Value = true
				return d, errors.New("boom")
			})
		}},
		{name: "error reason without code", wantCode: openfeature.GeneralCode, ev: func(t *testing.T) flags.Evaluator {
			return evalFunc(func(context.Context, string) (openfeature.BooleanEvaluationDetails, error) {
				var d openfeature.BooleanEvaluationDetails
				d.Value, d.Reason = true, openfeature.ErrorReason
				return d, nil
			})
		}},
		{name: "provider panic", wantCode: flags.PanicCode, ev: func(t *testing.T) flags.Evaluator {
			return evalFunc(func(context.Context, string) (openfeature.BooleanEvaluationDetails, error) { panic("provider bug") })
		}},
		{name: "cancelled before", wantCode: flags.CanceledCode,
			ctx: func(t *testing.T) context.Context {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx
			},
			ev: func(t *testing.T) flags.Evaluator {
				return evalFunc(func(context.Context, string) (openfeature.BooleanEvaluationDetails, error) {
					t.Error("the evaluator must not run for a cancelled request")
					return openfeature.BooleanEvaluationDetails{}, nil
				})
			}},
		{name: "cancelled during", wantCode: flags.CanceledCode, timeout: time.Hour,
			ctx: func(t *testing.T) context.Context {
				ctx, cancel := context.WithCancel(context.WithValue(context.Background(), gtCancelKey{}, nil))
				t.Cleanup(cancel)
				return context.WithValue(ctx, gtCancelKey{}, cancel)
			},
			ev: func(t *testing.T) flags.Evaluator {
				return evalFunc(func(ctx context.Context, _ string) (openfeature.BooleanEvaluationDetails, error) {
					ctx.Value(gtCancelKey{}).(context.CancelFunc)() // the client goes away mid-evaluation
					<-ctx.Done()                                    // a provider that honours its context
					var d openfeature.BooleanEvaluationDetails
					d.Value = true
					return d, ctx.Err()
				})
			}},
		{name: "timeout", wantCode: flags.TimeoutCode, timeout: time.Millisecond, ev: func(t *testing.T) flags.Evaluator {
			return evalFunc(func(ctx context.Context, _ string) (openfeature.BooleanEvaluationDetails, error) {
				<-ctx.Done() // a provider that honours its context
				return answer(true, openfeature.StaticReason)
			})
		}},
		{name: "timeout, isolated", wantCode: flags.TimeoutCode, timeout: time.Millisecond, isolate: true, ev: func(t *testing.T) flags.Evaluator {
			release := make(chan struct{})
			t.Cleanup(func() { close(release) })
			return evalFunc(func(context.Context, string) (openfeature.BooleanEvaluationDetails, error) {
				<-release // a provider that ignores its context
				return answer(true, openfeature.StaticReason)
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs logtest.Buffer
			timeout := tt.timeout
			if timeout == 0 {
				timeout = -1
			}
			ctx := context.Background()
			ev := tt.ev(t)
			if tt.ctx != nil {
				ctx = tt.ctx(t)
			}
			g := flags.NewGate(ev, flags.Options{Timeout: timeout, Isolate: tt.isolate, Logger: logs.Logger()})
			t.Cleanup(g.Close)
			for i := 0; i < 3; i++ {
				var d flags.Decision
				require.NotPanics(t, func() { d = g.Evaluate(ctx, "f", openfeature.EvaluationContext{}) })
				assert.False(t, d.On, "got On, want off (fail closed)")
				assert.True(t, d.Failed())
				assert.Equal(t, tt.wantCode, d.ErrorCode, "got %v, want %v", d.ErrorCode, tt.wantCode)
				assert.Equal(t, openfeature.ErrorReason, d.Reason)
				_, cached := flags.CachedDecision(g, "f")
				assert.False(t, cached, "failures are never cached")
			}
			out := logs.String()
			assert.Equal(t, 1, strings.Count(out, "flag evaluation failed"), "logged once per flag and code, got:\n%s", out)
			assert.Contains(t, out, "code="+string(tt.wantCode))
		})
	}
}

// gtCancelKey carries a request's cancel function to the evaluator.
type gtCancelKey struct{}

// TestGateLogsRecovery checks that a flag that fails and then works again is
// logged once each way.
func TestGateLogsRecovery(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	ev := evalFunc(func(context.Context, string) (openfeature.BooleanEvaluationDetails, error) {
		var d openfeature.BooleanEvaluationDetails
		if fail.Load() {
			d.Reason, d.ErrorCode = openfeature.ErrorReason, openfeature.GeneralCode
			return d, errors.New("down")
		}
		d.Value, d.Reason = true, openfeature.TargetingMatchReason
		return d, nil
	})
	var logs logtest.Buffer
	g := flags.NewGate(ev, flags.Options{Timeout: -1, Logger: logs.Logger()})
	ctx := context.Background()
	assert.False(t, g.Evaluate(ctx, "f", openfeature.EvaluationContext{}).On)
	fail.Store(false)
	for i := 0; i < 2; i++ {
		assert.True(t, g.Evaluate(ctx, "f", openfeature.EvaluationContext{}).On)
	}
	out := logs.String()
	assert.Equal(t, 1, strings.Count(out, "flag evaluation failed"), out)
	assert.Equal(t, 1, strings.Count(out, "flag evaluation recovered"), out)
}

// TestGateCacheFollowsUpdateFlags flips a static flag with
// memprovider.UpdateFlags many times: the Gate serves from its cache between
// flips, and every flip is seen. A decision cached across a configuration
// change would stick for good and fail the wait.
func TestGateCacheFollowsUpdateFlags(t *testing.T) {
	client, p := memClient(t, map[string]memprovider.InMemoryFlag{"f": staticFlag(false)})
	ev := &counting{Client: client}
	g := flags.NewGate(ev, flags.Options{Timeout: -1})
	t.Cleanup(g.Close)
	ctx := context.Background()
	ec := openfeature.EvaluationContext{}

	for i := 1; i <= 10; i++ {
		want := i%2 == 1
		p.UpdateFlags(map[string]memprovider.InMemoryFlag{"f": staticFlag(want)})
		require.Eventually(t, func() bool { return g.Evaluate(ctx, "f", ec).On == want },
			10*time.Second, time.Millisecond, "flip %d to %v", i, want)
		// Once the event is handled the new decision is cached: no more
		// evaluations until the next change.
		require.Eventually(t, func() bool {
			d, ok := flags.CachedDecision(g, "f")
			if !ok {
				g.Evaluate(ctx, "f", ec)
			}
			return ok && d.On == want && d.Cached
		}, 10*time.Second, time.Millisecond)
		// Between changes, decisions come from the cache. The SDK may still
		// deliver a late event for this change (it is asynchronous), which
		// drops the cache once; so look for a quiet window of five requests
		// that cost no evaluation, and never accept a wrong answer.
		require.Eventually(t, func() bool {
			n := ev.n.Load()
			for j := 0; j < 5; j++ {
				if got := g.Evaluate(ctx, "f", ec).On; got != want {
					t.Errorf("flip %d: got %v, want %v", i, got, want)
				}
			}
			return ev.n.Load() == n
		}, 10*time.Second, time.Millisecond, "flip %d: decisions served from the cache", i)
	}
}

// TestGateGenerationCheck starts an evaluation, changes the flags with
// memprovider.UpdateFlags while it runs, waits until the Gate has handled the
// change event, then lets the evaluation finish: its (now stale) decision
// must not be cached.
func TestGateGenerationCheck(t *testing.T) {
	client, p := memClient(t, map[string]memprovider.InMemoryFlag{"slow": staticFlag(false), "probe": staticFlag(true)})
	ev := &counting{Client: client, block: make(chan chan struct{})}
	g := flags.NewGate(ev, flags.Options{Timeout: -1})
	t.Cleanup(g.Close)
	ctx := context.Background()
	ec := openfeature.EvaluationContext{}

	// The SDK announces the provider's READY to a new subscriber
	// asynchronously; the probe tells when the Gate has handled it, so that
	// the only invalidation left is the one UpdateFlags causes.
	require.Eventually(t, func() bool {
		g.Evaluate(ctx, "probe", ec)
		_, ok := flags.CachedDecision(g, "probe")
		return ok
	}, 10*time.Second, time.Millisecond)

	done := make(chan flags.Decision, 1)
	go func() { done <- g.Evaluate(ctx, "slow", ec) }()
	release := <-ev.block // "slow" has been evaluated as off, not stored yet

	p.UpdateFlags(map[string]memprovider.InMemoryFlag{"slow": staticFlag(true), "probe": staticFlag(true)})
	require.Eventually(t, func() bool { _, ok := flags.CachedDecision(g, "probe"); return !ok },
		10*time.Second, time.Millisecond, "the Gate handles the change event")
	close(release)
	d := <-done
	assert.False(t, d.On, "the in-flight evaluation answers what it read")
	_, cached := flags.CachedDecision(g, "slow")
	assert.False(t, cached, "a decision computed across a change event is never cached")

	ev.block = nil
	assert.True(t, g.Evaluate(ctx, "slow", ec).On, "the next request sees the change")
}

// TestGateTargetedPerRequest checks that non-static decisions are evaluated
// for every request with that request's context.
func TestGateTargetedPerRequest(t *testing.T) {
	eval := func(_ memprovider.InMemoryFlag, fc openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		on := fc[openfeature.TargetingKey] == "alice"
		return on, openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason}
	}
	client, _ := memClient(t, map[string]memprovider.InMemoryFlag{"t": {
		State: memprovider.Enabled, DefaultVariant: "off", Variants: map[string]any{"off": false}, ContextEvaluator: &eval,
	}})
	ev := &counting{Client: client}
	g := flags.NewGate(ev, flags.Options{Timeout: -1})
	t.Cleanup(g.Close)
	users := []string{"alice", "bob", "alice", "carol", "alice", "bob"}
	for _, u := range users {
		d := g.Evaluate(context.Background(), "t", openfeature.NewEvaluationContext(u, nil))
		assert.Equal(t, u == "alice", d.On, "user %s", u)
		assert.False(t, d.Cached)
	}
	assert.Equal(t, int64(len(users)), ev.n.Load())
	_, cached := flags.CachedDecision(g, "t")
	assert.False(t, cached)
}

// TestGateNoCacheAndClose checks Options.NoCache and Close: both evaluate
// every time.
func TestGateNoCacheAndClose(t *testing.T) {
	for _, tt := range []struct {
		name    string
		noCache bool
		close   bool
	}{
		{name: "NoCache", noCache: true},
		{name: "closed", close: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			client, _ := memClient(t, map[string]memprovider.InMemoryFlag{"f": staticFlag(true)})
			ev := &counting{Client: client}
			g := flags.NewGate(ev, flags.Options{Timeout: -1, NoCache: tt.noCache})
			if tt.close {
				g.Close()
				g.Close() // idempotent
			}
			for i := 0; i < 3; i++ {
				assert.True(t, g.Evaluate(context.Background(), "f", openfeature.EvaluationContext{}).On)
			}
			assert.Equal(t, int64(3), ev.n.Load())
			g.Close()
		})
	}
}

// TestGateTimeoutBoundsSlowProvider checks that the default per-evaluation
// bound applies, and that a fast answer within it is used.
func TestGateTimeoutBoundsSlowProvider(t *testing.T) {
	client, _ := memClient(t, map[string]memprovider.InMemoryFlag{"f": staticFlag(true)})
	g := flags.NewGate(client, flags.Options{Timeout: time.Minute, NoCache: true})
	t.Cleanup(g.Close)
	d := g.Evaluate(context.Background(), "f", openfeature.EvaluationContext{})
	assert.True(t, d.On)
	assert.Equal(t, openfeature.StaticReason, d.Reason)
	assert.Equal(t, "on", d.Variant)
}

// TestGateReady checks Ready for a client and for a plain evaluator.
func TestGateReady(t *testing.T) {
	client, _ := memClient(t, map[string]memprovider.InMemoryFlag{})
	g := flags.NewGate(client, flags.Options{})
	t.Cleanup(g.Close)
	ready, why := g.Ready()
	assert.True(t, ready, why)

	p := &notReady{InMemoryProvider: memprovider.NewInMemoryProvider(nil), release: make(chan struct{})}
	t.Cleanup(func() { close(p.release) })
	require.NoError(t, openfeature.SetNamedProvider(t.Name()+"/not-ready", p))
	g2 := flags.NewGate(openfeature.NewClient(t.Name()+"/not-ready"), flags.Options{})
	t.Cleanup(g2.Close)
	ready, why = g2.Ready()
	assert.False(t, ready)
	assert.Contains(t, why, "NOT_READY")

	plain := flags.NewGate(evalFunc(func(context.Context, string) (openfeature.BooleanEvaluationDetails, error) {
		return openfeature.BooleanEvaluationDetails{}, nil
	}), flags.Options{})
	ready, _ = plain.Ready()
	assert.True(t, ready, "evaluators without a state are taken as ready")
}

func TestNewGateNilPanics(t *testing.T) {
	assert.PanicsWithValue(t, "flags: NewGate with nil Evaluator", func() { flags.NewGate(nil, flags.Options{}) })
}

// TestGateLogsCancellationsOnce: clients that go away between successful
// requests are logged once per flag, not twice per disconnect.
func TestGateLogsCancellationsOnce(t *testing.T) {
	client, _ := memClient(t, map[string]memprovider.InMemoryFlag{"f": staticFlag(true)})
	var logs logtest.Buffer
	g := flags.NewGate(client, flags.Options{Timeout: -1, NoCache: true, Logger: logs.Logger()})
	t.Cleanup(g.Close)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for i := 0; i < 50; i++ {
		assert.True(t, g.Evaluate(context.Background(), "f", openfeature.EvaluationContext{}).On)
		assert.Equal(t, flags.CanceledCode, g.Evaluate(cancelled, "f", openfeature.EvaluationContext{}).ErrorCode)
	}
	out := logs.String()
	assert.Equal(t, 1, strings.Count(out, "code=CONTEXT_CANCELED"), "got:\n%s", out)
	assert.NotContains(t, out, "recovered", "got:\n%s", out)
}
