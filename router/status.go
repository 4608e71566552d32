package router

import (
	"net/http"

	"github.com/roadmap-go/roadmap/flags"
)

// RouteStatus is the effective state of one declared route for one request.
type RouteStatus struct {
	// Route is the declaration.
	Route Route
	// Stage is the stage in force now: the declared one, or Live after
	// LiveFrom, or Removed after Sunset.
	Stage Stage
	// Serving reports whether the route's handler would answer the request.
	Serving bool
	// Decision is the flag decision of gated Planned and Beta routes, or
	// the Brownout decision of a Deprecated route (on: not Serving).
	Decision flags.Decision
	// Hidden reports [Router.HidesWhenOff].
	Hidden bool
}

// Status returns the effective state of every route, in declaration order,
// for the caller of r: the decisions ServeHTTP makes for r, reached the same
// way, each flag evaluated once. The roadmap page and OpenAPI use it.
func (rt *Router) Status(r *http.Request) []RouteStatus {
	now := rt.now()
	c := &caller{r: r, optIns: rt.optInsOf(r)}
	out := make([]RouteStatus, len(rt.entries))
	for i := range rt.entries {
		e := &rt.entries[i]
		s := RouteStatus{Route: e.Route, Stage: e.effectiveStage(now), Hidden: e.hides}
		switch s.Stage {
		case Live:
			s.Serving = true
		case Deprecated:
			s.Serving = true
			if e.Brownout != "" {
				b := caller{r: r}
				s.Serving = !e.decide(r.Context(), e.brownout, &b)
				s.Decision = b.d
			}
		case Planned, Beta:
			if e.gated {
				s.Serving = e.decide(r.Context(), e.flag, c)
				s.Decision = c.d
			}
		}
		out[i] = s
	}
	return out
}

// RoadmapVisible reports whether the caller of r may see the roadmap
// (Config.Roadmap; true when it is nil). The roadmap page and OpenAPI answer
// callers it rejects exactly like [Router.NotFound].
func (rt *Router) RoadmapVisible(r *http.Request) bool { return rt.canSee(r) }

// HidesWhenOff reports whether the declared route method pattern answers
// like an undeclared path while it is off (see [OffNotFound]); false for a
// route that is not declared. Introspection endpoints leave such a route out
// for callers it is not served to. It is a map lookup.
func (rt *Router) HidesWhenOff(method, pattern string) bool {
	e := rt.entry(method, pattern)
	return e != nil && e.hides
}

// OffAnswerOf reports what the declared route method pattern answers while
// it is off for a caller who may see the roadmap: its OffAnswer with
// Config.Off applied (never OffInherit), and custom true when an OffHandler
// (the route's or Config's) answers instead; ok is false for a route that is
// not declared. It is a map lookup.
func (rt *Router) OffAnswerOf(method, pattern string) (mode OffAnswer, custom, ok bool) {
	e := rt.entry(method, pattern)
	if e == nil {
		return OffInherit, false, false
	}
	return e.offMode, e.offCustom, true
}
