package flags

import (
	"context"
	"errors"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
)

// failed returns the fail-closed Decision of a failure with code.
func failed(code openfeature.ErrorCode) Decision {
	return Decision{Reason: openfeature.ErrorReason, ErrorCode: code}
}

// decisionOf turns what the evaluator gave into a fail-closed Decision, by
// error codes and reasons, never by error texts.
func decisionOf(d openfeature.BooleanEvaluationDetails, err error) Decision {
	switch {
	case d.ErrorCode != "":
		return Decision{Reason: openfeature.ErrorReason, ErrorCode: d.ErrorCode, Variant: d.Variant}
	case err != nil || d.Reason == openfeature.ErrorReason:
		return failed(openfeature.GeneralCode)
	}
	return Decision{On: d.Value, Reason: d.Reason, Variant: d.Variant, Until: untilOf(d.FlagMetadata)}
}

// errBound is the cause of an evaluation context done at the Gate's bound,
// not by the request.
var errBound = errors.New("flags: evaluation timeout")

// resolve runs one evaluation of flag, bounded by the Gate's timeout.
func (g *Gate) resolve(ctx context.Context, flag string, ec openfeature.EvaluationContext) Decision {
	if ctx.Err() != nil {
		return failed(CanceledCode)
	}
	switch {
	case g.timeout < 0:
		return g.call(ctx, flag, ec)
	case g.isolated.Load():
		return g.isolate(ctx, flag, ec)
	}
	return g.inline(ctx, flag, ec)
}

// inline runs a bounded evaluation on the request's goroutine, with the
// bound as its context's deadline. One inline evaluation at a time is
// watched: its deadline sits in g.watched until it returns, and a later
// evaluation that finds it overdue by overrun isolates the provider, which
// catches one that never returns without a timer per evaluation.
func (g *Gate) inline(ctx context.Context, flag string, ec openfeature.EvaluationContext) Decision {
	bound, cancel := context.WithTimeoutCause(ctx, g.timeout, errBound)
	deadline, _ := bound.Deadline()
	watched := deadline.UnixNano()
	if !g.watched.CompareAndSwap(0, watched) {
		if w := g.watched.Load(); w != 0 && time.Since(time.Unix(0, w)) > g.overrun() {
			g.startIsolating("a flag evaluation has been running for long after its deadline")
		}
		watched = 0
	}
	d := g.call(bound, flag, ec)
	g.watched.CompareAndSwap(watched, 0) // a no-op unless watched
	cancel()
	switch {
	case context.Cause(bound) == errBound: // a late answer is discarded
		if time.Since(deadline) > g.overrun() {
			g.startIsolating("a flag evaluation answered long after its deadline")
		}
		return failed(TimeoutCode)
	case ctx.Err() != nil:
		return failed(CanceledCode)
	}
	return d
}

// overrun is how long past its deadline an inline evaluation may run before
// the Gate takes the provider for one that ignores deadlines: the bound
// again, at least 100 ms, so that a pause of the process is not taken for one.
func (g *Gate) overrun() time.Duration { return max(g.timeout, 100*time.Millisecond) }

// startIsolating makes every later bounded evaluation run on a goroutine of
// its own, and logs why once.
func (g *Gate) startIsolating(why string) {
	if g.isolated.Swap(true) {
		return
	}
	g.log.Warn("the flag provider ignores evaluation deadlines; evaluations now run on goroutines of their own",
		"reason", why, "timeout", g.timeout)
}

// isolate runs a bounded evaluation on a goroutine of its own, which ends
// when the evaluator returns, and waits for it until the bound or until the
// request goes away.
func (g *Gate) isolate(ctx context.Context, flag string, ec openfeature.EvaluationContext) Decision {
	bound, cancel := context.WithTimeoutCause(ctx, g.timeout, errBound)
	defer cancel()
	done := make(chan Decision, 1) // buffered: the goroutine never waits for a requester gone
	go func() { done <- g.call(bound, flag, ec) }()
	select {
	case d := <-done:
		return d
	case <-bound.Done():
		if context.Cause(bound) == errBound {
			return failed(TimeoutCode)
		}
		return failed(CanceledCode)
	}
}

// call runs the evaluator, turning a panic into a failed Decision.
func (g *Gate) call(ctx context.Context, flag string, ec openfeature.EvaluationContext) (d Decision) {
	defer func() {
		if recover() != nil {
			d = failed(PanicCode)
		}
	}()
	return decisionOf(g.ev.BooleanValueDetails(ctx, flag, false, ec))
}
