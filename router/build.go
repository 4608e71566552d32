package router

import (
	"fmt"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/roadmap-go/roadmap/stub"
)

// addEntry builds the entry of route i, r, on the path of its pattern (k,
// its index in table.patterns), and adds it to the path. New calls it for
// each route while it validates the table, as long as nothing is wrong with
// it, so that the table is read once: the path of pattern k is made at its
// first route, after those of the patterns before it, and is rt.paths[k].
func (rt *Router) addEntry(i int, r *Route, k int32, cfg Config, b *builder) {
	if int(k) == len(rt.paths) {
		rt.paths = append(rt.paths, b.path(r.Pattern))
	}
	path := rt.paths[k]
	e := &rt.entries[i]
	rt.initEntry(e, r, path, cfg, b)
	if keepDecl(r, cfg) {
		e.x.decl = b.declaration(r)
	}
	path.byMethod[e.method] = int32(i) + 1
	bit := uint16(1) << e.method
	if public(r.Stage) {
		path.publicMask |= bit
	}
	if public(r.Stage) || !e.hides {
		path.allMask |= bit
	}
	if e.gated {
		path.gatedMask |= bit
	}
	if !r.LiveFrom.IsZero() {
		path.liveFrom = true
	}
}

// public reports whether routes of stage st are listed in Allow for every
// caller.
func public(st Stage) bool { return st == Live || st == Deprecated || st == Removed }

// registerPaths finishes the path handlers of the table built by addEntry
// and registers them on chi (see register). chi's own panics on patterns it
// cannot parse are turned into errors.
func (rt *Router) registerPaths(tab *table, b *builder) []error {
	var errs []error
	rt.mux = chi.NewRouter()
	rt.mux.NotFound(rt.notFound.ServeHTTP)
	rt.mux.MethodNotAllowed(rt.methodNotAllowed)
	rt.byPattern = tab.byPattern
	patterns := make([]string, len(rt.paths))
	for k, p := range rt.paths {
		p.finish(b)
		patterns[k] = p.pattern
	}
	rt.allowValues = b.allowValues
	shared := sharedPaths(patterns)
	for k, p := range rt.paths {
		if err := register(rt.mux, p, shared[k]); err != nil {
			errs = append(errs, &RouteError{Index: int(tab.patterns[k].first), Route: "* " + p.pattern, err: fmt.Errorf("%w: %v", ErrPattern, err)})
		}
	}
	return errs
}

// plain reports whether r declares nothing but its method, pattern, stage,
// flag, handler and name (no Request or Responses), for planned and beta routes Available and Docs,
// which their 501 answer holds, and for deprecated routes Deprecation,
// Sunset, Docs and Successor, which their lifecycle holds: the entry then
// gives all of it back (see entry.declaration), and New keeps no copy of
// the declaration.
func plain(r *Route) bool {
	answered := r.Stage == Planned || r.Stage == Beta
	deprecated := r.Stage == Deprecated // its lifecycle holds the rest
	return r.Detail == "" && (answered || deprecated || r.Docs == "") && (answered || r.Available == "") &&
		(deprecated || r.Successor == "" && r.Deprecation == (time.Time{}) && r.Sunset == (time.Time{})) &&
		r.OperationID == "" && r.LiveFrom == (time.Time{}) &&
		r.Off == OffInherit && r.OffHandler == nil && r.Context == nil && r.Example == nil &&
		r.Request == nil && r.Responses == nil
}

// needsExtra reports whether the entry of r needs an entryExtra for its
// flag or its lifecycle (see also ownOff and keepDecl).
func needsExtra(r *Route) bool {
	return r.Flag != "" || needsLife(r)
}

// keepDecl reports whether New keeps a copy of r (see entry.declaration):
// when its entry cannot give it back, or an Observer is told about it by
// pointer.
func keepDecl(r *Route, cfg Config) bool { return cfg.Observer != nil || !plain(r) }

// needsLife reports whether the entry of r needs a lifecycle: scheduled and
// deprecated routes, and routes with a successor.
func needsLife(r *Route) bool {
	return r.Stage == Deprecated || !r.LiveFrom.IsZero() || r.Successor != ""
}

