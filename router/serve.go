package router

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/stub"
)

// entry is one declared route, ready to serve. Everything it needs per
// request is computed by New. What only some routes need is in extra, so
// that a large table of mostly live routes stays small.
type entry struct {
	path    *pathHandler // its Router is path.rt
	handler http.Handler
	name    string

	// answer is the route's problem answer: 501 for Planned and Beta
	// routes, 410 for Removed ones and Deprecated ones with a Sunset.
	answer *stub.Responder

	x *entryExtra // nil when the route needs none: see needsExtra (and ownOff, keepDecl)

	stage     uint8 // a Stage
	method    uint8 // index in methodNames
	off       uint8 // what answers when the route is off, for callers who may see it: see offHandler
	gated     bool  // Planned or Beta with a handler and a flag
	scheduled bool  // LiveFrom or Sunset set
	hides     bool  // off means absent (OffNotFound)
	// direct: Live for good (no LiveFrom, no Sunset) and no Observer, so
	// serving is calling the handler and nothing else.
	direct bool
}

// The off answers of an entry (entry.off).
const (
	offProblem   = iota // the route's problem answer
	offForbidden        // Router.forbidden (OffForbidden)
	offConfig           // Config.OffHandler
	offOwn              // entryExtra.off: the route's OffHandler, or a preview
)

// offHandler returns what answers when the route is off, for callers who
// may see it, and whether it is a stub.Responder (which sends no-store
// itself).
func (e *entry) offHandler() (http.Handler, bool) {
	switch e.off {
	case offProblem:
		return e.answer, true
	case offForbidden:
		return e.path.rt.forbidden, true
	case offConfig:
		h := e.path.rt.cfgOff
		_, ok := h.(*stub.Responder)
		return h, ok
	}
	_, ok := e.x.off.(*stub.Responder)
	return e.x.off, ok
}

// entryExtra holds the parts of an entry that only some routes need: those
// with a flag, scheduled, deprecated and superseded ones, those with an off
// answer of their own and those whose declaration is kept.
type entryExtra struct {
	flag string
	// decl is a copy of the declaration, nil when the entry gives all of
	// it back (see entry.declaration).
	decl *Route

	ctxFn      flags.ContextFunc // of gated routes
	off        http.Handler      // the route's own off answer (offOwn)
	optInValue []string          // OptInAppliedHeader value for Beta routes
	life       *lifecycle        // nil but for scheduled, deprecated and superseded routes

	// standard holds, from the first evaluation that needs it on (see
	// standardAttributes), the standard attributes and an empty opt-in
	// list: the whole attribute set of a request whose ContextFunc adds no
	// attributes and that opted into nothing. NewEvaluationContext copies
	// it; nothing writes to it.
	standard atomic.Pointer[attributeSet]
}

// lifecycle holds the dates and header values of scheduled, deprecated and
// superseded routes (with a Successor).
type lifecycle struct {
	liveFrom time.Time
	sunset   time.Time // of deprecated routes

	deprecation []string
	sunsetValue []string
	links       []string

	// The Deprecation, Docs and Successor of a deprecated route as
	// declared, see entry.declaration.
	deprecated      time.Time
	docs, successor string
}

// attributeSet is the set of standard evaluation-context attributes of a
// gated route, in the forms the router uses; nothing writes to it.
type attributeSet struct {
	m map[string]any
	// tx holds m as an evaluation context without targeting key: the
	// route's part of the evaluation context, see entry.evaluate.
	tx openfeature.EvaluationContext
	// route and pattern are the AttrRoute and AttrPattern values, boxed
	// once.
	route, pattern any
}

// standardAttributes returns the standard attributes of a gated route and an
// empty opt-in list. They are built the first time a flag of the route is
// evaluated without the cache, not by New: most gated routes of a large
// table never are, and the map is then the only one of its allocations
// left. Concurrent first evaluations may each build one; all use the
// first stored.
func (e *entry) standardAttributes() map[string]any { return e.attributes().m }

// attributes returns the standard attributes of a gated route, built on
// first use (see standardAttributes).
func (e *entry) attributes() *attributeSet {
	x := e.x
	if s := x.standard.Load(); s != nil {
		return s
	}
	s := &attributeSet{route: e.name, pattern: e.path.pattern}
	s.m = map[string]any{
		AttrRoute:   s.route,
		AttrMethod:  methodValues[e.method],
		AttrPattern: s.pattern,
		AttrStage:   stageValues[e.stage],
		AttrOptIn:   e.path.rt.noOptIns,
	}
	s.tx = openfeature.NewEvaluationContext("", s.m)
	if !x.standard.CompareAndSwap(nil, s) {
		s = x.standard.Load()
	}
	return s
}

