package router

import (
	"fmt"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/roadmap-go/roadmap/stub"
)

// build turns the validated table into entries and path handlers and
// registers them on chi (see register). chi's own panics on patterns it
// cannot parse are turned into errors.
func (rt *Router) build(routes []Route, cfg Config, tab *table) []error {
	var errs []error
	rt.mux = chi.NewRouter()
	rt.mux.NotFound(rt.notFound.ServeHTTP)
	rt.mux.MethodNotAllowed(rt.methodNotAllowed)
	rt.byPattern = tab.byPattern
	// One allocation for all entries and one for all path handlers, and
	// the rest in blocks (see builder): a large table builds in a few
	// milliseconds.
	rt.paths = make([]pathHandler, len(tab.patterns))
	for k := range rt.paths {
		rt.paths[k] = pathHandler{rt: rt, pattern: routes[tab.patterns[k].first].Pattern}
	}
	rt.entries = make([]entry, len(routes))
	b := newBuilder(tab, len(rt.paths))
	keepAll := cfg.Observer != nil
	for i := range routes {
		r := &routes[i]
		k := tab.of[i]
		p := &rt.paths[k]
		e := &rt.entries[i]
		rt.initEntry(e, r, p, k, cfg, b)
		// The declaration itself is kept only when the entry cannot give
		// it back (see entry.declaration), or when an Observer is told
		// about it by pointer.
		if keepAll || !plain(r) {
			e.decl = b.declaration(r)
		}
		p.byMethod[methodIndex(r.Method)] = e
	}
	patterns := make([]string, len(rt.paths))
	for k := range rt.paths {
		rt.paths[k].finish(b)
		patterns[k] = rt.paths[k].pattern
	}
	shared := sharedPaths(patterns)
	for k := range rt.paths {
		p := &rt.paths[k]
		if err := register(rt.mux, p, shared[k]); err != nil {
			errs = append(errs, &RouteError{Index: int(tab.patterns[k].first), Route: "* " + p.pattern, err: fmt.Errorf("%w: %v", ErrPattern, err)})
		}
	}
	return errs
}

// plain reports whether r declares nothing but its method, pattern, stage,
// flag, handler and name, and for planned and beta routes Available and
// Docs, which their 501 answer holds: the entry then gives all of it back
// (see entry.declaration), and New keeps no copy of the declaration.
func plain(r *Route) bool {
	answered := r.Stage == Planned || r.Stage == Beta
	return r.Detail == "" && (answered || r.Available == "" && r.Docs == "") && r.Successor == "" && r.OperationID == "" &&
		r.Deprecation == (time.Time{}) && r.Sunset == (time.Time{}) && r.LiveFrom == (time.Time{}) &&
		r.Off == OffInherit && r.OffHandler == nil && r.Context == nil && r.Example == nil
}

// needsExtra reports whether the entry of r needs an entryExtra: gated,
// scheduled, beta and deprecated routes, and routes with a successor.
func needsExtra(r *Route) bool {
	return r.Stage == Planned && r.Handler != nil && r.Flag != "" || r.Stage == Beta || r.Stage == Deprecated ||
		!r.LiveFrom.IsZero() || r.Successor != ""
}

// answers returns the number of problem answers the entry of r renders: a
// 501 for planned and beta routes, a 410 for removed ones and for deprecated
// ones with a Sunset.
func answers(r *Route) int {
	switch {
	case r.Stage == Planned || r.Stage == Beta:
		return 1
	case r.Stage == Removed || r.Stage == Deprecated && !r.Sunset.IsZero():
		return 1
	}
	return 0
}

