// Package roadmappage serves a router's roadmap to people and programs:
// GET /roadmap.json lists every declared route with its method, pattern,
// name, stage, flag key, target release, docs link, deprecation and sunset
// dates, and its effective state for the caller (flags evaluated for the
// request through [router.Router.Status]); GET /roadmap renders the same facts
// as a server-side HTML page grouped by stage, readable on a phone, with no
// script.
//
// GET /roadmap.atom is an Atom feed (RFC 4287) of lifecycle events (a route
// going live on its LiveFrom, a deprecation, a sunset) for feed readers,
// computed from the public view: flags evaluated for a request without
// identity, dates by the router's clock; it never names a route kept secret.
//
// Nothing is served unless you mount it: the roadmap is off by default.
// Access follows the router's Config.Roadmap predicate, or Options.Allow;
// callers it rejects get the router's 404, the same answer as for a path
// that does not exist.
//
// [ProblemTypesHandler] serves the page of the problem types of the router's
// answers (stub's Type constants), as docs/problems.md describes them.
//
// # Demand
//
// With Options.Demand (a *demand.Counter, see package demand), each listed
// route also shows how many distinct callers asked for it in the last 7
// and 30 days ("42 callers asked for this in the last 7 days"), and for a
// deprecated route who still calls it. Demand is shown to Options.Operator
// only, top callers included, unless Options.PublicDemand opts in to show
// the counts (never the callers) to everyone who may see the roadmap. A
// route hidden from a caller is not listed to them, so neither is its
// demand.
//
// # Example
//
//	rt, err := router.New(routes, router.Config{
//		Flags:   client,
//		Roadmap: func(r *http.Request) bool { return isStaff(r) },
//	})
//	...
//	mux := chi.NewRouter()
//	mux.NotFound(rt.NotFound)
//	roadmappage.New(rt, roadmappage.Options{Title: "Users API roadmap"}).Mount(mux)
//	mux.Mount("/", rt)
package roadmappage
