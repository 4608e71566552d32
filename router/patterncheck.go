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
	chi.NewRouter().Handle(pattern, http.NotFoundHandler())
	return nil
}

// patternShape returns pattern with every parameter name removed, keeping
// regular expressions: "/users/{id}" and "/users/{uid}" have the same shape
// "/users/{}". chi routes two patterns of the same shape to one node, so the
// second registration would replace the first: New rejects two spellings of
// one shape.
func patternShape(pattern string) string {
	var b strings.Builder
	depth := 0
	inName := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '{':
			depth++
			if depth == 1 {
				b.WriteByte(c)
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
			b.WriteByte(c)
		}
	}
	return b.String()
}
