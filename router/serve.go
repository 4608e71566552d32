package router

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/stub"
)

// entry is one declared route and what New computed from it.
type entry struct {
	Route // as declared; Observers get a pointer to it

	path      *path
	method    int       // index in methodNames
	gated     bool      // Planned or Beta with a Handler and a Flag
	scheduled bool      // LiveFrom, or a Sunset, set: the stage depends on the clock
	hides     bool      // off means absent (OffNotFound)
	offCustom bool      // an OffHandler answers when off
	offMode   OffAnswer // Off, or Config.Off, never OffInherit

	answer  *stub.Responder // the 501 of Planned and Beta routes, the 410 of Removed ones, sunsets and brownouts
	off     http.Handler    // answers when off, for callers who may see the route
	offStub bool            // off is a stub.Responder, which sends no-store itself

	ctxFn          flags.ContextFunc // of routes that evaluate a flag
	attrs          map[string]any    // the route attributes, of routes that evaluate a flag
	flag, brownout *flags.Flag       // Flag and Brownout in the Router's Gate

	optInValue                 []string      // OptInAppliedHeader value, for Beta routes
	deprecation, sunset, links []string      // header values
	linkTmpl                   *linkTemplate // the Link field, when the successor has parameters
}

// setLink sets the Link field of the answer to r, if the route has one.
func (e *entry) setLink(h http.Header, r *http.Request) {
	switch {
	case e.linkTmpl != nil:
		h["Link"] = e.linkTmpl.value(r)
	case e.links != nil:
		h["Link"] = e.links
	}
}

// newEntry builds the entry of route r on path p.
func (rt *Router) newEntry(e *entry, r *Route, p *path, cfg Config) {
	*e = entry{Route: *r, path: p, method: methodIndex(r.Method)}
	e.gated = (r.Stage == Planned || r.Stage == Beta) && r.Handler != nil && r.Flag != ""
	e.scheduled = !r.LiveFrom.IsZero() || r.Stage == Deprecated && !r.Sunset.IsZero()
	if e.gated {
		e.flag = rt.gate.Flag(r.Flag)
	}
	if r.Brownout != "" {
		e.brownout = rt.gate.Flag(r.Brownout)
	}
	if e.gated || r.Brownout != "" {
		e.ctxFn = r.Context
		if e.ctxFn == nil {
			e.ctxFn = rt.ctxFn
		}
		if !cfg.NoRouteAttributes {
			e.attrs = map[string]any{
				AttrRoute: r.Name, AttrMethod: r.Method, AttrPattern: r.Pattern,
				AttrStage: r.Stage.String(), AttrOptIn: []any{},
			}
		}
	}
	if r.Stage == Beta {
		e.optInValue = []string{r.Flag}
	}

	route := r.id()
	switch {
	case r.Stage == Planned || r.Stage == Beta:
		detail := r.Method + " is not yet implemented for this endpoint"
		if r.Name != "" {
			detail = r.Name + " is not yet available. Check back in a future release."
		}
		typ := stub.TypeNotYetAvailable
		if r.Stage == Beta {
			typ = stub.TypeNotEnabled
		}
		e.answer = stub.New(stub.Typed(stub.Problem{Status: http.StatusNotImplemented, Detail: cmp.Or(r.Detail, detail),
			Stage: r.Stage.String(), Route: route, Available: r.Available, Docs: r.Docs}, typ))
	case r.Stage == Removed || r.Stage == Deprecated && (!r.Sunset.IsZero() || r.Brownout != ""):
		detail := r.Method + " is no longer available for this endpoint"
		if r.Name != "" {
			detail = r.Name + " has been removed."
		}
		if r.Successor != "" {
			detail += " Use " + r.Successor + " instead."
		}
		e.answer = stub.New(stub.Typed(stub.Problem{Status: http.StatusGone, Detail: cmp.Or(r.Detail, detail),
			Stage: Removed.String(), Route: route, Docs: r.Docs}, stub.TypeRemoved))
	}

	if r.Stage == Deprecated {
		e.deprecation = []string{"@" + strconv.FormatInt(r.Deprecation.Unix(), 10)}
		if !r.Sunset.IsZero() {
			e.sunset = []string{r.Sunset.UTC().Format(http.TimeFormat)}
		}
	}
	// Both links in one field (see linkField), the successor's parameters
	// expanded per request when it names some (see linkTemplate).
	if f := linkField(r.Docs, r.Successor, r.Stage == Deprecated); f != "" {
		e.links = []string{f}
		e.linkTmpl = newLinkTemplate(f, r.Successor)
	}

	// The off answer, most specific setting first.
	e.offMode = cmp.Or(r.Off, cfg.Off, OffNotImplemented)
	e.off = e.answer
	switch {
	case r.OffHandler != nil:
		e.off, e.offCustom = r.OffHandler, true
	case r.Off == OffInherit && cfg.OffHandler != nil:
		e.off, e.offCustom = cfg.OffHandler, true
	case e.offMode == OffNotFound:
		e.hides = true
	case e.offMode == OffForbidden:
		e.off = rt.forbidden
	}
	if r.Example != nil && !e.hides {
		e.off = newPreview(r.Example, e.off)
	}
	_, e.offStub = e.off.(*stub.Responder)
}

