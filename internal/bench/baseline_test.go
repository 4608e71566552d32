package bench_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-logr/logr"
	flagd "github.com/open-feature/go-sdk-contrib/providers/flagd/pkg"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/internal/baseline"
)

// TestLoadServersAnswerAlike checks that the two sides of the load test do
// the same work: for each route requested, the plain chi server and the
// roadmap one answer the same status, content type and body.
func TestLoadServersAnswerAlike(t *testing.T) {
	p, err := flagd.NewProvider(flagd.WithFileResolver(), flagd.WithOfflineFilePath("testdata/loadflags.json"), flagd.WithLogger(logr.Discard()))
	require.NoError(t, err)
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(t.Name(), openfeature.NoopProvider{}) })
	h, release, err := baseline.Roadmap(openfeature.NewClient(t.Name()))
	require.NoError(t, err)
	t.Cleanup(release)
	roadmap := httptest.NewServer(h)
	t.Cleanup(roadmap.Close)
	plain := httptest.NewServer(baseline.PlainChi())
	t.Cleanup(plain.Close)

	tests := []struct {
		name, method, path string
		wantStatus         int
	}{
		{name: "live", method: http.MethodGet, path: "/api/users/42", wantStatus: http.StatusOK},
		{name: "beta, flag on without targeting", method: http.MethodPatch, path: "/api/users/42", wantStatus: http.StatusOK},
		{name: "planned, flag off", method: http.MethodPut, path: "/api/reports/export", wantStatus: http.StatusNotImplemented},
	}
	get := func(t *testing.T, base, method, path string) (int, string, string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, nil)
		require.NoError(t, err)
		req.Header.Set("X-User-ID", "user-1")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, res.Header.Get("Content-Type"), string(body)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, pct, pbody := get(t, plain.URL, tt.method, tt.path)
			rs, rct, rbody := get(t, roadmap.URL, tt.method, tt.path)
			assert.Equal(t, tt.wantStatus, ps, "plain: got %d, want %d", ps, tt.wantStatus)
			assert.Equal(t, tt.wantStatus, rs, "roadmap: got %d, want %d", rs, tt.wantStatus)
			assert.Equal(t, pct, rct)
			assert.Equal(t, pbody, rbody)
		})
	}
}
