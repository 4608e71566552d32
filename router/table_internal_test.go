package router

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTableAddFindsFirstDeclaration checks that table.add names the first
// route with the same method and pattern, before and after the first
// duplicate, for patterns declared in runs and apart.
func TestTableAddFindsFirstDeclaration(t *testing.T) {
	routes := []Route{
		{Method: http.MethodGet, Pattern: "/a"},    // 0
		{Method: http.MethodPost, Pattern: "/a"},   // 1
		{Method: http.MethodGet, Pattern: "/b"},    // 2
		{Method: http.MethodPost, Pattern: "/a"},   // 3: duplicate of 1, the first
		{Method: http.MethodDelete, Pattern: "/b"}, // 4
		{Method: http.MethodGet, Pattern: "/b"},    // 5: duplicate of 2
		{Method: http.MethodDelete, Pattern: "/a"}, // 6
		{Method: http.MethodDelete, Pattern: "/a"}, // 7: duplicate of 6, declared after the first duplicate
		{Method: http.MethodPost, Pattern: "/a"},   // 8: duplicate of 1 again
		{Method: "FETCH", Pattern: "/a"},           // 9
		{Method: "FETCH", Pattern: "/a"},           // 10: duplicate of 9
	}
	want := []struct {
		pattern int32
		dup     int
	}{{0, -1}, {0, -1}, {1, -1}, {0, 1}, {1, -1}, {1, 2}, {0, -1}, {0, 6}, {0, 1}, {0, -1}, {0, 9}}
	tab := newTable(routes)
	for i := range routes {
		k, dup := tab.add(i)
		assert.Equal(t, want[i].pattern, k, "route %d: pattern", i)
		assert.Equal(t, want[i].dup, dup, "route %d: got duplicate of %d, want %d", i, dup, want[i].dup)
	}
}
