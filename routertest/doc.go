// Package routertest is a conformance kit for APIs built with
// [github.com/roadmap-go/roadmap/router]: call it from your own tests to
// force flags for one test and to check that every declared route answers as
// its lifecycle stage says.
//
//   - [Flags] is an isolated OpenFeature in-memory provider per test,
//     registered under its own domain (parallel tests never share flags) and
//     unregistered at t.Cleanup. Set, Force (restored at the end of the test)
//     and Unset apply to the very next request.
//   - [Checker] sends real HTTP requests to your handler through an
//     httptest server and checks the contracts: Planned → 501
//     application/problem+json with Cache-Control: no-store; Beta off → the
//     off answer, on → the handler (no-store, Roadmap-Beta-Applied when
//     opted in), and opting in never switches a route on by itself; Live →
//     the handler; Deprecated → RFC 9745 Deprecation, RFC 8594 Sunset not
//     before it, Link rel="deprecation" and rel="successor-version";
//     Removed → 410; per path: 501 for unknown methods, 405 with the right
//     Allow, HEAD answered like GET.
//   - [Checker.Table] checks the whole table in one call, each route and
//     each path in its own subtest.
//   - [Checker.Contract] checks a route's handler against the route's own
//     OpenAPI operation (Route.Request, Route.Responses, as package openapi
//     documents them): its flag forced on, the request and the answer
//     validated with kin-openapi's openapi3filter.
//
// # Example
//
//	func TestAPIConformance(t *testing.T) {
//		fl := routertest.NewFlags(t, nil)
//		handler, routes := newAPI(fl.Client()) // your app, with its router
//		c := routertest.New(t, handler, routertest.Options{Flags: fl})
//		c.Table(t, routes)
//	}
//
//	func TestAPIContracts(t *testing.T) {
//		fl := routertest.NewFlags(t, nil)
//		rt := newRouter(fl.Client()) // your *router.Router
//		c := routertest.New(t, rt, routertest.Options{Flags: fl})
//		for _, r := range rt.Routes() {
//			if r.Handler != nil {
//				c.Contract(t, rt, r)
//			}
//		}
//	}
//
//	func TestExportWhenOn(t *testing.T) {
//		t.Parallel()
//		fl := routertest.NewFlags(t, map[string]bool{"reports-export": true})
//		...
//	}
//
// Options must mirror the router's Config where it changes answers: Off,
// OptInHeader, Now (for LiveFrom and Sunset), and a Header that the
// Config.Roadmap predicate accepts.
package routertest
