package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMetricsForOperatorsOnly: the metrics name hidden routes and flag keys,
// so only loopback peers (the operator's scraper beside the server) read
// them; any other caller, whatever it claims in its headers, gets the same
// 404 as a missing path.
func TestMetricsForOperatorsOnly(t *testing.T) {
	base := startDemoForDocs(t, string(defaultFlags))
	got := demoDo(t, http.MethodGet, base+"/metrics")
	require.Equal(t, http.StatusOK, got.status)
	assert.Contains(t, got.body, "roadmap_flag_provider_state")

	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), memprovider.NewInMemoryProvider(nil)))
	h, cleanup, err := newServer(deps{Flags: openfeature.NewClient(t.Name())})
	require.NoError(t, err)
	t.Cleanup(cleanup)
	remote := func(path string, hdr ...string) *http.Response {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = "203.0.113.7:40000" // a documentation address; no traffic is sent
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Result()
	}
	for _, hdr := range [][]string{nil, {"X-User-ID", "grace"}, {"X-Forwarded-For", "127.0.0.1"}} {
		got, want := remote("/metrics", hdr...), remote("/no-such-path", hdr...)
		gb, _ := io.ReadAll(got.Body)
		wb, _ := io.ReadAll(want.Body)
		assert.Equal(t, want.StatusCode, got.StatusCode, "headers %v", hdr)
		assert.Equal(t, strings.Replace(string(wb), "/no-such-path", "/metrics", 1), string(gb), "headers %v", hdr)
	}
}
