package router

import (
	"context"
	"net/http"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/flags"
)

// caller is whom a flag is evaluated for: a request, whose ContextFunc gives
// the base evaluation context, or (r nil) base. decide sets d, and ec and
// built when it built the context.
type caller struct {
	r      *http.Request
	base   openfeature.EvaluationContext
	optIns []string
	d      flags.Decision
	ec     openfeature.EvaluationContext
	built  bool
}

// decide is the one way a route's flag decision is reached, whoever asks
// (ServeHTTP, the Allow of a 405, Status, Decide), so that their answers
// cannot disagree. It evaluates f (the route's Flag or Brownout) for c and
// returns c.d.On. The evaluation context (see evalContext) is built only
// when the Gate evaluates; a panicking ContextFunc is logged and answers
// ContextPanicCode, off.
func (e *entry) decide(ctx context.Context, f *flags.Flag, c *caller) (on bool) {
	defer func() {
		if p := recover(); p != nil {
			e.path.rt.userPanic("the ContextFunc of "+e.id(), p)
			c.d, c.built, on = flags.Decision{Reason: openfeature.ErrorReason, ErrorCode: ContextPanicCode}, false, false
		}
	}()
	c.d = f.EvaluateFunc(ctx, func() openfeature.EvaluationContext {
		base := c.base
		if c.r != nil {
			base = e.ctxFn(c.r)
		}
		c.ec, c.built = e.evalContext(base, c.optIns), true
		return c.ec
	})
	return c.d.On
}

// evalContext returns base with the route attributes and the opt-ins
// (AttrOptIn) added beneath its own attributes, which win.
func (e *entry) evalContext(base openfeature.EvaluationContext, optIns []string) openfeature.EvaluationContext {
	attrs := base.Attributes() // a copy
	if len(attrs) == 0 && len(optIns) == 0 {
		return openfeature.NewEvaluationContext(base.TargetingKey(), e.attrs) // copies e.attrs
	}
	_, ownOptIn := attrs[AttrOptIn]
	for k, v := range e.attrs {
		if _, set := attrs[k]; !set {
			attrs[k] = v
		}
	}
	if len(optIns) > 0 && !ownOptIn {
		list := make([]any, len(optIns))
		for i, n := range optIns {
			list[i] = n
		}
		attrs[AttrOptIn] = list
	}
	return openfeature.NewEvaluationContext(base.TargetingKey(), attrs)
}

// withTransactionContext returns ctx with ec as its OpenFeature transaction
// context, merged over one set upstream if there is one.
func withTransactionContext(ctx context.Context, ec openfeature.EvaluationContext) context.Context {
	if up := openfeature.TransactionContext(ctx); up.TargetingKey() == "" && len(up.Attributes()) == 0 {
		return openfeature.WithTransactionContext(ctx, ec)
	}
	return openfeature.MergeTransactionContext(ctx, ec)
}

// Decide returns the decision the router makes for the flag of the
// declared route method pattern (a Planned or Beta route with a Flag and a
// Handler) for a caller whose ContextFunc returns base and who opts into
// nothing, with the evaluation context built as for a request. g evaluates
// the flag (package audit passes one that caches nothing); nil means
// [Router.Gate]. ok is false when the route is not declared, evaluates no
// flag, or the Router has no Gate.
func (rt *Router) Decide(ctx context.Context, g *flags.Gate, method, pattern string, base openfeature.EvaluationContext) (d flags.Decision, ok bool) {
	e := rt.entry(method, pattern)
	if e == nil || !e.gated || g == nil && rt.gate == nil {
		return flags.Decision{}, false
	}
	f := e.flag
	if g != nil {
		f = g.Flag(e.Flag)
	}
	c := caller{base: base}
	e.decide(ctx, f, &c)
	return c.d, true
}

// entry returns the route method pattern, or nil when it is not declared
// (a HEAD that GET serves is not).
func (rt *Router) entry(method, pattern string) *entry {
	p, i := rt.byPattern[pattern], methodIndex(method)
	if p == nil || i < 0 {
		return nil
	}
	if e := p.byMethod[i]; e != nil && e.method == i {
		return e
	}
	return nil
}
