package flags_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/logtest"
)

// seenCtx is what a provider saw of its context during a timed evaluation.
type seenCtx struct {
	deadline    time.Time
	hasDeadline bool
	value       any
	err         error // ctx.Err() once Done was closed
}

type timedKey struct{}

// TestTimedEvaluationContext checks the context a provider gets from a
// timed evaluation: the request's values, a deadline no later than the
// bound, and Done closed with DeadlineExceeded when the bound passes or with
// the request's error when the request goes away.
func TestTimedEvaluationContext(t *testing.T) {
	const bound = 50 * time.Millisecond
	tests := []struct {
		name     string
		ctx      func(t *testing.T) context.Context
		wantCode openfeature.ErrorCode
		wantErr  error
	}{
		{name: "bound passes", ctx: func(*testing.T) context.Context { return context.Background() },
			wantCode: flags.TimeoutCode, wantErr: context.DeadlineExceeded},
		{name: "request cancelled", ctx: func(t *testing.T) context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(5*time.Millisecond, cancel)
			t.Cleanup(cancel)
			return ctx
		}, wantCode: flags.CanceledCode, wantErr: context.Canceled},
		{name: "request deadline earlier than the bound", ctx: func(t *testing.T) context.Context {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
			t.Cleanup(cancel)
			return ctx
		}, wantCode: flags.CanceledCode, wantErr: context.DeadlineExceeded},
	}
	for _, tt := range tests {
		for _, isolate := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/isolate=%v", tt.name, isolate), func(t *testing.T) {
				seen := make(chan seenCtx, 1)
				ev := evalFunc(func(ctx context.Context, _ string) (openfeature.BooleanEvaluationDetails, error) {
					var s seenCtx
					s.deadline, s.hasDeadline = ctx.Deadline()
					s.value = ctx.Value(timedKey{})
					<-ctx.Done() // a provider that honours its context
					s.err = ctx.Err()
					seen <- s
					return openfeature.BooleanEvaluationDetails{}, ctx.Err()
				})
				g := flags.NewGate(ev, flags.Options{Timeout: bound, Isolate: isolate})
				t.Cleanup(g.Close)
				ctx := context.WithValue(tt.ctx(t), timedKey{}, "request value")
				start := time.Now()
				d := g.Evaluate(ctx, "f", openfeature.EvaluationContext{})
				assert.False(t, d.On)
				assert.Equal(t, tt.wantCode, d.ErrorCode, "got %v, want %v", d.ErrorCode, tt.wantCode)

				var s seenCtx
				select {
				case s = <-seen:
				case <-time.After(10 * time.Second):
					require.FailNow(t, "the provider's context was never done")
				}
				assert.Equal(t, "request value", s.value)
				require.True(t, s.hasDeadline, "a timed evaluation has a deadline")
				assert.False(t, s.deadline.After(start.Add(bound).Add(time.Second)), "deadline %v is later than the bound", s.deadline.Sub(start))
				assert.ErrorIs(t, s.err, tt.wantErr)
			})
		}
	}
}

// TestTimedEvaluationAnswers checks that a timed evaluation that answers in
// time is used, many times over (the worker that ran one evaluation runs the
// next), and that the provider's context is done once the answer is in.
func TestTimedEvaluationAnswers(t *testing.T) {
	done := make(chan (<-chan struct{}), 1)
	ev := evalFunc(func(ctx context.Context, _ string) (openfeature.BooleanEvaluationDetails, error) {
		select {
		case done <- ctx.Done():
		default:
		}
		return targetedOn()
	})
	for _, isolate := range []bool{false, true} {
		t.Run(fmt.Sprintf("isolate=%v", isolate), func(t *testing.T) {
			g := flags.NewGate(ev, flags.Options{Timeout: time.Minute, Isolate: isolate})
			t.Cleanup(g.Close)
			for i := range 100 {
				d := g.Evaluate(context.Background(), "f", openfeature.EvaluationContext{})
				require.True(t, d.On, "evaluation %d: got %+v", i, d)
				require.False(t, d.Failed())
			}
			select {
			case <-<-done:
			case <-time.After(10 * time.Second):
				require.FailNow(t, "the context of an answered evaluation is never done")
			}
		})
	}
}

// TestTimedEvaluationDerivedContext checks that a context a provider derives
// from its own (as the flagd provider does with context.WithTimeout) is done
// when the evaluation's is: on the bound, and when the answer is in.
func TestTimedEvaluationDerivedContext(t *testing.T) {
	tests := []struct {
		name     string
		block    bool
		wantCode openfeature.ErrorCode
	}{
		{name: "bound passes", block: true, wantCode: flags.TimeoutCode},
		{name: "answered", block: false},
	}
	for _, tt := range tests {
		for _, isolate := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/isolate=%v", tt.name, isolate), func(t *testing.T) {
				derived := make(chan context.Context, 1)
				ev := evalFunc(func(ctx context.Context, _ string) (openfeature.BooleanEvaluationDetails, error) {
					child, cancel := context.WithTimeout(ctx, time.Hour)
					_ = cancel // cancelled only through the parent, to observe it
					derived <- child
					if tt.block {
						<-child.Done()
						return openfeature.BooleanEvaluationDetails{}, child.Err()
					}
					return targetedOn()
				})
				g := flags.NewGate(ev, flags.Options{Timeout: 30 * time.Millisecond, Isolate: isolate})
				t.Cleanup(g.Close)
				d := g.Evaluate(context.Background(), "f", openfeature.EvaluationContext{})
				assert.Equal(t, tt.wantCode, d.ErrorCode)
				child := <-derived
				select {
				case <-child.Done():
				case <-time.After(10 * time.Second):
					require.FailNow(t, "the derived context is never done")
				}
				assert.Error(t, child.Err())
			})
		}
	}
}

