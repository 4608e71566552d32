package router

import (
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
)

// chiAccepts reports whether chi registers pattern without panicking.
func chiAccepts(pattern string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	chi.NewRouter().Method(http.MethodGet, pattern, http.NotFoundHandler())
	return true
}

var simplePatternSeeds = []struct {
	pattern string
	simple  bool
}{
	{"/", true},
	{"/api/users", true},
	{"/api/users/{id}", true},
	{"/api/{org}/users/{user_id}/keys/{k2}", true},
	{"/api/{id}/x/{id}", false},                     // duplicate name: chi panics
	{"/api/{id:[0-9]+}", false},                     // regular expression: ask chi
	{"/api/{id", false},                             // unclosed
	{"/api/id}", false},                             // stray brace
	{"/api/{}", false},                              // empty name
	{"/files/*", false},                             // wildcard: ask chi
	{"/a/{b}{c}", true},                             // chi accepts adjacent params
	{"/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", false}, // more names than the fast path tracks
}

func TestSimplePattern(t *testing.T) {
	for _, tt := range simplePatternSeeds {
		t.Run(tt.pattern, func(t *testing.T) {
			assert.Equal(t, tt.simple, simplePattern(tt.pattern), "got %v, want %v", simplePattern(tt.pattern), tt.simple)
			if tt.simple {
				assert.True(t, chiAccepts(tt.pattern), "chi rejects a pattern the fast path accepts")
			}
		})
	}
}

// FuzzSimplePattern checks that the fast path never accepts a pattern chi
// would reject.
func FuzzSimplePattern(f *testing.F) {
	for _, tt := range simplePatternSeeds {
		f.Add(tt.pattern)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		if len(pattern) == 0 || pattern[0] != '/' {
			return
		}
		if simplePattern(pattern) && !chiAccepts(pattern) {
			t.Fatalf("simplePattern(%q) = true, but chi panics", pattern)
		}
	})
}
