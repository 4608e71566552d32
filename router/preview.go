package router

import (
	"cmp"
	"net/http"
)

// preview serves a route's Example to clients that ask for it with
// "Roadmap-Preview: example", and the off answer to everyone else.
type preview struct {
	status int
	ctype  []string
	body   []byte
	off    http.Handler
}

var exampleTrue = []string{"true"}

func newPreview(ex *Example, off http.Handler) *preview {
	return &preview{status: cmp.Or(ex.Status, http.StatusOK), ctype: []string{cmp.Or(ex.ContentType, "application/json")},
		body: append([]byte(nil), ex.Body...), off: off}
}

func (p *preview) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if v := r.Header[PreviewHeader]; len(v) == 0 || v[0] != "example" { // canonical: no Get
		p.off.ServeHTTP(w, r)
		return
	}
	h := w.Header()
	h["Content-Type"] = p.ctype
	h[ExampleHeader] = exampleTrue
	h["Cache-Control"] = noStore
	h["Vary"] = append(h["Vary"], PreviewHeader)
	w.WriteHeader(p.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(p.body)
	}
}
