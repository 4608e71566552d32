package stub_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/stub"
)

func TestTypes(t *testing.T) {
	seen := map[string]bool{}
	for _, ty := range stub.Types() {
		assert.True(t, strings.HasPrefix(ty.URI, stub.TypeBase), ty.URI)
		assert.Equal(t, ty.URI, stub.TypeBase+ty.Slug)
		assert.False(t, seen[ty.URI], "duplicate %s", ty.URI)
		seen[ty.URI] = true
		assert.NotEmpty(t, ty.Title)
		assert.NotEmpty(t, ty.Description)
		got, ok := stub.TypeOf(ty.URI)
		require.True(t, ok)
		assert.Equal(t, ty.Title, got.Title)
	}
	_, ok := stub.TypeOf("about:blank")
	assert.False(t, ok)
}

func TestTyped(t *testing.T) {
	tests := []struct {
		name      string
		p         stub.Problem
		uri       string
		wantTitle string
	}{
		{name: "the type's title", p: stub.Problem{Status: 501}, uri: stub.TypeNotYetAvailable, wantTitle: "Not yet available"},
		{name: "a title of its own is kept", p: stub.Problem{Status: 501, Title: "Soon"}, uri: stub.TypeNotYetAvailable, wantTitle: "Soon"},
		{name: "an unknown type keeps the status text", p: stub.Problem{Status: 409}, uri: "https://example.com/conflict", wantTitle: "Conflict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := stub.New(stub.Typed(tt.p, tt.uri)).Body("/x")
			var m map[string]any
			require.NoError(t, json.Unmarshal(body, &m))
			assert.Equal(t, tt.uri, m["type"])
			assert.Equal(t, tt.wantTitle, m["title"])
		})
	}
}

// TestTypesHandler: every type URI's fragment is an id on the served page.
func TestTypesHandler(t *testing.T) {
	srv := httptest.NewServer(stub.TypesHandler())
	t.Cleanup(srv.Close)
	res, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	for _, ty := range stub.Types() {
		assert.Contains(t, string(b), `id="`+ty.Slug+`"`)
		assert.Contains(t, string(b), ty.URI)
	}
}

// TestTypesDocumented: each type URI points at a section of
// docs/problems.md, so that it dereferences to its description.
func TestTypesDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/problems.md")
	require.NoError(t, err)
	for _, ty := range stub.Types() {
		assert.Contains(t, string(b), "\n## "+ty.Slug+"\n", "docs/problems.md has a section for %s", ty.URI)
	}
}
