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
