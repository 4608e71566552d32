package router

import (
	"net/http"
	"strings"

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
	optIns := rt.optInsOf(r)
	out := make([]RouteStatus, len(rt.entries))
	for i := range rt.entries {
		e := &rt.entries[i]
		s := RouteStatus{Route: e.declaration(), Stage: e.effectiveStage(now)}
		switch s.Stage {
		case Live, Deprecated:
			s.Serving = true
		case Planned, Beta:
			if e.gated {
				s.Decision = e.decide(r, optIns)
				s.Serving = s.Decision.On
			}
		}
		out[i] = s
	}
	return out
}

// optInsOf returns the beta names the client of r opts into, as flag rules
// see them, leaving out unknown ones: Status reports, it never answers 400.
func (rt *Router) optInsOf(r *http.Request) []string {
	if rt.optIn == "" {
		return nil
	}
	var names []string
	for _, v := range r.Header[rt.optIn] {
		for part := range strings.SplitSeq(v, ",") {
			n := strings.TrimSpace(part)
			if _, ok := rt.betaNames[n]; ok && len(names) < maxOptIns && !contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return names
}
