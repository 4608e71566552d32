package router_test

// The flagd helpers of router's tests (flagdClient, writeFile) live here,
// with the tests that use them. The HTTP helpers of router/router_test.go
// that these tests use too are copied, not shared: router's tests live in
// the root module, whose go.mod must not need the flagd provider
// (docs/modules.md), and a helper package for five small functions would be
// a public surface of its own.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	flagd "github.com/open-feature/go-sdk-contrib/providers/flagd/pkg"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/internal/logtest"
	"github.com/roadmap-go/roadmap/router"
)

// Fixed instants for lifecycle dates: the clock of every test router is
// testNow, so nothing depends on the wall clock.
var (
	testNow         = time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC)
	testDeprecation = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	testSunset      = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
)

func fixedClock() time.Time { return testNow }

// syncBuffer collects log output written from server goroutines.
type syncBuffer = logtest.Buffer

// served is a handler that names itself in the body.
func served(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "served "+name)
	})
}

type answer struct {
	status int
	header http.Header
	body   string
}

// do sends one request to srv and reads the whole answer.
func do(t *testing.T, srv *httptest.Server, method, path string, hdr ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return answer{status: res.StatusCode, header: res.Header, body: string(b)}
}

// problem decodes a problem+json body.
func problem(t *testing.T, a answer) map[string]any {
	t.Helper()
	require.Equal(t, "application/problem+json", a.header.Get("Content-Type"), "body: %s", a.body)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(a.body), &m), "body: %s", a.body)
	return m
}

// serve builds a router and serves it on a test server bound to 127.0.0.1.
func serve(t *testing.T, routes []router.Route, cfg router.Config) (*router.Router, *httptest.Server) {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = fixedClock
	}
	rt, err := router.New(routes, cfg)
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)
	return rt, srv
}

// flagdClient starts a flagd in-process provider on the flag file at path,
// binds it to domain (replacing, and so shutting down, the provider bound
// before) and returns a client of that domain.
func flagdClient(t *testing.T, domain, path string) *openfeature.Client {
	t.Helper()
	p, err := flagd.NewProvider(flagd.WithFileResolver(), flagd.WithOfflineFilePath(path))
	require.NoError(t, err)
	require.NoError(t, openfeature.SetNamedProviderAndWait(domain, p))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(domain, openfeature.NoopProvider{}) })
	return openfeature.NewClient(domain)
}

// writeFile replaces the file at path by atomic rename, as editors and
// config management do, so that a provider never reads a half-written file.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".flags-*.json")
	require.NoError(t, err)
	_, err = tmp.WriteString(content)
	require.NoError(t, err)
	require.NoError(t, tmp.Close())
	require.NoError(t, os.Rename(tmp.Name(), path))
}
