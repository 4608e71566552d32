package router_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/router"
)

// secCountingProvider counts boolean evaluations.
type secCountingProvider struct {
	*memprovider.InMemoryProvider
	n atomic.Int64
}

func (p *secCountingProvider) BooleanEvaluation(ctx context.Context, flag string, def bool, ec openfeature.FlattenedContext) openfeature.BoolResolutionDetail {
	p.n.Add(1)
	return p.InMemoryProvider.BooleanEvaluation(ctx, flag, def, ec)
}

// TestRejectedCallerCodePath checks the timing class of the answers a
// rejected caller gets: once static flag decisions are cached, a planned
// route that is off costs that caller no flag evaluation, exactly like a
// path that is not declared, and the answers are byte-identical.
// (A flag with targeting is evaluated per request for every caller, since
// the rule may serve the route to this one; docs/security.md.)
func TestRejectedCallerCodePath(t *testing.T) {
	t.Parallel()
	p := &secCountingProvider{InMemoryProvider: memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"export": {Key: "export", State: memprovider.Enabled, DefaultVariant: "off", Variants: map[string]any{"on": true, "off": false}},
	})}
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(t.Name(), openfeature.NoopProvider{}) })
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusAccepted) })
	rt, err := router.New([]router.Route{
		{Method: http.MethodPut, Pattern: "/export", Flag: "export", Handler: ok, Name: "Export"},
		{Method: http.MethodPost, Pattern: "/import", Name: "Import"},
	}, router.Config{
		Flags:   openfeature.NewClient(t.Name()),
		Roadmap: func(r *http.Request) bool { return r.Header.Get("Staff") == "yes" },
	})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)

	do := func(method, path string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.ReplaceAll(string(b), path, "{path}")
	}
	// Warm the cache of static decisions (provider events arrive
	// asynchronously and may drop it once).
	require.Eventually(t, func() bool {
		n := p.n.Load()
		do(http.MethodPut, "/export")
		return p.n.Load() == n
	}, 10*time.Second, 5*time.Millisecond)
	before := p.n.Load()
	for range 20 {
		s1, b1 := do(http.MethodPut, "/export")
		s2, b2 := do(http.MethodPut, "/exporx")
		s3, b3 := do(http.MethodPost, "/import")
		assert.Equal(t, http.StatusNotFound, s1)
		assert.Equal(t, s2, s1)
		assert.Equal(t, s2, s3)
		assert.Equal(t, b2, b1)
		assert.Equal(t, b2, b3)
	}
	assert.Equal(t, before, p.n.Load(), "got %d evaluations for a rejected caller, want none", p.n.Load()-before)
}