// Attribute values boxed once: constant tables.
var (
	methodValues = [numMethods]any{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodTrace, http.MethodConnect}
	stageValues = [...]any{"planned", "beta", "live", "deprecated", "removed"}
)

// pathHandler dispatches one chi pattern by method.
type pathHandler struct {
	rt      *Router
	pattern string
	// byMethod: for each method (index in methodNames), 1 + the index in
	// rt.entries of its entry, or 0. Indexes rather than pointers keep the
	// path handlers of a large table small and the collector's work light.
	byMethod [numMethods]int32
	// Allow for callers who may and who may not see the roadmap, as
	// indexes in Router.allowValues, and the methods they list (bit i for
	// methodNames[i]).
	allowAll, allowPublic uint16
	allMask, publicMask   uint16
	// gatedMask: the methods of gated routes. One that Allow leaves out for
	// a caller (hidden, or the caller may not see the roadmap) is listed
	// anyway when its flag is on for the caller, who is served it.
	gatedMask uint16
	liveFrom  bool // a method goes live on a date: Allow depends on the clock
}

var (
	noStore = []string{"no-store"}
)

func (p *pathHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if i := methodIndex(r.Method); i >= 0 {
		if j := p.byMethod[i]; j != 0 {
			p.rt.entries[j-1].serve(w, r)
			return
		}
	}
	p.absent(w, r, p.rt.canSee(r), nil)
}

// entry returns the entry of method m (index in methodNames), or nil.
func (p *pathHandler) entry(m int) *entry {
	if j := p.byMethod[m]; j != 0 {
		return &p.rt.entries[j-1]
	}
	return nil
}

// absent answers as if the requested route were not declared: 405 with the
// methods the caller may know of, or 404 when there are none.
func (p *pathHandler) absent(w http.ResponseWriter, r *http.Request, canSee bool, off *entry) {
	allow, mask := p.rt.allowValues[p.allowPublic], p.publicMask
	if canSee {
		allow, mask = p.rt.allowValues[p.allowAll], p.allMask
	}
	if p.liveFrom {
		mask = p.allowMask(p.rt.now(), canSee)
		allow = allowValue(mask)
	}
	if more := p.gatedMask &^ mask; more != 0 {
		if on := p.servedOf(r, more, off); on != 0 {
			allow = allowValue(mask | on)
		}
	}
	if allow == nil {
		p.rt.notFound.ServeHTTP(w, r)
		return
	}
	w.Header()["Allow"] = allow
	p.rt.notAllowed.ServeHTTP(w, r)
}

// servedOf returns the methods among mask (gated routes left out of Allow
// for the caller of r) whose flag is on for the caller, who is served them.
// off is a route already known to be off for r, or nil.
func (p *pathHandler) servedOf(r *http.Request, mask uint16, off *entry) uint16 {
	// The evaluations share one bound: a slow provider delays the answer by
	// one evaluation timeout at most, whatever the number of methods.
	if bound := p.rt.gate.Timeout(); bound > 0 {
		ctx, cancel := context.WithTimeout(r.Context(), bound)
		defer cancel()
		r = r.WithContext(ctx)
	}
	var on uint16
	optIns, now := p.rt.optInsOf(r), p.rt.now()
	for i, j := range p.byMethod {
		e := p.entry(i)
		if mask&(1<<i) == 0 || e == nil || e == off {
			continue
		}
		if i == mHead && j == p.byMethod[mGet] {
			if on&(1<<mGet) != 0 {
				on |= 1 << mHead
			}
			continue
		}
		if st := e.effectiveStage(now); (st == Planned || st == Beta) && e.decide(r, optIns).On {
			on |= 1 << i
		}
	}
	return on
}

// declaration returns the route e serves, as declared.
func (e *entry) declaration() Route {
	x := e.x
	if x != nil && x.decl != nil {
		return *x.decl
	}
	d := Route{Method: methodNames[e.method], Pattern: e.path.pattern, Stage: Stage(e.stage), Handler: e.handler, Name: e.name}
	if x != nil {
		d.Flag = x.flag
	}
	if d.Stage == Planned || d.Stage == Beta {
		p := e.answer.Problem()
		d.Available, d.Docs = p.Available, p.Docs
	}
	if d.Stage == Deprecated {
		l := e.x.life
		d.Deprecation, d.Sunset, d.Docs, d.Successor = l.deprecated, l.sunset, l.docs, l.successor
	}
	return d
}

