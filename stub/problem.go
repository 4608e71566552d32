package stub

import (
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
// omitted from the rendered body, except Type and Title which default to
// "about:blank" and the status text.
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

// Responder writes one pre-rendered problem+json answer. The body is rendered
// once by [New]; per request only the request path is copied in as the
// "instance" member, so serving costs no encoding work. The whole body for
// the first path served is kept, so that a route without parameters, which
// always answers for the same path, writes it in one piece.
//
// A Responder is safe for concurrent use; what it answers never changes.
type Responder struct {
	status int32
	// body[:mid] is the prefix `{...,"instance":"`, body[mid:] the suffix
	// `",...}` + "\n": one slice rather than two keeps a Responder at 64
	// bytes.
	mid int32
	// Where Detail and Route are in prefix and suffix, as JSON strings that
	// needed no escaping, when shared does not hold them (see Problem).
	detail, route [2]int32
	// The problem, with Type and Title defaulted, is shared with the other
	// Responders of a Batch that differ from it only in Detail and Route,
	// which are then read from the body.
	shared *Problem
	body   []byte
	first  atomic.Pointer[rendered]
}

// prefix returns the body up to "instance": `{...,"instance":"`.
func (s *Responder) prefix() []byte { return s.body[:s.mid:s.mid] }

// suffix returns the body after "instance": `",...}` + "\n".
func (s *Responder) suffix() []byte { return s.body[s.mid:] }

// rendered is the whole body for one request path.
type rendered struct {
	path string // r.URL.Path, with r.URL.RawPath empty
	body []byte
}

// maxKeptPath bounds the length of the path whose body a Responder keeps.
const maxKeptPath = 256

// header values are shared, read-only slices so that serving allocates nothing
// for them.
// They are never written to: whoever needs another value assigns a new
// slice (Header.Set does), and Header.Add appends to a full slice, which
// copies it.
var (
	contentTypeValue = []string{ContentType}
	noStoreValue     = []string{"no-store"}
	nosniffValue     = []string{"nosniff"}
)

const (
	headerContentType = "Content-Type"
	headerCache       = "Cache-Control"
	headerNosniff     = "X-Content-Type-Options"
)

// New renders p once and returns a [Responder] for it. It panics if p.Status
// is not a 4xx or 5xx code: that is a programming error, found at start-up.
func New(p Problem) *Responder {
	defaults(&p)
	// The members are rendered in a fixed, documented order, with "instance"
	// spliced in per request between prefix and suffix.
	body, mid := appendProblem(&p)
	o := &struct {
		Responder
		p Problem
	}{p: p}
	o.status, o.shared = int32(p.Status), &o.p
	o.body, o.mid = body, int32(mid)
	return &o.Responder
}

// defaults checks p.Status and fills in Type and Title.
func defaults(p *Problem) {
	if p.Status < 400 || p.Status > 599 {
		panic("stub: problem status must be 4xx or 5xx")
	}
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
}

// Problem returns the problem the Responder was built from, with Type and
// Title defaulted.
func (s *Responder) Problem() Problem {
	p := *s.shared
	if s.detail[1] > 0 {
		p.Detail = string(s.body[s.detail[0]:s.detail[1]])
	}
	if s.route[1] > 0 {
		p.Route = string(s.suffix()[s.route[0]:s.route[1]])
	}
	return p
}

// Status returns the HTTP status code the Responder answers with.
func (s *Responder) Status() int { return int(s.status) }

// ServeHTTP writes the problem with Content-Type application/problem+json,
// Cache-Control no-store and the request path (escaped) as "instance". Header values
// already set by earlier middleware (for example Allow or Deprecation) are
// kept.
func (s *Responder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h[headerContentType] = contentTypeValue
	h[headerCache] = noStoreValue
	h[headerNosniff] = nosniffValue
	w.WriteHeader(int(s.status))
	if r.Method == http.MethodHead {
		return
	}
	if r.URL.RawPath == "" {
		if f := s.first.Load(); f != nil && f.path == r.URL.Path {
			_, _ = w.Write(f.body)
			return
		} else if f == nil && len(r.URL.Path) <= maxKeptPath {
			f = &rendered{path: r.URL.Path, body: s.Body(r.URL.EscapedPath())}
			s.first.CompareAndSwap(nil, f)
			_, _ = w.Write(f.body)
			return
		}
	}
	_, _ = w.Write(s.prefix())
	// The escaped path: "instance" is a URI reference (RFC 9457 §3.1.5),
	// which a decoded path with a space or "%2F" in it is not. Escaping a
	// path with nothing to escape allocates nothing.
	writeJSONString(w, r.URL.EscapedPath())
	_, _ = w.Write(s.suffix())
}

// Body returns the body the Responder writes for a request to path. It is meant
// for tests and documentation; ServeHTTP does not call it.
func (s *Responder) Body(path string) []byte {
	var b bodyBuffer
	b = append(b, s.prefix()...)
	writeJSONString(&b, path)
	b = append(b, s.suffix()...)
	return b
}

type bodyBuffer []byte

func (b *bodyBuffer) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }

// writeJSONString writes s as the inside of a JSON string. The common case, a
// path with nothing to escape, is written in one call without copying.
func writeJSONString(w io.Writer, s string) {
	if !needsEscape(s) {
		_, _ = io.WriteString(w, s)
		return
	}
	b, _ := json.Marshal(s) // rare: quotes, control bytes or invalid UTF-8
	_, _ = w.Write(b[1 : len(b)-1])
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}
