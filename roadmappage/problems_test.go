package roadmappage_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/roadmappage"
	"github.com/roadmap-go/roadmap/stub"
)

// TestProblemTypes: every type of package stub is described, in its order.
func TestProblemTypes(t *testing.T) {
	types := roadmappage.ProblemTypes()
	require.Len(t, types, len(stub.Types()))
	for i, uri := range stub.Types() {
		ty := types[i]
		assert.Equal(t, uri, ty.URI)
		assert.Equal(t, ty.URI, stub.TypeBase+ty.Slug)
		title, _ := stub.TypeTitle(uri)
		assert.Equal(t, title, ty.Title)
		assert.NotEmpty(t, ty.Title)
		assert.NotEmpty(t, ty.Description)
		assert.NotZero(t, ty.Status)
	}
}

// TestProblemTypesHandler: every type URI's fragment is an id on the served page.
func TestProblemTypesHandler(t *testing.T) {
	srv := httptest.NewServer(roadmappage.ProblemTypesHandler())
	t.Cleanup(srv.Close)
	res, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	for _, ty := range roadmappage.ProblemTypes() {
		assert.Contains(t, string(b), `id="`+ty.Slug+`"`)
		assert.Contains(t, string(b), ty.URI)
	}
}

// TestProblemTypesDocumented: each type URI points at a section of
// docs/problems.md, so that it dereferences to its description.
func TestProblemTypesDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/problems.md")
	require.NoError(t, err)
	for _, ty := range roadmappage.ProblemTypes() {
		assert.Contains(t, string(b), "\n## "+ty.Slug+"\n", "docs/problems.md has a section for %s", ty.URI)
	}
}