// effectiveStage applies LiveFrom and Sunset at instant now.
func (e *entry) effectiveStage(now time.Time) Stage {
	if x := e.x; x != nil && x.life != nil {
		if l := x.life; !l.liveFrom.IsZero() && !now.Before(l.liveFrom) {
			return Live
		}
		if l := x.life; !l.sunset.IsZero() && !now.Before(l.sunset) {
			return Removed
		}
	}
	return Stage(e.stage)
}

func (e *entry) serve(w http.ResponseWriter, r *http.Request) {
	if e.direct {
		e.handler.ServeHTTP(w, r)
		return
	}
	rt := e.path.rt
	stage := Stage(e.stage)
	if e.scheduled {
		stage = e.effectiveStage(rt.now())
	}
	// Only routes that evaluate a flag read the opt-in header: it is an
	// evaluation attribute, meaningless (and not validated) elsewhere.
	var optIns []string
	if e.gated && (stage == Planned || stage == Beta) && rt.optIn != "" {
		if vals := r.Header[rt.optIn]; len(vals) > 0 {
			var ok bool
			// Only a caller who may see the route learns that a name is
			// unknown: for a hidden route, or a caller the Roadmap
			// predicate rejects, a 400 would tell the route from a
			// missing one.
			strict := !e.hides && rt.canSee(r)
			if optIns, ok = rt.parseOptIn(w, r, vals, strict); !ok {
				return
			}
		}
	}
	switch stage {
	case Live:
		e.observe(stage, OutcomeServed)
		e.handler.ServeHTTP(w, r)
		return
	case Deprecated:
		e.observe(stage, OutcomeServed)
		h := w.Header()
		l := e.x.life // set: a deprecated route has a Deprecation value
		h["Deprecation"] = l.deprecation
		if l.sunsetValue != nil {
			h["Sunset"] = l.sunsetValue
		}
		if l.links != nil {
			h["Link"] = l.links
		}
		e.handler.ServeHTTP(w, r)
		return
	case Removed:
		e.observe(stage, OutcomeRemoved)
		if x := e.x; x != nil && x.life != nil && x.life.links != nil {
			w.Header()["Link"] = x.life.links
		}
		e.answer.ServeHTTP(w, r)
		return
	}
	if e.gated {
		// The cached path builds no evaluation context.
		d, cached := rt.gate.Cached(e.x.flag) // gated: e.x is set
		if !cached {
			d, r = e.evaluate(r, optIns)
		}
		if d.On {
			e.observe(stage, OutcomeServed)
			h := w.Header()
			h["Cache-Control"] = noStore
			if len(optIns) > 0 && e.x.optInValue != nil && contains(optIns, e.x.flag) {
				h[OptInAppliedHeader] = e.x.optInValue
			}
			e.handler.ServeHTTP(w, r)
			return
		}
	}
	e.offAnswer(w, r, stage)
}

// offAnswer answers for a Planned or Beta route that is off for r.
func (e *entry) offAnswer(w http.ResponseWriter, r *http.Request, stage Stage) {
	canSee := e.path.rt.canSee(r)
	if e.hides || !canSee {
		e.observe(stage, OutcomeHidden)
		e.path.absent(w, r, canSee, e)
		return
	}
	e.observe(stage, OutcomeStubbed)
	off, responder := e.offHandler()
	if !responder { // a Responder sends no-store itself
		w.Header()["Cache-Control"] = noStore
	}
	off.ServeHTTP(w, r)
}

// evaluate evaluates the route's flag for r and returns the decision and
// the request the handler gets when it is on: one whose OpenFeature
// transaction context is the evaluation context, so that the handler's own
// evaluations see the same targeting key and attributes.
//
// The ContextFunc's context is the invocation context, and the route's
// standard attributes (attributeSet.tx, built once per route) ride in the
// transaction context: OpenFeature merges them in the merge it makes anyway,
// with the same priorities as before (the ContextFunc's context, then the
// client's, then the route's attributes, then a transaction context set
// upstream), and the router copies neither. At the top, the request's
// requestContext carries them; mounted under another chi router, a
// requestContext is made for the evaluation, and the request is copied for
// the handler only when the flag is on.
func (e *entry) evaluate(r *http.Request, optIns []string) (flags.Decision, *http.Request) {
	rt := e.path.rt
	key := rt.txKey
	if key == nil { // not the SDK, or its key was not found: merge and copy
		ec, ok := e.evalContext(r, optIns)
		if !ok {
			return contextPanicked(), r
		}
		d := rt.gate.Evaluate(r.Context(), e.x.flag, ec)
		if d.On {
			r = r.WithContext(withTransactionContext(r.Context(), ec))
		}
		return d, r
	}
	c, top := r.Context().(*requestContext)
	if !top || c.tx.Load() != nil {
		c, top = &requestContext{Context: r.Context(), rt: rt}, false
	}
	base, ok := e.contextOf(r)
	if !ok {
		return contextPanicked(), r
	}
	tx := c.setRoute(e.routeContext(optIns))
	d := rt.gate.Evaluate(c, e.x.flag, base)
	switch {
	case d.On:
		tx.setHandler(base)
		if !top {
			r = r.WithContext(c)
		}
	case top:
		c.tx.Store(nil) // the off answer gets the request's own
	}
	return d, r
}

