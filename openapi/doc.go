// Package openapi describes a [router.Router] as an OpenAPI 3.1 document, and
// declares routes from an existing OpenAPI document.
//
// It lives apart from the core packages so that its dependency,
// github.com/getkin/kin-openapi, stays out of their import graph.
//
// # Generating
//
// [Document] documents every declared route: its operationId
// (Route.OperationID), summary (Name), path parameters, and an
// "x-lifecycle" extension ([Lifecycle]) with stage, flag key and target
// release. Planned and Beta operations document their 501
// application/problem+json answer (and the 404 or 405 that callers who may
// not see the roadmap get instead), Deprecated ones are "deprecated: true"
// with their Deprecation, Sunset and Link headers and the 410 they answer
// after Sunset, and Removed ones document 410. A route's preview
// [router.Example] is documented as a response with the Roadmap-Example
// header, and the Roadmap-Preview request header that asks for it. A chi
// wildcard becomes a path parameter marked x-chi-wildcard, which [Load]
// turns back into "*"; CONNECT routes are left out (OpenAPI 3.1 has no such
// operation).
//
// [DocumentFor] documents what one caller sees, flags evaluated for its
// request. [Handler] serves either, as JSON.
//
// kin-openapi v0.153.0 models every OpenAPI 3.1 object this package writes
// ("openapi: 3.1.0", JSON Schema 2020-12 types); the one 3.1 member it lacks
// (components.pathItems) is not used.
//
// # Example
//
// Serve the document next to the API:
//
//	rt, err := router.New(routes, router.Config{...})
//	...
//	spec, err := openapi.NewHandler(rt, openapi.Options{
//		Info: &openapi3.Info{Title: "Users API", Version: "1.4.0"},
//	})
//	...
//	mux := chi.NewRouter()
//	mux.Method(http.MethodGet, "/openapi.json", spec)
//	mux.Mount("/", rt)
//
// # Importing
//
// API-first teams write the OpenAPI document first. [Routes] (or [Load], from
// bytes) turns every operation into a [router.Route], with the stage and flag
// of its x-lifecycle extension (Planned without one), and binds handlers by
// operationId:
//
//	routes, err := openapi.Load(spec, map[string]http.Handler{
//		"getUser": http.HandlerFunc(getUser),
//	})
//	...
//	rt, err := router.New(routes, router.Config{Flags: client})
//
// Operations without a handler answer the 501 stub; their example responses
// become preview stubs. A handler whose name matches no operationId is an
// error ([ErrNoOperation]) that lists the names.
package openapi
