// Package router serves an HTTP API together with its roadmap: every route
// is declared with a lifecycle [Stage], and routes that are not available yet
// answer a standard "501 Not Implemented" problem until an OpenFeature flag
// switches them on, without a restart.
//
// A route is plain data, one method on one chi pattern: a [Route] literal.
// [New] validates the whole table once and reports every problem at once (see
// the Err variables); nothing is validated per request and nothing panics
// while serving.
//
// # Stages
//
// A route's [Stage] decides its answer (see each constant): [Planned], the
// zero value, answers 501 with an RFC 9457 body unless its flag flips it on;
// [Beta] is served where its flag is on; [Live] is always served;
// [Deprecated] is served with the Deprecation (RFC 9745), Sunset (RFC 8594)
// and Link headers; [Removed] answers 410 Gone. Every answer a flag can
// change carries "Cache-Control: no-store".
//
// # Methods
//
// Each method on a path has its own stage. A path declared for some methods
// answers 405 with an Allow header listing them to the others; HEAD is served
// by the GET route; a path that is not declared gets 404; a method the server
// does not recognise at all gets 501 (RFC 9110 §15.6.2), on a parent chi
// router's paths too with [KnownMethods].
//
// # Flags
//
// Flags are read through Config.Flags; the router never sets OpenFeature's
// global provider. Every evaluation problem fails closed: the route stays
// planned, the problem is logged, and the client never sees a 500. The
// evaluation context is Config.Context's (for example [flags.FromHeader])
// over the route attributes ([AttrRoute] and the other Attr constants), over
// the client's and the upstream transaction context. ServeHTTP, the Allow of
// a 405, [Router.Status] and [Router.Decide] reach every decision through one
// function with that context, so they cannot disagree. A handler served
// because its flag is on gets that context as its OpenFeature transaction
// context.
//
// # Observing
//
// Config.Observer is told the [Outcome] of every request to a declared
// route, FlagOptions.Observer every flag decision; package metrics implements
// both for Prometheus.
//
// # Example
//
// Declare the routes, build the router with a flag client, mount it:
//
//	rt, err := router.New([]router.Route{
//		{Method: http.MethodGet, Pattern: "/api/feature", Stage: router.Live, Handler: getFeature},
//		{Method: http.MethodPut, Pattern: "/api/reports/export", Stage: router.Planned,
//			Flag: "reports-export", Name: "Report export", Available: "v2.0", Handler: exportReport},
//	}, router.Config{
//		Flags:   openfeature.NewClient("my-app"),
//		Context: flags.FromHeader("X-User-ID"),
//	})
//	if err != nil {
//		return err // every problem in the table, joined
//	}
//	defer rt.Close()
//
//	app := chi.NewRouter()
//	app.Use(router.KnownMethods)
//	app.Use(middleware.Logger) // the application's middleware applies
//	app.NotFound(rt.NotFound)
//	app.Mount("/", rt)
//
// Until "reports-export" is on, PUT /api/reports/export answers 501 with an
// application/problem+json body and Cache-Control: no-store (see the example
// of [New] for the bodies, and docs/problems.md for their stable types).
package router
