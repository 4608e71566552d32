package router

import (
	"context"
	"net/http"
	"sync/atomic"

	"github.com/go-chi/chi/v5"
	"github.com/open-feature/go-sdk/openfeature"
)

// requestContext carries the OpenFeature transaction context of a request
// whose flag the Router evaluates, without copying the request for it.
//
// A Router at the top (not mounted under another chi router) makes one per
// request in place of chi's routing context, which it carries too (chi's
// Mux would otherwise add it with context.WithValue, an allocation of the
// same size): the request is copied once, where chi copies it anyway.
// Mounted, the Router makes one for the evaluation only, without the
// routing context.
//
// The transaction context is a *txData, stored atomically: others may read
// the context while the request is served (net/http's transport dials with
// a provider's request context on a goroutine of its own that may outlive
// the evaluation), and a txData is not changed once stored, except for its
// state, itself atomic.
type requestContext struct {
	context.Context
	rctx *chi.Context // nil: use the parent's
	rt   *Router      // for the transaction-context key (Router.txKey)
	tx   atomic.Pointer[txData]
}

// txData is the transaction context of a request, in one of two states:
//
//   - txRoute, set before the evaluation: the route's standard attributes
//     (built once per route) over any transaction context set upstream.
//     The evaluation's invocation context is the ContextFunc's (targeting
//     key and attributes), and OpenFeature merges the two in the merge it
//     makes anyway (invocation over client over transaction context): the
//     router copies neither.
//   - txHandler, set when the flag is on, before the handler runs: the
//     ContextFunc's context over the txRoute one, merged on the first
//     lookup, so that the handler's own evaluations see what the router's
//     saw.
//
// After an off decision the Router clears the request's txData.
type txData struct {
	state  atomic.Uint32
	tx     openfeature.EvaluationContext // txRoute, txHandler
	inv    openfeature.EvaluationContext // txHandler
	merged atomic.Pointer[openfeature.EvaluationContext]
}

const (
	txRoute uint32 = iota + 1
	txHandler
)

// Value answers chi's routing-context key and, once set, OpenFeature's
// transaction-context key; everything else is the request's.
func (c *requestContext) Value(key any) any {
	if key == chi.RouteCtxKey && c.rctx != nil {
		return c.rctx
	}
	if d := c.tx.Load(); d != nil && key == c.rt.txKey {
		return d.value()
	}
	return c.Context.Value(key)
}

func (d *txData) value() openfeature.EvaluationContext {
	if d.state.Load() == txRoute {
		return d.tx
	}
	if m := d.merged.Load(); m != nil {
		return *m
	}
	m := mergeOver(d.inv, d.tx)
	d.merged.CompareAndSwap(nil, &m)
	return *d.merged.Load()
}

// setRoute sets the route's part of the evaluation context, for the
// evaluation.
func (c *requestContext) setRoute(route openfeature.EvaluationContext) *txData {
	d := &txData{tx: overUpstream(c.Context, route)}
	d.state.Store(txRoute)
	c.tx.Store(d)
	return d
}

// setHandler adds the invocation context the flag was evaluated with, for
// the handler.
func (d *txData) setHandler(inv openfeature.EvaluationContext) {
	d.inv = inv
	d.state.Store(txHandler)
}

// mergeOver returns top merged over under, as OpenFeature merges contexts.
func mergeOver(top, under openfeature.EvaluationContext) openfeature.EvaluationContext {
	return openfeature.TransactionContext(openfeature.MergeTransactionContext(
		openfeature.WithTransactionContext(context.Background(), under), top))
}

// overUpstream returns ec merged over the transaction context of ctx, if
// there is one (as openfeature.MergeTransactionContext merges).
func overUpstream(ctx context.Context, ec openfeature.EvaluationContext) openfeature.EvaluationContext {
	if up := openfeature.TransactionContext(ctx); up.TargetingKey() != "" || len(up.Attributes()) > 0 {
		return openfeature.TransactionContext(openfeature.MergeTransactionContext(ctx, ec))
	}
	return ec
}

// keySpy is a context that records the first key it is asked for.
type keySpy struct {
	context.Context
	key any
}

func (s *keySpy) Value(key any) any {
	if s.key == nil {
		s.key = key
	}
	return nil
}

// transactionKey returns the key under which OpenFeature keeps the
// transaction context in a context.Context (unexported by the SDK), by
// asking openfeature.TransactionContext to look it up. It returns nil if
// the lookup asked for nothing; the Router then gives handlers their
// transaction context with openfeature.WithTransactionContext.
func transactionKey() any {
	spy := &keySpy{Context: context.Background()}
	openfeature.TransactionContext(spy)
	if spy.key == nil {
		return nil
	}
	// Check that the key is the one: a context answering it is read back.
	probe := openfeature.NewEvaluationContext("probe", nil)
	c := &requestContext{Context: context.Background(), rt: &Router{txKey: spy.key}}
	c.setRoute(probe)
	if openfeature.TransactionContext(c).TargetingKey() != "probe" {
		return nil
	}
	return spy.key
}

// serveTop routes r, which no chi router has routed yet, with a
// requestContext in place of the routing context chi would add.
func (rt *Router) serveTop(w http.ResponseWriter, r *http.Request) {
	rctx, _ := rt.rctxPool.Get().(*chi.Context)
	if rctx == nil {
		rctx = chi.NewRouteContext()
	}
	rctx.Reset()
	rctx.Routes = rt.mux
	rt.mux.ServeHTTP(w, r.WithContext(&requestContext{Context: r.Context(), rctx: rctx, rt: rt}))
	rt.rctxPool.Put(rctx)
}
