package roadmappage_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/roadmappage"
	"github.com/roadmap-go/roadmap/router"
)

var (
	testNow  = time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	deprAt   = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sunsetAt = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) // before testNow: in force as removed
)

func ok(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }

// vipFlags is on for the targeting key "vip" only, with reason
// TARGETING_MATCH (never cached). It is an in-memory provider of its own
// rather than routertest.Flags: routertest requires openapi and kin-openapi,
// which this module does not need otherwise (docs/modules.md).
func vipFlags(t *testing.T) *openfeature.Client {
	t.Helper()
	vip := func(f memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		v := "off"
		if ec[openfeature.TargetingKey] == "vip" {
			v = "on"
		}
		return f.Variants[v], openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason, Variant: v}
	}
	p := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{"beta": {State: memprovider.Enabled,
		DefaultVariant: "off", Variants: map[string]any{"on": true, "off": false}, ContextEvaluator: &vip}})
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(t.Name(), openfeature.NoopProvider{}) })
	return openfeature.NewClient(t.Name())
}

// newServer mounts the roadmap next to the router, as the demo does.
func newServer(t *testing.T, opts roadmappage.Options, roadmap func(*http.Request) bool) *httptest.Server {
	t.Helper()
	h := http.HandlerFunc(ok)
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/users", Stage: router.Live, Handler: h, Name: "List users"},
		{Method: http.MethodPatch, Pattern: "/users/{id}", Stage: router.Beta, Flag: "beta", Handler: h, Name: `Patch <script>alert(1)</script>`, Available: "v1.5"},
		{Method: http.MethodDelete, Pattern: "/users/{id}", Stage: router.Planned, Available: "2027-09", Docs: "https://example.com/delete"},
		{Method: http.MethodGet, Pattern: "/v0/users", Stage: router.Deprecated, Handler: h, Deprecation: deprAt, Sunset: sunsetAt, Successor: "/users"},
		{Method: http.MethodGet, Pattern: "/secret", Stage: router.Planned, Flag: "beta", Handler: h, Off: router.OffNotFound},
	}, router.Config{Flags: vipFlags(t), Context: flags.FromHeader("X-User-ID"), Roadmap: roadmap, Now: func() time.Time { return testNow }})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	mux := chi.NewRouter()
	mux.NotFound(rt.NotFound)
	roadmappage.New(rt, opts).Mount(mux)
	mux.Mount("/", rt)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestJSON(t *testing.T) {
	srv := newServer(t, roadmappage.Options{}, nil)
	tests := []struct {
		name       string
		user       string
		wantPatch  string
		wantSecret bool
	}{
		{name: "anonymous", wantPatch: roadmappage.StateUnavailable},
		{name: "vip", user: "vip", wantPatch: roadmappage.StateAvailable, wantSecret: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := servetest.Do(t, srv, http.MethodGet, "/roadmap.json", "X-User-Id", tt.user)
			require.Equal(t, http.StatusOK, res.Status)
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
			assert.Equal(t, "private, no-store", res.Header.Get("Cache-Control"))
			var doc roadmappage.Document
			require.NoError(t, json.Unmarshal([]byte(res.Body), &doc))
			assert.Equal(t, "API roadmap", doc.Title)
			states := map[string]string{}
			for _, r := range doc.Routes {
				states[r.Method+" "+r.Pattern] = r.State
			}
			want := map[string]string{
				"GET /users": roadmappage.StateAvailable, "PATCH /users/{id}": tt.wantPatch,
				"DELETE /users/{id}": roadmappage.StateUnavailable, "GET /v0/users": roadmappage.StateGone,
			}
			if tt.wantSecret {
				want["GET /secret"] = roadmappage.StateAvailable
			}
			assert.Equal(t, want, states, "a route that hides while off is listed only to whom it serves")
			del := doc.Routes[2]
			assert.Equal(t, "planned", del.Stage)
			assert.Equal(t, "2027-09", del.Available)
			assert.Equal(t, "https://example.com/delete", del.Docs)
			v0 := doc.Routes[3]
			assert.Equal(t, "removed", v0.Stage, "sunset passed")
			assert.Equal(t, "deprecated", v0.DeclaredStage)
			require.NotNil(t, v0.Sunset)
			assert.True(t, sunsetAt.Equal(*v0.Sunset))
			require.NotNil(t, v0.Deprecation)
			assert.Equal(t, "/users", v0.Successor)
			assert.Equal(t, "beta", doc.Routes[1].Flag)
		})
	}
}

func TestPage(t *testing.T) {
	srv := newServer(t, roadmappage.Options{Title: "Users roadmap"}, nil)
	res := servetest.Do(t, srv, http.MethodGet, "/roadmap")
	require.Equal(t, http.StatusOK, res.Status)
	assert.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Contains(t, res.Header.Get("Content-Security-Policy"), "default-src 'none'")
	assert.Contains(t, res.Body, `<meta name="viewport" content="width=device-width, initial-scale=1">`)
	assert.Contains(t, res.Body, "<title>Users roadmap</title>")
	assert.NotContains(t, res.Body, "<script>", "names are escaped")
	assert.Contains(t, res.Body, "Patch &lt;script&gt;")
	// Sections in order, each route in its stage's section.
	idx := func(s string) int { return strings.Index(res.Body, s) }
	live, beta, planned, removed := idx(`data-stage="live"`), idx(`data-stage="beta"`), idx(`data-stage="planned"`), idx(`data-stage="removed"`)
	require.True(t, live >= 0 && beta > live && planned > beta && removed > planned, "sections in order: %d %d %d %d", live, beta, planned, removed)
	assert.NotContains(t, res.Body, `data-stage="deprecated"`, "no empty section")
	assert.Greater(t, idx(`data-route="DELETE /users/{id}"`), planned)
	assert.Greater(t, idx(`data-route="GET /v0/users"`), removed)
	assert.Contains(t, res.Body, `<a href="https://example.com/delete">`)
	assert.Contains(t, res.Body, "2027-01-01")

	res = servetest.Do(t, srv, http.MethodHead, "/roadmap")
	assert.Equal(t, http.StatusOK, res.Status)
	assert.Empty(t, res.Body)
}

func TestAccess(t *testing.T) {
	staff := func(r *http.Request) bool { return r.Header.Get("X-Staff") == "1" }
	tests := []struct {
		name    string
		opts    roadmappage.Options
		roadmap func(*http.Request) bool
		hdr     []string // header name/value pairs
		want    int
	}{
		{name: "router predicate accepts", roadmap: staff, hdr: []string{"X-Staff", "1"}, want: 200},
		{name: "router predicate rejects", roadmap: staff, want: 404},
		{name: "Allow overrides: accepts", roadmap: staff, opts: roadmappage.Options{Allow: func(*http.Request) bool { return true }}, want: 200},
		{name: "Allow overrides: rejects", opts: roadmappage.Options{Allow: func(r *http.Request) bool { return r.Header.Get("X-Key") == "k" }}, want: 404},
		{name: "no predicate: everyone", want: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.opts, tt.roadmap)
			notFound := servetest.Do(t, srv, http.MethodGet, "/nowhere").Body
			for _, path := range []string{"/roadmap", "/roadmap.json"} {
				res := servetest.Do(t, srv, http.MethodGet, path, tt.hdr...)
				assert.Equal(t, tt.want, res.Status, path)
				if tt.want == http.StatusNotFound {
					want := strings.Replace(notFound, `"/nowhere"`, `"`+path+`"`, 1)
					assert.Equal(t, want, res.Body, "same answer as an undeclared path")
					assert.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
				}
			}
		})
	}
}
