// Package stub renders the answers of routes that are not served: RFC 9457
// problem details ("application/problem+json") for 501 Not Implemented,
// 410 Gone, 404, 405 and the like.
//
// A [Responder] is built once, with [New]: the body is rendered then with
// encoding/json, around the value of "instance", which serving fills in with
// the escaped request path. Serving allocates nothing and never echoes
// internal errors.
//
// Besides the standard members a body carries the roadmap extension members
// of [Problem]. Every answer is sent with "Cache-Control: no-store": a 501 is
// heuristically cacheable (RFC 9111 §4.2.2), and a flag flip must be seen on
// the next request.
//
// The lifecycle answers have problem types of their own (the Type constants,
// listed by [Types], described in docs/problems.md): [Typed] sets one, with
// its title. Package router builds its Responders itself; use this package
// for answers of your own in the same format.
//
// # Example
//
//	notYet := stub.New(stub.Typed(stub.Problem{Status: http.StatusNotImplemented,
//		Detail: "Report export is not yet available.", Route: "PUT /api/reports/export"}, stub.TypeNotYetAvailable))
//	r.Put("/api/reports/export", notYet.ServeHTTP)
package stub
