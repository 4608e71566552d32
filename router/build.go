package router

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/roadmap-go/roadmap/stub"
)

// build turns the validated table into entries and path handlers and
// registers one chi route per pattern. chi's own panics on patterns it cannot
// parse are turned into errors.
func (rt *Router) build(cfg Config) []error {
	var errs []error
	rt.mux = chi.NewRouter()
	rt.mux.NotFound(rt.notFound.ServeHTTP)
	rt.mux.MethodNotAllowed(rt.notFound.ServeHTTP) // unreachable: every pattern takes all methods
	byPattern := make(map[string]*pathHandler, len(rt.routes))
	// One allocation for all entries, and path handlers in chunks (their
	// number is not known in advance; a chunk is never grown, so pointers
	// into it stay valid): a large table builds in a few milliseconds.
	entries := make([]entry, len(rt.routes))
	var paths []pathHandler
	rt.entries = make([]*entry, 0, len(rt.routes))
	for i := range rt.routes {
		r := &rt.routes[i]
		p := byPattern[r.Pattern]
		if p == nil {
			if len(paths) == cap(paths) {
				paths = make([]pathHandler, 0, min(64, len(rt.routes)-i))
			}
			paths = append(paths, pathHandler{rt: rt, pattern: r.Pattern})
			p = &paths[len(paths)-1]
			byPattern[r.Pattern] = p
			rt.paths = append(rt.paths, p)
		}
		e := &entries[i]
		rt.initEntry(e, r, p, cfg)
		rt.entries = append(rt.entries, e)
		p.byMethod[methodIndex(r.Method)] = e
	}
	for _, p := range rt.paths {
		p.finish()
		if err := register(rt.mux, p); err != nil {
			errs = append(errs, &RouteError{Index: p.firstIndex(), Route: "* " + p.pattern, err: fmt.Errorf("%w: %v", ErrPattern, err)})
		}
	}
	return errs
}

func register(mux *chi.Mux, p *pathHandler) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%v", v)
		}
	}()
	mux.Handle(p.pattern, p)
	return nil
}

// initEntry fills e, for route r on path p.
func (rt *Router) initEntry(e *entry, r *Route, p *pathHandler, cfg Config) {
	*e = entry{
		rt:       rt,
		path:     p,
		route:    r,
		stage:    r.Stage,
		handler:  r.Handler,
		flag:     r.Flag,
		liveFrom: r.LiveFrom,
		ctxFn:    r.Context,
	}
	if e.ctxFn == nil {
		e.ctxFn = rt.ctxFn
	}
	e.gated = (r.Stage == Planned || r.Stage == Beta) && r.Handler != nil && r.Flag != ""
	if r.Stage == Deprecated {
		e.sunset = r.Sunset
	}
	e.scheduled = !e.liveFrom.IsZero() || !e.sunset.IsZero()
	if r.Stage == Beta {
		e.optInValue = []string{r.Flag}
	}
	e.direct = r.Stage == Live && !e.scheduled && rt.obs == nil
	if e.gated {
		e.attrs = []attr{{AttrRoute, r.Name}, {AttrMethod, r.Method}, {AttrPattern, r.Pattern}, {AttrStage, r.Stage.String()}}
		e.attrMap = make(map[string]any, len(e.attrs)+1)
		for _, a := range e.attrs {
			e.attrMap[a.key] = a.val
		}
		e.attrMap[AttrOptIn] = rt.noOptIns
	}

	// Only Planned and Beta routes answer 501, only Removed and Deprecated
	// ones (after Sunset) 410: the others need no problem body.
	if r.Stage == Planned || r.Stage == Beta {
		detail := r.Detail
		if detail == "" {
			if r.Name != "" {
				detail = r.Name + " is not yet available. Check back in a future release."
			} else {
				detail = r.Method + " is not yet implemented for this endpoint"
			}
		}
		e.stub = stub.New(stub.Problem{Status: http.StatusNotImplemented, Detail: detail,
			Stage: r.Stage.String(), Route: r.id(), Available: r.Available, Docs: r.Docs})
	}

	if r.Stage == Removed || r.Stage == Deprecated {
		goneDetail := r.Detail
		if goneDetail == "" || r.Stage != Removed {
			if r.Name != "" {
				goneDetail = r.Name + " has been removed."
			} else {
				goneDetail = r.Method + " is no longer available for this endpoint"
			}
			if r.Successor != "" {
				goneDetail += " Use " + r.Successor + " instead."
			}
		}
		e.gone = stub.New(stub.Problem{Status: http.StatusGone, Detail: goneDetail,
			Stage: Removed.String(), Route: r.id(), Docs: r.Docs})
	}

	// Deprecation headers, rendered once.
	if r.Stage == Deprecated {
		e.deprecation = []string{"@" + strconv.FormatInt(r.Deprecation.Unix(), 10)}
		if !r.Sunset.IsZero() {
			e.sunsetValue = []string{r.Sunset.UTC().Format(http.TimeFormat)}
		}
	}
	if r.Docs != "" && r.Stage == Deprecated {
		e.links = append(e.links, "<"+r.Docs+`>; rel="deprecation"; type="text/html"`)
	}
	if r.Successor != "" {
		e.links = append(e.links, "<"+r.Successor+`>; rel="successor-version"`)
	}
	e.links = e.links[:len(e.links):len(e.links)]

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
		e.off = forbiddenProblem
	default:
		e.off = e.stub
	}
	if r.Example != nil && !e.hides {
		e.off = newPreview(r.Example, e.off)
	}
}

// finish computes the path's HEAD fallback and Allow header values.
func (p *pathHandler) finish() {
	if p.byMethod[mHead] == nil && p.byMethod[mGet] != nil {
		p.byMethod[mHead] = p.byMethod[mGet]
	}
	for _, e := range p.byMethod {
		if e != nil && !e.liveFrom.IsZero() {
			p.liveFrom = true
		}
	}
	p.allowAll = p.allowAt(time.Time{}, true)
	p.allowPublic = p.allowAt(time.Time{}, false)
}

// allowAt returns the Allow value for a caller who may (canSee) or may not
// see the roadmap: the methods that are public at instant now (Live,
// Deprecated, Removed), plus, for canSee, the Planned and Beta ones that do
// not hide. A zero now means the declared stages. Nil when there are none.
func (p *pathHandler) allowAt(now time.Time, canSee bool) []string {
	var names []string
	for i, e := range p.byMethod {
		if e == nil {
			continue
		}
		st := e.stage
		if !now.IsZero() {
			st = e.effectiveStage(now)
		}
		if public := st == Live || st == Deprecated || st == Removed; public || canSee && !e.hides {
			names = append(names, methodNames[i])
		}
	}
	if len(names) == 0 {
		return nil
	}
	return []string{strings.Join(names, ", ")}
}

func (p *pathHandler) firstIndex() int {
	first := len(p.rt.routes)
	for _, e := range p.byMethod {
		if e != nil {
			if i := e.index(); i < first {
				first = i
			}
		}
	}
	return first
}

func (e *entry) index() int {
	for i := range e.rt.routes {
		if &e.rt.routes[i] == e.route {
			return i
		}
	}
	return -1
}