// effectiveStage applies LiveFrom and Sunset at instant now.
func (e *entry) effectiveStage(now time.Time) Stage {
	switch {
	case !e.LiveFrom.IsZero() && !now.Before(e.LiveFrom):
		return Live
	case !e.Sunset.IsZero() && !now.Before(e.Sunset):
		return Removed
	}
	return e.Stage
}

var noStore = []string{"no-store"}

func (e *entry) serve(w http.ResponseWriter, r *http.Request) {
	rt := e.path.rt
	stage := e.Stage
	if e.scheduled {
		stage = e.effectiveStage(rt.now())
	}
	switch stage {
	case Live:
		e.observe(stage, OutcomeServed, r)
		e.Handler.ServeHTTP(w, r)
		return
	case Deprecated:
		h := w.Header()
		h["Deprecation"] = e.deprecation
		if e.sunset != nil {
			h["Sunset"] = e.sunset
		}
		e.setLink(h, r)
		if e.Brownout != "" {
			h["Cache-Control"] = noStore
			b := caller{r: r}
			if e.decide(r.Context(), e.brownout, &b) {
				if v := retryAfter(b.d.Until, rt.now()); v != nil {
					h["Retry-After"] = v
				}
				e.observe(Removed, OutcomeRemoved, r)
				e.answer.ServeHTTP(w, r)
				return
			}
		}
		e.observe(stage, OutcomeServed, r)
		e.Handler.ServeHTTP(w, r)
		return
	case Removed:
		e.observe(stage, OutcomeRemoved, r)
		e.setLink(w.Header(), r)
		e.answer.ServeHTTP(w, r)
		return
	}
	if !e.gated {
		e.offAnswer(w, r, stage)
		return
	}
	// Only routes that evaluate a flag read the opt-in header: it is an
	// evaluation attribute, meaningless (and not validated) elsewhere.
	var optIns []string
	if vals := r.Header[rt.optIn]; rt.optIn != "" && len(vals) > 0 {
		// Only a caller who may see the route learns that a name is
		// unknown: a 400 would tell a hidden route from a missing one.
		var ok bool
		if optIns, ok = rt.parseOptIn(w, r, vals, !e.hides && rt.canSee(r)); !ok {
			return
		}
	}
	c := caller{r: r, optIns: optIns}
	if !e.decide(r.Context(), e.flag, &c) {
		e.offAnswer(w, r, stage)
		return
	}
	e.observe(stage, OutcomeServed, r)
	h := w.Header()
	h["Cache-Control"] = noStore
	if e.optInValue != nil && slices.Contains(optIns, e.Flag) {
		h[OptInAppliedHeader] = e.optInValue
	}
	if c.built {
		// The handler's own evaluations see what the router's saw.
		r = r.WithContext(withTransactionContext(r.Context(), c.ec))
	}
	e.Handler.ServeHTTP(w, r)
}

