package router

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// chiPatternError returns the problem chi would panic with when pattern is
// registered, or nil. It registers the pattern on a throwaway mux, so that a
// malformed pattern is reported by New together with every other problem in
// the table instead of only once the rest is valid.
func chiPatternError(pattern string) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%v", v)
		}
	}()
	if simplePattern(pattern) {
		return nil
	}
	// One method suffices: chi parses the pattern the same way for all.
	chi.NewRouter().Method(http.MethodGet, pattern, http.NotFoundHandler())
	return nil
}

// simplePattern reports whether pattern certainly parses: no wildcard, no
// regular expression, every parameter a distinct non-empty name of letters,
// digits and underscores between matched braces. chi panics only on
// wildcards, regular expressions, unmatched braces and duplicate names (a
// missing leading '/' is checked before), so such a pattern needs no trial
// registration.
func simplePattern(pattern string) bool {
	var names [8]string
	n := 0
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '*', '}':
			return false
		case '{':
			j := i + 1
			for j < len(pattern) && (isWordByte(pattern[j])) {
				j++
			}
			if j == i+1 || j == len(pattern) || pattern[j] != '}' || n == len(names) {
				return false
			}
			name := pattern[i+1 : j]
			for _, seen := range names[:n] {
				if seen == name {
					return false
				}
			}
			names[n] = name
			n++
			i = j
		}
	}
	return true
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// patternShape returns pattern with every parameter name removed, keeping
// regular expressions: "/users/{id}" and "/users/{uid}" have the same shape
// "/users/{}". chi routes two patterns of the same shape to one node, so the
// second registration would replace the first: New rejects two spellings of
// one shape.
func patternShape(pattern string) string {
	if strings.IndexByte(pattern, '{') < 0 {
		return pattern
	}
	return string(appendShape(make([]byte, 0, len(pattern)), pattern))
}

// appendShape appends the shape of pattern (see patternShape) to b.
func appendShape(b []byte, pattern string) []byte {
	depth := 0
	inName := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '{':
			depth++
			if depth == 1 {
				b = append(b, c)
				inName = true
				continue
			}
		case c == '}':
			depth--
			if depth == 0 {
				inName = false
			}
		case c == ':' && depth == 1 && inName:
			inName = false
		}
		if !inName {
			b = append(b, c)
		}
	}
	return b
}
