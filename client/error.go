package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// Sentinels that a [*LifecycleError] unwraps to. Test with errors.Is.
var (
	// ErrNotImplemented: the route answered 501 Not Implemented because it is
	// planned, or in beta and not on for the caller.
	ErrNotImplemented = errors.New("not implemented yet")
	// ErrGone: the route answered 410 Gone because it was removed or its
	// sunset has passed.
	ErrGone = errors.New("gone")
)

// maxProblemBytes bounds how much of a lifecycle answer's body is read.
const maxProblemBytes = 64 << 10

// LifecycleError is a lifecycle answer of a roadmap server: a 501 or 410
// application/problem+json response with a "stage" member. Get it with
// errors.As; it unwraps to [ErrNotImplemented] or [ErrGone].
type LifecycleError struct {
	method    string
	url       string
	status    int
	typ       string
	stage     string
	title     string
	detail    string
	available string
	route     string
	docs      string
}

// Error describes the answer, e.g. `PATCH http://api/users/7: 501 Not
// Implemented (beta, available v1.5): Partial user update is not yet
// available.`.
func (e *LifecycleError) Error() string {
	s := fmt.Sprintf("%s %s: %d %s (%s", e.method, e.url, e.status, e.title, e.stage)
	if e.available != "" {
		s += ", available " + e.available
	}
	s += ")"
	if e.detail != "" {
		s += ": " + e.detail
	}
	return s
}

// Unwrap returns ErrNotImplemented for a 501 answer and ErrGone for a 410.
func (e *LifecycleError) Unwrap() error {
	if e.status == http.StatusGone {
		return ErrGone
	}
	return ErrNotImplemented
}

// Status returns the response's status code, 501 or 410.
func (e *LifecycleError) Status() int { return e.status }

// Type returns the problem type URI (RFC 9457 "type"), e.g.
// stub.TypeNotYetAvailable for a planned route, stub.TypeNotEnabled for a
// beta that is off for the caller, stub.TypeRemoved for 410: the stable
// value to switch on. It is "about:blank" when the body has no "type".
func (e *LifecycleError) Type() string { return e.typ }

// Stage returns the route's lifecycle stage: "planned", "beta" or (for 410)
// "removed".
func (e *LifecycleError) Stage() string { return e.stage }

// Detail returns the server's explanation.
func (e *LifecycleError) Detail() string { return e.detail }

// Available returns the target release or date of the route, if the server
// declared one.
func (e *LifecycleError) Available() string { return e.available }

// Route returns the declaration that answered, as "METHOD /pattern".
func (e *LifecycleError) Route() string { return e.route }

// Docs returns the link to the route's documentation, if any.
func (e *LifecycleError) Docs() string { return e.docs }

// Method returns the method of the request that got the answer.
func (e *LifecycleError) Method() string { return e.method }

// URL returns the URL of the request that got the answer.
func (e *LifecycleError) URL() string { return e.url }

// problem is the part of an RFC 9457 body the client reads.
type problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Detail    string `json:"detail"`
	Stage     string `json:"stage"`
	Route     string `json:"route"`
	Available string `json:"available"`
	Docs      string `json:"docs"`
}

// isCandidate reports whether res may be a lifecycle answer, without reading
// its body.
func isCandidate(res *http.Response) bool {
	if res.StatusCode != http.StatusNotImplemented && res.StatusCode != http.StatusGone {
		return false
	}
	mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	return err == nil && mt == "application/problem+json"
}

// Check returns a [*LifecycleError] if res is a lifecycle answer (501 or 410,
// application/problem+json, with a "stage" member), and nil otherwise. When
// it returns an error it has read and closed res.Body. Otherwise res.Body is
// left for the caller to read, unchanged.
//
// Use it with any http.Client; [Transport] calls it for you.
func Check(res *http.Response) error {
	if !isCandidate(res) {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, maxProblemBytes))
	if err != nil {
		_ = res.Body.Close()
		return fmt.Errorf("client: reading %d answer: %w", res.StatusCode, err)
	}
	var p problem
	if json.Unmarshal(body, &p) != nil || p.Stage == "" {
		// Not a lifecycle answer: give the body back.
		res.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), res.Body), res.Body}
		return nil
	}
	_ = res.Body.Close()
	if p.Type == "" {
		p.Type = "about:blank" // RFC 9457 §3.1.1
	}
	e := &LifecycleError{status: res.StatusCode, typ: p.Type, stage: p.Stage, title: p.Title, detail: p.Detail,
		available: p.Available, route: p.Route, docs: p.Docs}
	if e.title == "" {
		e.title = http.StatusText(res.StatusCode)
	}
	if req := res.Request; req != nil {
		e.method = req.Method
		if req.URL != nil {
			e.url = req.URL.String()
		}
	}
	return e
}