// TestProviderIgnoringDeadline checks what happens with a provider that
// ignores its context, evaluated inline (the default): a late answer is
// discarded (off, TIMEOUT) even when it says on, also when the request's
// own deadline came first, and an answer long after the deadline makes the
// Gate log once that it isolates evaluations from then on, so that the
// next evaluation that hangs no longer holds its request beyond the bound.
func TestProviderIgnoringDeadline(t *testing.T) {
	const bound = 20 * time.Millisecond
	tests := []struct {
		name string
		ctx  func(t *testing.T) context.Context
	}{
		{name: "request without deadline", ctx: func(*testing.T) context.Context { return context.Background() }},
		{name: "request deadline after the bound", ctx: func(t *testing.T) context.Context {
			ctx, cancel := context.WithTimeout(context.Background(), 2*bound)
			t.Cleanup(cancel)
			return ctx
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			t.Cleanup(func() { close(release) })
			var calls atomic.Int32
			ev := evalFunc(func(context.Context, string) (openfeature.BooleanEvaluationDetails, error) {
				if calls.Add(1) == 1 {
					time.Sleep(bound + 250*time.Millisecond) // long after the deadline, ignoring it
				} else {
					<-release // hangs, ignoring the deadline
				}
				return targetedOn()
			})
			var logs logtest.Buffer
			g := flags.NewGate(ev, flags.Options{Timeout: bound, Logger: logs.Logger()})
			t.Cleanup(g.Close)

			d := g.Evaluate(tt.ctx(t), "f", openfeature.EvaluationContext{})
			assert.False(t, d.On, "a late answer is discarded")
			assert.Equal(t, flags.TimeoutCode, d.ErrorCode)
			assert.Equal(t, 1, strings.Count(logs.String(), "ignores evaluation deadlines"), logs.String())

			answered := make(chan flags.Decision, 1)
			go func() { answered <- g.Evaluate(context.Background(), "f", openfeature.EvaluationContext{}) }()
			select {
			case d = <-answered:
				assert.Equal(t, flags.TimeoutCode, d.ErrorCode)
			case <-time.After(10 * time.Second):
				require.FailNow(t, "an isolated evaluation held its request beyond the bound")
			}
			assert.Equal(t, 1, strings.Count(logs.String(), "ignores evaluation deadlines"), "logged once:\n%s", logs.String())
		})
	}
}

// TestProviderHangingInline checks that an evaluation stuck inline in a
// provider that ignores its context and does not answer is noticed, also
// while the provider keeps answering other flags: once it has run for
// longer than its bound plus the overrun allowance, the Gate isolates
// evaluations, and the next evaluation answers TIMEOUT at the bound
// instead of hanging too.
func TestProviderHangingInline(t *testing.T) {
	const bound = 20 * time.Millisecond
	release := make(chan struct{})
	ev := evalFunc(func(_ context.Context, flag string) (openfeature.BooleanEvaluationDetails, error) {
		if flag == "hangs" {
			<-release // ignoring the deadline
		}
		return targetedOn()
	})
	var logs logtest.Buffer
	g := flags.NewGate(ev, flags.Options{Timeout: bound, Logger: logs.Logger()})
	t.Cleanup(g.Close)

	stuck := make(chan flags.Decision, 1)
	go func() { stuck <- g.Evaluate(context.Background(), "hangs", openfeature.EvaluationContext{}) }()
	// Meanwhile another flag keeps answering in time.
	stop := make(chan struct{})
	others := make(chan int)
	go func() {
		n := 0
		defer func() { others <- n }()
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
				if g.Evaluate(context.Background(), "fine", openfeature.EvaluationContext{}).On {
					n++
				}
			}
		}
	}()
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "ignores evaluation deadlines") },
		10*time.Second, 5*time.Millisecond, "the stuck evaluation is never noticed")
	close(stop)
	assert.Positive(t, <-others, "the other flag answered meanwhile")

	answered := make(chan flags.Decision, 1)
	go func() { answered <- g.Evaluate(context.Background(), "hangs", openfeature.EvaluationContext{}) }()
	select {
	case d := <-answered:
		assert.Equal(t, flags.TimeoutCode, d.ErrorCode)
	case <-time.After(10 * time.Second):
		require.FailNow(t, "a second evaluation hung with the first")
	}

	close(release)
	d := <-stuck // the provider finally answers, long after the deadline
	assert.Equal(t, flags.TimeoutCode, d.ErrorCode, "the late answer is discarded")
}
