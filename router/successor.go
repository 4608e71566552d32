package router

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// linkTemplate is the Link field of a route whose Successor names path
// parameters of its own pattern, e.g. "/api/users/{id}" for
// "/api/v0/users/{id}": the successor is expanded per request from the
// request's URL parameters (/api/v0/users/7 → </api/users/7>), because a
// Link target is a URI reference (RFC 8288 §3), which "{" and "}" are not
// (RFC 3986). A successor without parameters needs no template: its field
// is rendered once.
type linkTemplate struct {
	// parts alternate literal text and parameter names: parts[0] is
	// literal, parts[1] a name, parts[2] literal, and so on. The first
	// literal starts with the deprecation link, if any, and "<"; the last
	// ends with `>; rel="successor-version"`.
	parts []string
}

// successorParams returns the parameter names in successor ("{id}",
// "{id:[0-9]+}"), in order, or nil if it has none.
func successorParams(successor string) []string {
	var names []string
	for rest := successor; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return names
		}
		name, _, _ := strings.Cut(rest[i+1:i+j], ":")
		names = append(names, name)
		rest = rest[i+j+1:]
	}
}

// checkSuccessor reports a Successor that names a parameter the route's
// pattern does not have: it could never be expanded.
func checkSuccessor(pattern, successor string) error {
	have := map[string]bool{}
	for _, n := range successorParams(pattern) {
		have[n] = true
	}
	for _, n := range successorParams(successor) {
		if !have[n] {
			return fmt.Errorf("%w: Successor %q names {%s}, which pattern %q does not have", ErrLink, successor, n, pattern)
		}
	}
	return nil
}

// linkField returns the one Link field value of a route with docs (the
// rel="deprecation" link, sent only when deprecation is true) and
// successor, or "" if it has neither to send. Both links are in one field,
// comma separated (RFC 9110 §5.3), so that a client that reads only the
// first field (as generated clients do) still gets the successor.
func linkField(docs, successor string, deprecation bool) string {
	var links []string
	if deprecation && docs != "" {
		links = append(links, "<"+docs+`>; rel="deprecation"; type="text/html"`)
	}
	if successor != "" {
		links = append(links, "<"+successor+`>; rel="successor-version"`)
	}
	return strings.Join(links, ", ")
}

// newLinkTemplate returns the template of field, a linkField whose
// successor names parameters, or nil when it names none.
func newLinkTemplate(field, successor string) *linkTemplate {
	if len(successorParams(successor)) == 0 {
		return nil
	}
	var parts []string
	lit := strings.Builder{}
	for rest := field; ; {
		i := strings.IndexByte(rest, '{')
		j := -1
		if i >= 0 {
			j = strings.IndexByte(rest[i:], '}')
		}
		if i < 0 || j < 0 {
			lit.WriteString(rest)
			break
		}
		lit.WriteString(rest[:i])
		name, _, _ := strings.Cut(rest[i+1:i+j], ":")
		parts = append(parts, lit.String(), name)
		lit.Reset()
		rest = rest[i+j+1:]
	}
	parts = append(parts, lit.String())
	return &linkTemplate{parts: parts}
}

// value returns the Link field for r, the successor's parameters replaced by
// r's URL parameters (as chi matched them), each escaped as a path segment.
func (t *linkTemplate) value(r *http.Request) []string {
	var b strings.Builder
	for i, p := range t.parts {
		if i%2 == 0 {
			b.WriteString(p)
			continue
		}
		writeSegment(&b, chi.URLParam(r, p))
	}
	return []string{b.String()}
}

// writeSegment writes v as a URI path segment (RFC 3986 §3.3): unreserved
// characters, sub-delims, ":" and "@" as they are, a "%" that starts an
// escape kept, everything else percent-encoded. chi's parameters are the
// escaped path when the request had one, the decoded path otherwise; both
// come out as a valid segment, never escaped twice.
func writeSegment(b *strings.Builder, v string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0:
			b.WriteByte(c)
		case c == '%' && i+2 < len(v) && isHex(v[i+1]) && isHex(v[i+2]):
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
