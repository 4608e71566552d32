// Package client helps Go clients of an API served by roadmap cope with
// routes that are not there yet, or not any more.
//
// A roadmap server answers a route that is planned (or in beta, and not on
// for the caller) with 501 Not Implemented, and a removed one with 410 Gone,
// both as RFC 9457 application/problem+json with a "stage" member and,
// when declared, "available" (the target release). [Check] turns such an
// answer into a [*LifecycleError]; [Transport] does it for every request,
// retries with another method on 501 (for example PATCH → PUT while partial
// update is planned), and reports Deprecation and Sunset headers through a
// callback.
//
// The package depends on the standard library only.
//
// # Example
//
//	hc := &http.Client{Transport: &client.Transport{
//		Fallback: map[string]string{http.MethodPatch: http.MethodPut},
//		OnDeprecation: func(n client.Notice) {
//			log.Printf("%s %s is deprecated; sunset %s, use %s", n.Method, n.URL, n.Sunset, n.Successor)
//		},
//	}}
//	res, err := hc.Do(req)
//	var lerr *client.LifecycleError
//	if errors.As(err, &lerr) {
//		log.Printf("%s is %s, expected in %s", lerr.Route(), lerr.Stage(), lerr.Available())
//	}
package client
