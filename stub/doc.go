// Package stub renders the answers of routes that are not served: RFC 9457
// problem details ("application/problem+json") for 501 Not Implemented,
// 410 Gone, 404, 405 and the like.
//
// A [Responder] is built once, with [New], when the route table is built:
// the body is rendered then with encoding/json, around the value of
// "instance", which serving fills in with the escaped request path. Serving
// allocates nothing and never echoes internal errors.
//
// Besides the standard members a body carries the roadmap extension members
// of [Problem]: "stage", "route" and, where declared, "available" and
// "docs". Every answer is sent with "Cache-Control: no-store": a 501 is
// heuristically cacheable (RFC 9111 §4.2.2), and a flag flip must be seen on
// the next request.
//
// The lifecycle answers have problem types of their own ([TypeNotYetAvailable]
// and the other Type constants, listed by [Types], described in
// docs/problems.md and by roadmappage.ProblemTypes): [Typed] sets one, with
// its title. A Problem without a Type is "about:blank". Package router builds
// its Responders itself; use this package for answers of your own in the
// same format.
//
// # Example
//
// A planned route's answer:
//
//	notYet := stub.New(stub.Typed(stub.Problem{
//		Status:    http.StatusNotImplemented,
//		Detail:    "Report export is not yet available. Check back in a future release.",
//		Stage:     "planned",
//		Route:     "PUT /api/reports/export",
//		Available: "v2.0",
//	}, stub.TypeNotYetAvailable))
//	r.Put("/api/reports/export", notYet.ServeHTTP)
//
// A request for PUT /api/reports/export then gets:
//
//	HTTP/1.1 501 Not Implemented
//	Cache-Control: no-store
//	Content-Type: application/problem+json
//
//	{"type":"https://github.com/roadmap-go/roadmap/blob/main/docs/problems.md#not-yet-available",
//	 "title":"Not yet available","status":501,
//	 "detail":"Report export is not yet available. Check back in a future release.",
//	 "instance":"/api/reports/export","stage":"planned",
//	 "route":"PUT /api/reports/export","available":"v2.0"}
package stub