// offAnswer answers for a Planned or Beta route that is off for r.
func (e *entry) offAnswer(w http.ResponseWriter, r *http.Request, stage Stage) {
	canSee := e.path.rt.canSee(r)
	if e.hides || !canSee {
		e.observe(stage, OutcomeHidden, r)
		e.path.absent(w, r, canSee, e)
		return
	}
	e.observe(stage, OutcomeStubbed, r)
	if !e.offStub {
		w.Header()["Cache-Control"] = noStore
	}
	e.off.ServeHTTP(w, r)
}

// path dispatches one chi pattern by method.
type path struct {
	rt       *Router
	pattern  string
	byMethod [numMethods]*entry // HEAD is GET's unless declared
	// Allow for callers who may and who may not see the roadmap, and the
	// methods they list (bit i for methodNames[i]).
	allowAll, allowPublic []string
	allMask, publicMask   uint16
	gatedMask             uint16 // listed where their flag is on for the caller
	liveFrom              bool   // a method goes live on a date: Allow depends on the clock
}

func (p *path) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if i := methodIndex(r.Method); i >= 0 && p.byMethod[i] != nil {
		p.byMethod[i].serve(w, r)
		return
	}
	p.absent(w, r, p.rt.canSee(r), nil)
}

// finish serves HEAD by GET where HEAD is not declared and sets the masks
// and the Allow values, shared through allow. The masks of a path whose
// stages depend on the clock are recomputed per request (see absent).
func (p *path) finish(allow map[uint16][]string) {
	if p.byMethod[mHead] == nil {
		p.byMethod[mHead] = p.byMethod[mGet]
	}
	for i, e := range p.byMethod {
		if e != nil && e.gated {
			p.gatedMask |= 1 << i
		}
		if e != nil && !e.LiveFrom.IsZero() {
			p.liveFrom = true
		}
	}
	// The declared stages: the zero instant is before every LiveFrom and
	// Sunset (and New does not call Config.Now).
	p.allMask, p.publicMask = p.allowMask(time.Time{}, true), p.allowMask(time.Time{}, false)
	for _, mask := range []uint16{p.allMask, p.publicMask} {
		if _, ok := allow[mask]; !ok {
			allow[mask] = allowValue(mask)
		}
	}
	p.allowAll, p.allowPublic = allow[p.allMask], allow[p.publicMask]
}

// absent answers as if the requested route were not declared: 405 with the
// methods the caller may know of, or 404 when there are none. off is a
// route already known to be off for r, or nil.
func (p *path) absent(w http.ResponseWriter, r *http.Request, canSee bool, off *entry) {
	allow, mask := p.allowPublic, p.publicMask
	if canSee {
		allow, mask = p.allowAll, p.allMask
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
func (p *path) servedOf(r *http.Request, mask uint16, off *entry) uint16 {
	var on uint16
	optIns, now := p.rt.optInsOf(r), p.rt.now()
	for i, e := range p.byMethod {
		if mask&(1<<i) == 0 || e == nil || e == off {
			continue
		}
		if i == mHead && e == p.byMethod[mGet] {
			if on&(1<<mGet) != 0 {
				on |= 1 << mHead
			}
			continue
		}
		if st := e.effectiveStage(now); st == Planned || st == Beta {
			if e.decide(r.Context(), e.flag, &caller{r: r, optIns: optIns}) {
				on |= 1 << i
			}
		}
	}
	return on
}

// allowMask returns the methods (bit i for methodNames[i]) that are public
// at instant now (Live, Deprecated, Removed), plus, for canSee, the Planned
// and Beta ones that do not hide.
func (p *path) allowMask(now time.Time, canSee bool) uint16 {
	var mask uint16
	for i, e := range p.byMethod {
		if e == nil {
			continue
		}
		if st := e.effectiveStage(now); st == Live || st == Deprecated || st == Removed || canSee && !e.hides {
			mask |= 1 << i
		}
	}
	return mask
}

// retryAfter returns the Retry-After value (RFC 9110 §10.2.3, delay in
// seconds, rounded up) of a brownout that ends at until, or nil when its
// end is unknown (zero) or past.
func retryAfter(until, now time.Time) []string {
	if until.IsZero() || !until.After(now) {
		return nil
	}
	wait := until.Sub(now)
	secs := int64(wait / time.Second)
	if wait%time.Second != 0 {
		secs++
	}
	return []string{strconv.FormatInt(secs, 10)}
}
