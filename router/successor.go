package router

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"
)

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

// splitParams splits s around its path parameters ("{id}", "{id:[0-9]{3}}"):
// literal text and parameters (what is between the braces, see paramName)
// alternate, from literal text to literal text. An unclosed "{" is literal.
func splitParams(s string) []string {
	var parts []string
	last, open, depth := 0, 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '{':
			if depth == 0 {
				open = i
			}
			depth++
		case s[i] == '}' && depth > 0:
			if depth--; depth == 0 {
				parts = append(parts, s[last:open], s[open+1:i])
				last = i + 1
			}
		}
	}
	return append(parts, s[last:])
}

// paramName returns the name of parameter p, a part of splitParams: "id" for
// "id:[0-9]+".
func paramName(p string) string {
	name, _, _ := strings.Cut(p, ":")
	return name
}

// checkSuccessor reports a Successor that names a parameter the route's
// pattern does not have: it could never be expanded.
func checkSuccessor(pattern, successor string) error {
	have := map[string]bool{}
	for i, p := range splitParams(pattern) {
		if i%2 == 1 {
			have[paramName(p)] = true
		}
	}
	for i, p := range splitParams(successor) {
		if n := paramName(p); i%2 == 1 && !have[n] {
			return fmt.Errorf("%w: Successor %q names {%s}, which pattern %q does not have", ErrLink, successor, n, pattern)
		}
	}
	return nil
}

// linkTemplate is the Link field, split by splitParams, of a route whose
// Successor names parameters of its pattern, e.g. "/api/users/{id}" for
// "/api/v0/users/{id}". A Link target is a URI reference (RFC 8288 §3),
// which "{" is not, so they are filled in from the request (see value).
type linkTemplate struct{ parts []string }

// newLinkTemplate returns the template of field, a linkField whose
// successor names parameters, or nil when it names none.
func newLinkTemplate(field, successor string) *linkTemplate {
	if len(splitParams(successor)) == 1 {
		return nil
	}
	return &linkTemplate{parts: splitParams(field)}
}

// value returns the Link field for r (/api/v0/users/7 → </api/users/7>),
// each parameter escaped as a path segment. chi's parameters may already be
// escaped: each is unescaped first, so that it is never escaped twice.
func (t *linkTemplate) value(r *http.Request) []string {
	var b strings.Builder
	for i, p := range t.parts {
		if i%2 == 1 {
			p = chi.URLParam(r, paramName(p))
			if u, err := url.PathUnescape(p); err == nil {
				p = u
			}
			p = url.PathEscape(p)
		}
		b.WriteString(p)
	}
	return []string{b.String()}
}
