package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMetricsHiddenFromGuests: the metrics name hidden routes and flag keys,
// so a caller who may not see the roadmap gets the same 404 as a missing
// path, while the operator's scraper (no user) reads them.
func TestMetricsHiddenFromGuests(t *testing.T) {
	base := startDemoForDocs(t, string(defaultFlags))
	get := func(path, user string) (int, string) {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		require.NoError(t, err)
		if user != "" {
			req.Header.Set("X-User-ID", user)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, string(b)
	}
	status, body := get("/metrics", "")
	require.Equal(t, http.StatusOK, status)
	assert.True(t, strings.Contains(body, "roadmap_"), "got no roadmap metrics:\n%s", body)

	gotStatus, gotBody := get("/metrics", "guest-1")
	wantStatus, wantBody := get("/no-such-path", "guest-1")
	assert.Equal(t, wantStatus, gotStatus, "got %d, want %d like a missing path", gotStatus, wantStatus)
	assert.Equal(t, strings.Replace(wantBody, "/no-such-path", "/metrics", 1), gotBody)
}
