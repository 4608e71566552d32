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
	// Decision is the flag decision for gated Planned and Beta routes; zero
	// for others.
	Decision flags.Decision
}

// Status returns the effective state of every route, in declaration order,
// for the evaluation context of r: the same decisions ServeHTTP would make for
// r, flags evaluated once per gated route. Introspection endpoints (roadmap
// page, OpenAPI with flag state) use it.
func (rt *Router) Status(r *http.Request) []RouteStatus {
	now := rt.now()
	out := make([]RouteStatus, len(rt.entries))
	for i, e := range rt.entries {
		s := RouteStatus{Route: *e.route, Stage: e.effectiveStage(now)}
		switch s.Stage {
		case Live, Deprecated:
			s.Serving = true
		case Planned, Beta:
			if e.gated {
				s.Decision, _, _ = e.decide(r, nil)
				s.Serving = s.Decision.On
			}
		}
		out[i] = s
	}
	return out
}