// initEntry fills e, a zero entry, for route r on path p. Its strings,
// slices and problem answers come from b's blocks. It keeps no pointer into
// r.
func (rt *Router) initEntry(e *entry, r *Route, p *pathHandler, cfg Config, b *builder) {
	// Field by field: e is zero, and a composite literal would be built
	// aside and copied.
	e.path = p
	e.name = r.Name
	e.method = uint8(methodIndex(r.Method))
	e.stage = uint8(r.Stage)
	e.handler = r.Handler
	e.gated = (r.Stage == Planned || r.Stage == Beta) && r.Handler != nil && r.Flag != ""
	e.scheduled = !r.LiveFrom.IsZero() || r.Stage == Deprecated && !r.Sunset.IsZero()
	e.direct = r.Stage == Live && !e.scheduled && rt.obs == nil
	if needsExtra(r) || ownOff(r, cfg) || keepDecl(r, cfg) {
		e.x = b.extra()
		e.x.flag = r.Flag
	}
	x := e.x
	var l *lifecycle
	if needsLife(r) {
		l = b.lives.take()
		x.life = l
		l.liveFrom = r.LiveFrom
		if r.Stage == Deprecated {
			l.sunset, l.deprecated, l.docs, l.successor = r.Sunset, r.Deprecation, r.Docs, r.Successor
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
	}

	// Only Planned and Beta routes answer 501, only Removed and Deprecated
	// ones (after Sunset) 410: the others need no problem body.
	// The texts are rendered from their parts (see stub.Batch.NewJoined).
	route := []string{r.Method, " ", r.Pattern}
	if r.Stage == Planned || r.Stage == Beta {
		detail := []string{r.Detail}
		switch {
		case r.Detail != "":
		case r.Name != "":
			detail = []string{r.Name, " is not yet available. Check back in a future release."}
		default:
			detail = []string{r.Method, " is not yet implemented for this endpoint"}
		}
		e.answer = b.stubs.NewJoined(stub.Problem{Status: http.StatusNotImplemented,
			Stage: r.Stage.String(), Available: r.Available, Docs: r.Docs}, detail, route)
	}

	// A deprecated route without a Sunset is never removed: it needs no
	// 410.
	if r.Stage == Removed || r.Stage == Deprecated && !r.Sunset.IsZero() {
		detail := []string{r.Detail}
		if r.Detail == "" {
			what, gone := r.Name, " has been removed."
			if r.Name == "" {
				what, gone = r.Method, " is no longer available for this endpoint"
			}
			detail = []string{what, gone}
			if r.Successor != "" {
				detail = []string{what, gone, " Use ", r.Successor, " instead."}
			}
		}
		e.answer = b.stubs.NewJoined(stub.Problem{Status: http.StatusGone,
			Stage: Removed.String(), Docs: r.Docs}, detail, route)
	}

	// Deprecation headers, rendered once.
	if r.Stage == Deprecated {
		l.deprecation = b.values(b.text.unixValue(r.Deprecation))
		if !r.Sunset.IsZero() {
			l.sunsetValue = b.values(b.text.httpDate(r.Sunset))
		}
	}
	switch deprecation := r.Docs != "" && r.Stage == Deprecated; {
	case deprecation && r.Successor != "":
		l.links = b.values(b.text.concat("<", r.Docs, `>; rel="deprecation"; type="text/html"`),
			b.text.concat("<", r.Successor, `>; rel="successor-version"`))
	case deprecation:
		l.links = b.values(b.text.concat("<", r.Docs, `>; rel="deprecation"; type="text/html"`))
	case r.Successor != "":
		l.links = b.values(b.text.concat("<", r.Successor, `>; rel="successor-version"`))
	}

	// The off answer, most specific setting first.
	mode := r.Off
	if mode == OffInherit {
		mode = cfg.Off
	}
	switch {
	case r.OffHandler != nil:
		e.off, x.off = offOwn, r.OffHandler
	case r.Off == OffInherit && cfg.OffHandler != nil:
		e.off = offConfig
	case mode == OffNotFound:
		e.hides = true
	case mode == OffForbidden:
		e.off = offForbidden
	}
	if r.Example != nil && !e.hides {
		off, _ := e.offHandler()
		e.off, x.off = offOwn, newPreview(r.Example, off)
	}
}

// ownOff reports whether the entry of r needs an entryExtra for an off
// answer of its own (offOwn): its OffHandler, or a preview of its Example.
func ownOff(r *Route, cfg Config) bool {
	if r.OffHandler != nil {
		return true
	}
	if r.Example == nil {
		return false
	}
	mode := r.Off
	if mode == OffInherit {
		mode = cfg.Off
	}
	return mode != OffNotFound || r.Off == OffInherit && cfg.OffHandler != nil
}

// finish serves HEAD by GET where HEAD is not declared and looks up the
// Allow values of the path's methods.
func (p *pathHandler) finish(b *builder) {
	if p.byMethod[mHead] == 0 && p.byMethod[mGet] != 0 {
		p.byMethod[mHead] = p.byMethod[mGet]
		if p.gatedMask&(1<<mGet) != 0 {
			p.gatedMask |= 1 << mHead
		}
		if p.allMask&(1<<mGet) != 0 {
			p.allMask |= 1 << mHead
		}
		if p.publicMask&(1<<mGet) != 0 {
			p.publicMask |= 1 << mHead
		}
	}
	p.allowAll = b.allowIndex(p.allMask)
	p.allowPublic = b.allowIndex(p.publicMask)
}

// allowMask returns the methods (bit i for methodNames[i]) that are public
// at instant now (Live, Deprecated, Removed), plus, for canSee, the Planned
// and Beta ones that do not hide. A zero now means the declared stages.
func (p *pathHandler) allowMask(now time.Time, canSee bool) uint16 {
	var mask uint16
	for i := range p.byMethod {
		e := p.entry(i)
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
