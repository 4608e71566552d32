package flags

import (
	"context"
	"errors"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
)

// result is what one call of the evaluator gave, and code, set by the Gate
// (TIMEOUT, CONTEXT_CANCELED, PROVIDER_PANIC), that fails it whatever it was.
type result struct {
	d    openfeature.BooleanEvaluationDetails
	err  error
	code openfeature.ErrorCode
}

// decision turns r into a fail-closed Decision, by error codes and reasons,
// never by error texts.
func (r result) decision() Decision {
	switch {
	case r.code != "":
		return Decision{Reason: openfeature.ErrorReason, ErrorCode: r.code}
	case r.d.ErrorCode != "":
		return Decision{Reason: openfeature.ErrorReason, ErrorCode: r.d.ErrorCode, Variant: r.d.Variant}
	case r.err != nil || r.d.Reason == openfeature.ErrorReason:
		return Decision{Reason: openfeature.ErrorReason, ErrorCode: openfeature.GeneralCode}
	}
	return Decision{On: r.d.Value, Reason: r.d.Reason, Variant: r.d.Variant, Until: untilOf(r.d.FlagMetadata)}
}

// errBound is the cause of an evaluation context done at the Gate's bound,
// not by the request.
var errBound = errors.New("flags: evaluation timeout")

// resolve runs one evaluation of flag, bounded by the Gate's timeout.
func (g *Gate) resolve(ctx context.Context, flag string, ec openfeature.EvaluationContext) Decision {
	if ctx.Err() != nil {
		return Decision{Reason: openfeature.ErrorReason, ErrorCode: CanceledCode}
	}
	switch {
	case g.timeout < 0:
		return g.call(ctx, flag, ec).decision()
	case g.isolated.Load():
		return g.isolate(ctx, flag, ec).decision()
	}
	return g.inline(ctx, flag, ec).decision()
}

// inline runs a bounded evaluation on the request's goroutine, with the
// bound as its context's deadline; a timer notices one still running long
// after it (see overrun).
func (g *Gate) inline(ctx context.Context, flag string, ec openfeature.EvaluationContext) result {
	bound, cancel := context.WithTimeoutCause(ctx, g.timeout, errBound)
	stuck := time.AfterFunc(g.timeout+g.overrun(), g.onStuck)
	r := g.call(bound, flag, ec)
	stuck.Stop()
	cancel()
	switch {
	case context.Cause(bound) == errBound: // a late answer is discarded
		if deadline, _ := bound.Deadline(); time.Since(deadline) > g.overrun() {
			g.startIsolating("a flag evaluation answered long after its deadline")
		}
		r.code = TimeoutCode
	case ctx.Err() != nil:
		r.code = CanceledCode
	}
	return r
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
func (g *Gate) isolate(ctx context.Context, flag string, ec openfeature.EvaluationContext) result {
	bound, cancel := context.WithTimeoutCause(ctx, g.timeout, errBound)
	defer cancel()
	done := make(chan result, 1) // buffered: the goroutine never waits for a requester gone
	go func() { done <- g.call(bound, flag, ec) }()
	select {
	case r := <-done:
		return r
	case <-bound.Done():
		if context.Cause(bound) == errBound {
			return result{code: TimeoutCode}
		}
		return result{code: CanceledCode}
	}
}

// call runs the evaluator, turning a panic into a failed result.
func (g *Gate) call(ctx context.Context, flag string, ec openfeature.EvaluationContext) (r result) {
	defer func() {
		if recover() != nil {
			r = result{code: PanicCode}
		}
	}()
	r.d, r.err = g.ev.BooleanValueDetails(ctx, flag, false, ec)
	return r
}
