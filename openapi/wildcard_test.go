package openapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/openapi"
	"github.com/roadmap-go/roadmap/router"
)

// TestWildcardAndConnectRoundTrip: a chi wildcard survives Document → Load
// (an OpenAPI path parameter alone matches one segment), and CONNECT, which
// OpenAPI 3.1 path items cannot hold, is left out of the document.
func TestWildcardAndConnectRoundTrip(t *testing.T) {
	files := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, chi.URLParam(r, "*"))
	})
	routes := []router.Route{
		{Method: http.MethodGet, Pattern: "/files/*", Stage: router.Live, Handler: files, OperationID: "getFile"},
		{Method: http.MethodConnect, Pattern: "/tunnel", Stage: router.Live, Handler: files, OperationID: "tunnel"},
	}
	rt, err := router.New(routes, router.Config{})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	raw, err := json.Marshal(openapi.Document(rt, openapi.Options{}))
	require.NoError(t, err)
	assert.NotContains(t, string(raw), `"connect"`)

	imported, err := openapi.Load(raw, map[string]http.Handler{"getFile": files})
	require.NoError(t, err)
	require.Len(t, imported, 1)
	assert.Equal(t, "/files/*", imported[0].Pattern, "got %q, want the chi wildcard back", imported[0].Pattern)

	rt2, err := router.New(imported, router.Config{})
	require.NoError(t, err)
	t.Cleanup(rt2.Close)
	srv := httptest.NewServer(rt2)
	t.Cleanup(srv.Close)
	res, err := http.Get(srv.URL + "/files/a/b.txt")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "a/b.txt", string(body))
}