// initEntry fills e, a zero entry, for route r on path p (rt.paths[k]). Its
// strings, slices and problem answers come from b's blocks. It keeps no
// pointer into r.
func (rt *Router) initEntry(e *entry, r *Route, p *pathHandler, k int32, cfg Config, b *builder) {
	// Field by field: e is zero, and a composite literal would be built
	// aside and copied.
	e.rt = rt
	e.path = p
	e.name = r.Name
	e.method = uint8(methodIndex(r.Method))
	e.stage = uint8(r.Stage)
	e.handler = r.Handler
	e.flag = r.Flag
	e.gated = (r.Stage == Planned || r.Stage == Beta) && r.Handler != nil && r.Flag != ""
	e.scheduled = !r.LiveFrom.IsZero() || r.Stage == Deprecated && !r.Sunset.IsZero()
	e.direct = r.Stage == Live && !e.scheduled && rt.obs == nil
	if needsExtra(r) {
		e.x = b.extra()
	}
	x := e.x
	if e.scheduled {
		x.liveFrom = r.LiveFrom
		if r.Stage == Deprecated {
			x.sunset = r.Sunset
		}
	}
	if r.Stage == Beta {
		x.optInValue = b.values(r.Flag)
	}
	if e.gated {
		x.ctxFn = r.Context
		if x.ctxFn == nil {
			x.ctxFn = rt.ctxFn
		}
		x.attrs = b.attributes(4)
		x.attrs[0] = attr{AttrRoute, r.Name}
		x.attrs[1] = attr{AttrMethod, b.methodAny[methodIndex(r.Method)]}
		x.attrs[2] = attr{AttrPattern, b.patternValue(k, r.Pattern)}
		x.attrs[3] = attr{AttrStage, b.stageAny[r.Stage]}
		x.attrMap = make(map[string]any, len(x.attrs)+1)
		for _, a := range x.attrs {
			x.attrMap[a.key] = a.val
		}
		x.attrMap[AttrOptIn] = rt.noOptIns
	}

	// Only Planned and Beta routes answer 501, only Removed and Deprecated
	// ones (after Sunset) 410: the others need no problem body.
	if r.Stage == Planned || r.Stage == Beta {
		detail := r.Detail
		if detail == "" {
			if r.Name != "" {
				detail = b.text.concat(r.Name, " is not yet available. Check back in a future release.")
			} else {
				detail = b.text.concat(r.Method, " is not yet implemented for this endpoint")
			}
		}
		e.answer = b.stubs.New(stub.Problem{Status: http.StatusNotImplemented, Detail: detail,
			Stage: r.Stage.String(), Route: b.text.concat(r.Method, " ", r.Pattern), Available: r.Available, Docs: r.Docs})
	}

	// A deprecated route without a Sunset is never removed: it needs no
	// 410.
	if r.Stage == Removed || r.Stage == Deprecated && !r.Sunset.IsZero() {
		goneDetail := r.Detail
		if goneDetail == "" {
			what, gone := r.Name, " has been removed."
			if r.Name == "" {
				what, gone = r.Method, " is no longer available for this endpoint"
			}
			if r.Successor != "" {
				goneDetail = b.text.concat(what, gone, " Use ", r.Successor, " instead.")
			} else {
				goneDetail = b.text.concat(what, gone)
			}
		}
		e.answer = b.stubs.New(stub.Problem{Status: http.StatusGone, Detail: goneDetail,
			Stage: Removed.String(), Route: b.text.concat(r.Method, " ", r.Pattern), Docs: r.Docs})
	}

	// Deprecation headers, rendered once.
	if r.Stage == Deprecated {
		x.deprecation = b.values(b.text.unixValue(r.Deprecation))
		if !r.Sunset.IsZero() {
			x.sunsetValue = b.values(b.text.httpDate(r.Sunset))
		}
	}
	switch deprecation := r.Docs != "" && r.Stage == Deprecated; {
	case deprecation && r.Successor != "":
		x.links = b.values(b.text.concat("<", r.Docs, `>; rel="deprecation"; type="text/html"`),
			b.text.concat("<", r.Successor, `>; rel="successor-version"`))
	case deprecation:
		x.links = b.values(b.text.concat("<", r.Docs, `>; rel="deprecation"; type="text/html"`))
	case r.Successor != "":
		x.links = b.values(b.text.concat("<", r.Successor, `>; rel="successor-version"`))
	}

	// The off answer, most specific setting first.
	mode := r.Off
	if mode == OffInherit {
		mode = cfg.Off
	}
	switch {
	case r.OffHandler != nil:
		e.off = r.OffHandler
	case r.Off == OffInherit && cfg.OffHandler != nil:
		e.off = cfg.OffHandler
	case mode == OffNotFound:
		e.hides = true
	case mode == OffForbidden:
		e.off = rt.forbidden
	default:
		e.off = e.answer
	}
	if r.Example != nil && !e.hides {
		e.off = newPreview(r.Example, e.off)
	}
}

// finish computes the path's HEAD fallback and Allow header values.
func (p *pathHandler) finish(b *builder) {
	if p.byMethod[mHead] == nil && p.byMethod[mGet] != nil {
		p.byMethod[mHead] = p.byMethod[mGet]
	}
	for _, e := range p.byMethod {
		if e != nil && e.x != nil && !e.x.liveFrom.IsZero() {
			p.liveFrom = true
		}
	}
	p.allowAll = b.allowValue(p.allowMask(time.Time{}, true))
	p.allowPublic = b.allowValue(p.allowMask(time.Time{}, false))
}

// allowAt returns the Allow value for a caller who may (canSee) or may not
// see the roadmap at instant now (see allowMask). Nil when there are none.
func (p *pathHandler) allowAt(now time.Time, canSee bool) []string {
	return allowValue(p.allowMask(now, canSee))
}

// allowMask returns the methods (bit i for methodNames[i]) that are public
// at instant now (Live, Deprecated, Removed), plus, for canSee, the Planned
// and Beta ones that do not hide. A zero now means the declared stages.
func (p *pathHandler) allowMask(now time.Time, canSee bool) uint16 {
	var mask uint16
	for i, e := range p.byMethod {
		if e == nil {
			continue
		}
		st := Stage(e.stage)
		if !now.IsZero() {
			st = e.effectiveStage(now)
		}
		if public := st == Live || st == Deprecated || st == Removed; public || canSee && !e.hides {
			mask |= 1 << i
		}
	}
	return mask
}
