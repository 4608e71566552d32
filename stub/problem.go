package stub

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"sync/atomic"
	"unicode/utf8"
)

// ContentType is the media type of every answer this package renders
// (RFC 9457 §3).
const ContentType = "application/problem+json"

// Problem describes one lifecycle answer: the members of an RFC 9457 problem
// details object plus the roadmap extension members.
//
// The zero value is not useful: set at least Status. Fields left empty are
// omitted from the rendered body, but for the defaults of Type and Title.
type Problem struct {
	// Status is the HTTP status code, e.g. 501 (Not Implemented) or 410 (Gone).
	Status int
	// Type is a URI reference that identifies the problem type.
	// Empty means "about:blank" (RFC 9457 §4.2.1).
	Type string
	// Title is a short, human-readable summary. Empty means the status text,
	// as "about:blank" requires.
	Title string
	// Detail is a human-readable explanation specific to this route.
	Detail string
	// Stage is the lifecycle stage of the route ("planned", "removed", ...).
	Stage string
	// Route names the declaration, as "METHOD /pattern".
	Route string
	// Available is the target release or date, if declared.
	Available string
	// Docs is a link to documentation, if declared.
	Docs string
}

// body is a Problem as rendered, in member order; [New] splits it around
// the value of Instance.
type body struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Instance  string `json:"instance"`
	Stage     string `json:"stage,omitempty"`
	Route     string `json:"route,omitempty"`
	Available string `json:"available,omitempty"`
	Docs      string `json:"docs,omitempty"`
}

// instanceMember is an empty Instance rendered: once in a body, since every
// '"' inside a JSON string is escaped.
const instanceMember = `"instance":""`

// Responder writes one problem+json answer, rendered by [New] (see the
// package doc). It keeps the whole body for the first path served, so that a
// route without parameters writes it in one piece after one comparison.
//
// A Responder is safe for concurrent use; what it answers never changes.
type Responder struct {
	problem        Problem // with Type and Title defaulted
	prefix, suffix []byte  // the body up to the value of "instance", and the rest
	first          atomic.Pointer[kept]
}

// kept is the whole body for one request path (r.URL.Path, RawPath empty).
type kept struct {
	path string
	body []byte
}

// maxKeptPath bounds the length of the path whose body a Responder keeps.
const maxKeptPath = 256

// Header values, shared and never written to (Header.Set assigns a new slice,
// Header.Add appends to a full one), so that serving allocates nothing.
var (
	contentTypeValue = []string{ContentType}
	noStoreValue     = []string{"no-store"}
	nosniffValue     = []string{"nosniff"}
)

// New renders p once and returns a [Responder] for it. It panics if p.Status
// is not a 4xx or 5xx code: that is a programming error, found at start-up.
func New(p Problem) *Responder {
	if p.Status < 400 || p.Status > 599 {
		panic("stub: problem status must be 4xx or 5xx")
	}
	p.Type, p.Title = cmp.Or(p.Type, "about:blank"), cmp.Or(p.Title, http.StatusText(p.Status))
	b, err := json.Marshal(body{Type: p.Type, Title: p.Title, Status: p.Status, Detail: p.Detail,
		Stage: p.Stage, Route: p.Route, Available: p.Available, Docs: p.Docs})
	if err != nil {
		panic("stub: " + err.Error()) // unreachable: strings and an int
	}
	at := bytes.Index(b, []byte(instanceMember)) + len(instanceMember) - 1 // the closing quote
	return &Responder{problem: p, prefix: b[:at:at], suffix: append(b[at:], '\n')}
}

// Problem returns the problem the Responder was built from, with Type and
// Title defaulted.
func (s *Responder) Problem() Problem { return s.problem }

// Status returns the HTTP status code the Responder answers with.
func (s *Responder) Status() int { return s.problem.Status }

// ServeHTTP writes the problem with Content-Type application/problem+json,
// Cache-Control no-store and the escaped request path as "instance", keeping
// the headers set before (Allow, Deprecation, ...).
func (s *Responder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Type"] = contentTypeValue
	h["Cache-Control"] = noStoreValue
	h["X-Content-Type-Options"] = nosniffValue
	w.WriteHeader(s.problem.Status)
	if r.Method == http.MethodHead {
		return
	}
	if r.URL.RawPath == "" {
		k := s.first.Load()
		if k == nil && len(r.URL.Path) <= maxKeptPath {
			s.first.CompareAndSwap(nil, &kept{path: r.URL.Path, body: s.Body(r.URL.EscapedPath())})
			k = s.first.Load()
		}
		if k != nil && k.path == r.URL.Path {
			_, _ = w.Write(k.body)
			return
		}
	}
	_, _ = w.Write(s.prefix)
	// Escaped: "instance" is a URI reference (RFC 9457 §3.1.5).
	writeString(w, r.URL.EscapedPath())
	_, _ = w.Write(s.suffix)
}

// Body returns the body the Responder writes for a request to path, for
// tests and documentation.
func (s *Responder) Body(path string) []byte {
	var b bytes.Buffer
	b.Write(s.prefix)
	writeString(&b, path)
	b.Write(s.suffix)
	return b.Bytes()
}

// writeString writes s as the inside of a JSON string, escaped as
// encoding/json escapes it; as it is, without copying, if nothing needs it.
func writeString(w io.Writer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= utf8.RuneSelf {
			b, _ := json.Marshal(s)
			_, _ = w.Write(b[1 : len(b)-1])
			return
		}
	}
	_, _ = io.WriteString(w, s)
}