// routeContext returns the route's part of the evaluation context: its
// attributes and the opt-ins, without a targeting key.
func (e *entry) routeContext(optIns []string) openfeature.EvaluationContext {
	if len(optIns) == 0 {
		return e.attributes().tx
	}
	attrs := e.attributes().tx.Attributes()
	list := make([]any, len(optIns))
	for i, n := range optIns {
		list[i] = n
	}
	attrs[AttrOptIn] = list
	return openfeature.NewEvaluationContext("", attrs)
}

// decide evaluates the route's flag for r, for Status: the decision
// ServeHTTP would make.
func (e *entry) decide(r *http.Request, optIns []string) flags.Decision {
	rt := e.path.rt
	if d, ok := rt.gate.Cached(e.x.flag); ok {
		return d
	}
	ec, ok := e.evalContext(r, optIns)
	if !ok {
		return contextPanicked()
	}
	return rt.gate.Evaluate(r.Context(), e.x.flag, ec)
}

// evalContext merges the ContextFunc's context with the standard attributes
// into one invocation context, for Status and for an SDK whose
// transaction-context key was not found. The ContextFunc's attributes win,
// as when serving.
func (e *entry) evalContext(r *http.Request, optIns []string) (openfeature.EvaluationContext, bool) {
	base, ok := e.contextOf(r)
	if !ok {
		return base, false
	}
	attrs := base.Attributes()
	if len(attrs) == 0 && len(optIns) == 0 {
		return openfeature.NewEvaluationContext(base.TargetingKey(), e.standardAttributes()), true
	}
	// The ContextFunc's attributes win, as when serving (see evaluate).
	for k, v := range e.routeContext(optIns).Attributes() {
		if _, set := attrs[k]; !set {
			attrs[k] = v
		}
	}
	return openfeature.NewEvaluationContext(base.TargetingKey(), attrs), true
}

// withTransactionContext makes ec the OpenFeature transaction context of the
// handler's request, merged into one set upstream if there is one. With
// none, the merge (a copy of every attribute) is skipped.
func withTransactionContext(ctx context.Context, ec openfeature.EvaluationContext) context.Context {
	return openfeature.WithTransactionContext(ctx, overUpstream(ctx, ec))
}

// maxOptIns bounds the number of names read from the opt-in header.
const maxOptIns = 32

// parseOptIn reads the opt-in header. With strict, a name that matches no
// Beta route, or more than maxOptIns names, is answered with 400 naming the
// problem; without, unknown names are dropped and the list is capped
// silently, so that the answer reveals nothing. Repeated names count once.
func (rt *Router) parseOptIn(w http.ResponseWriter, r *http.Request, vals []string, strict bool) ([]string, bool) {
	var names []string
	for _, v := range vals {
		for part := range strings.SplitSeq(v, ",") {
			n := strings.TrimSpace(part)
			if n == "" || contains(names, n) {
				continue
			}
			if _, ok := rt.betaNames[n]; !ok {
				if !strict {
					continue
				}
				rt.badRequest(w, r, fmt.Sprintf("Unknown beta feature %q in the %s header.", truncate(n, 64), rt.optIn))
				return nil, false
			}
			if len(names) >= maxOptIns {
				if !strict {
					return names, true
				}
				rt.badRequest(w, r, fmt.Sprintf("Too many beta features in the %s header (at most %d).", rt.optIn, maxOptIns))
				return nil, false
			}
			names = append(names, n)
		}
	}
	return names, true
}

func (rt *Router) badRequest(w http.ResponseWriter, r *http.Request, detail string) {
	stub.New(stub.Problem{Status: http.StatusBadRequest, Detail: detail}).ServeHTTP(w, r)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
