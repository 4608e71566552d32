package router_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/logtest"
	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/router"
	"github.com/roadmap-go/roadmap/stub"
)

// TestStageFlagMethodMatrix covers every stage × flag on/off ×
// declared/undeclared/unknown method over real HTTP.
func TestStageFlagMethodMatrix(t *testing.T) {
	type want struct {
		status      int
		served      bool   // the route's handler answered
		problem     string // expected "stage" member of a problem body
		noStore     bool
		deprecation bool
		consulted   bool // the flag was evaluated
	}
	stages := []struct {
		stage router.Stage
		on    want
		off   want
	}{
		{router.Planned,
			want{status: 200, served: true, noStore: true, consulted: true},
			want{status: 501, problem: "planned", noStore: true, consulted: true}},
		{router.Beta,
			want{status: 200, served: true, noStore: true, consulted: true},
			want{status: 501, problem: "beta", noStore: true, consulted: true}},
		{router.Live,
			want{status: 200, served: true},
			want{status: 200, served: true}},
		{router.Deprecated,
			want{status: 200, served: true, deprecation: true},
			want{status: 200, served: true, deprecation: true}},
		{router.Removed,
			want{status: 410, problem: "removed", noStore: true},
			want{status: 410, problem: "removed", noStore: true}},
	}
	for _, st := range stages {
		for _, on := range []bool{true, false} {
			for _, method := range []string{"declared", "undeclared", "unknown"} {
				name := fmt.Sprintf("%s/flag=%v/%s", st.stage, on, method)
				t.Run(name, func(t *testing.T) {
					client, _ := memFlags(t, map[string]memprovider.InMemoryFlag{"f": boolFlag(on)})
					ev := &fakeFlags{next: client}
					r := router.Route{Method: http.MethodPut, Pattern: "/thing", Stage: st.stage, Flag: "f", Handler: servetest.Served("put")}
					switch st.stage {
					case router.Deprecated:
						r.Deprecation, r.Sunset = servetest.Deprecation(), servetest.Sunset()
					case router.Removed:
						r.Handler, r.Flag = nil, ""
					}
					routes := []router.Route{
						{Method: http.MethodGet, Pattern: "/thing", Stage: router.Live, Handler: servetest.Served("get")},
						r,
					}
					_, srv := servetest.Serve(t, routes, router.Config{Flags: ev, FlagOptions: flags.Options{Timeout: -1}})

					switch method {
					case "undeclared":
						a := servetest.Do(t, srv, http.MethodDelete, "/thing")
						assert.Equal(t, http.StatusMethodNotAllowed, a.Status)
						assert.Equal(t, []string{"GET, HEAD, PUT"}, a.Header.Values("Allow"))
						assert.Equal(t, float64(405), servetest.Problem(t, a)["status"])
						assert.Zero(t, ev.calls.Load(), "got %d evaluations, want 0", ev.calls.Load())
						return
					case "unknown":
						a := servetest.Do(t, srv, "BREW", "/thing")
						assert.Equal(t, http.StatusNotImplemented, a.Status)
						assert.Empty(t, a.Header.Values("Allow"))
						p := servetest.Problem(t, a)
						assert.Equal(t, "The request method is not recognised by this server.", p["detail"])
						assert.Nil(t, p["stage"])
						assert.Zero(t, ev.calls.Load())
						return
					}

					w := st.off
					if on {
						w = st.on
					}
					a := servetest.Do(t, srv, http.MethodPut, "/thing")
					assert.Equal(t, w.status, a.Status, "body: %s", a.Body)
					if w.served {
						assert.Equal(t, "served put", a.Body)
					}
					if w.problem != "" {
						assert.Equal(t, w.problem, servetest.Problem(t, a)["stage"])
					}
					if w.noStore {
						assert.Equal(t, "no-store", a.Header.Get("Cache-Control"))
					} else {
						assert.Empty(t, a.Header.Get("Cache-Control"))
					}
					assert.Equal(t, w.deprecation, a.Header.Get("Deprecation") != "", "Deprecation: %q", a.Header.Get("Deprecation"))
					assert.Equal(t, w.consulted, ev.calls.Load() > 0, "got %d evaluations", ev.calls.Load())
				})
			}
		}
	}
}

// TestMethodSemantics checks RFC 9110 method handling on one path with live
// and planned methods.
func TestMethodSemantics(t *testing.T) {
	client, _ := memFlags(t, map[string]memprovider.InMemoryFlag{"write": boolFlag(false)})
	routes := []router.Route{
		{Method: http.MethodGet, Pattern: "/api/feature", Stage: router.Live, Handler: servetest.Served("get")},
		{Method: http.MethodPost, Pattern: "/api/feature", Stage: router.Live, Handler: servetest.Served("post")},
		{Method: http.MethodPut, Pattern: "/api/feature", Flag: "write", Handler: servetest.Served("put")},
		{Method: http.MethodDelete, Pattern: "/api/feature", Flag: "write", Handler: servetest.Served("delete")},
		{Method: http.MethodGet, Pattern: "/api/planned"},
		{Method: http.MethodPost, Pattern: "/api/only-post", Stage: router.Live, Handler: servetest.Served("post")},
	}
	_, srv := servetest.Serve(t, routes, router.Config{Flags: client})

	tests := []struct {
		name, method, path string
		status             int
		allow              string
		body               string
	}{
		{name: "GET live", method: "GET", path: "/api/feature", status: 200, body: "served get"},
		{name: "HEAD served by GET", method: "HEAD", path: "/api/feature", status: 200, body: ""},
		{name: "POST live", method: "POST", path: "/api/feature", status: 200, body: "served post"},
		{name: "PUT planned", method: "PUT", path: "/api/feature", status: 501},
		{name: "DELETE planned", method: "DELETE", path: "/api/feature", status: 501},
		{name: "PATCH undeclared", method: "PATCH", path: "/api/feature", status: 405, allow: "GET, HEAD, POST, PUT, DELETE"},
		{name: "OPTIONS undeclared", method: "OPTIONS", path: "/api/feature", status: 405, allow: "GET, HEAD, POST, PUT, DELETE"},
		{name: "CONNECT undeclared", method: "CONNECT", path: "/api/feature", status: 405, allow: "GET, HEAD, POST, PUT, DELETE"},
		{name: "HEAD of planned GET", method: "HEAD", path: "/api/planned", status: 501, body: ""},
		{name: "HEAD without GET", method: "HEAD", path: "/api/only-post", status: 405, allow: "POST"},
		{name: "unknown method", method: "BREW", path: "/api/feature", status: 501},
		{name: "lower-case method is unknown", method: "get", path: "/api/feature", status: 501},
		{name: "unknown method on unknown path", method: "BREW", path: "/nope", status: 501},
		{name: "unknown path", method: "GET", path: "/nope", status: 404},
		{name: "unknown sub path", method: "GET", path: "/api/feature/x", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := servetest.Do(t, srv, tt.method, tt.path)
			assert.Equal(t, tt.status, a.Status, "got %d, want %d; body: %s", a.Status, tt.status, a.Body)
			if tt.allow != "" {
				assert.Equal(t, []string{tt.allow}, a.Header.Values("Allow"))
			} else {
				assert.Empty(t, a.Header.Values("Allow"))
			}
			if tt.status == 200 || tt.method == "HEAD" {
				assert.Equal(t, tt.body, a.Body)
			} else {
				p := servetest.Problem(t, a)
				assert.Equal(t, float64(tt.status), p["status"])
				assert.Equal(t, tt.path, p["instance"])
			}
		})
	}
}

// TestConnectRoute checks that a declared CONNECT route is reached and that
// other methods of the pattern still are.
func TestConnectRoute(t *testing.T) {
	rt, err := router.New([]router.Route{
		{Method: http.MethodConnect, Pattern: "/tunnel/{id}", Stage: router.Live, Handler: servetest.Served("connect")},
		{Method: http.MethodGet, Pattern: "/tunnel/{id}", Stage: router.Live, Handler: servetest.Served("get")},
	}, router.Config{})
	require.NoError(t, err)
	tests := []struct{ method, body string }{{http.MethodConnect, "served connect"}, {http.MethodGet, "served get"}}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			w := httptest.NewRecorder()
			rt.ServeHTTP(w, httptest.NewRequest(tt.method, "/tunnel/7", nil))
			assert.Equal(t, http.StatusOK, w.Code)
			assert.Equal(t, tt.body, w.Body.String())
		})
	}
}

// TestEveryMethodRoutedWithPattern checks that each method of a pattern
// reaches its own handler with chi's RouteMethod, r.Pattern, chi's URL
// parameter and the request's path value set, at the root and mounted under
// a parent chi router.
func TestEveryMethodRoutedWithPattern(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Echo", r.Method+" "+chi.RouteContext(r.Context()).RouteMethod+" "+r.Pattern+" "+chi.URLParam(r, "id")+" "+r.PathValue("id"))
	})
	var routes []router.Route
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"} {
		routes = append(routes, router.Route{Method: m, Pattern: "/items/{id}", Stage: router.Live, Handler: echo})
	}
	rt, err := router.New(routes, router.Config{})
	require.NoError(t, err)
	parent := chi.NewRouter()
	parent.Mount("/v1", rt)
	for _, tt := range []struct {
		name   string
		h      http.Handler
		prefix string
	}{{"root", rt, ""}, {"mounted", parent, "/v1"}} {
		for _, r := range routes {
			t.Run(tt.name+"/"+r.Method, func(t *testing.T) {
				w := httptest.NewRecorder()
				tt.h.ServeHTTP(w, httptest.NewRequest(r.Method, tt.prefix+"/items/7", nil))
				assert.Equal(t, http.StatusOK, w.Code)
				assert.Equal(t, r.Method+" "+r.Method+" "+tt.prefix+"/items/{id} 7 7", w.Header().Get("Echo"))
			})
		}
	}
}

// TestRouteMethodAfterRouting checks that chi's RouteMethod stays the
// request's method, for a handler that is a chi router itself (an existing
// API put on the roadmap) and for a parent router's middleware after the
// Router ran, on a declared route and on an unknown path.
func TestRouteMethodAfterRouting(t *testing.T) {
	legacy := chi.NewRouter()
	legacy.Get("/items", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "list") })
	legacy.Post("/items", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "create") })
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/items", Stage: router.Live, Handler: legacy},
		{Method: http.MethodPost, Pattern: "/items", Stage: router.Live, Handler: legacy},
	}, router.Config{})
	require.NoError(t, err)
	var after string
	parent := chi.NewRouter()
	parent.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			after = chi.RouteContext(r.Context()).RouteMethod
		})
	})
	parent.Mount("/", rt)
	srv := httptest.NewServer(parent)
	t.Cleanup(srv.Close)
	tests := []struct {
		method, path string
		status       int
		body         string
	}{
		{http.MethodPost, "/items", 200, "create"},
		{http.MethodGet, "/items", 200, "list"},
		{http.MethodPost, "/nope", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			after = ""
			a := servetest.Do(t, srv, tt.method, tt.path)
			assert.Equal(t, tt.status, a.Status)
			if tt.body != "" {
				assert.Equal(t, tt.body, a.Body)
			}
			assert.Equal(t, tt.method, after, "the parent's middleware saw RouteMethod %q", after)
		})
	}
}

// TestHeadOfGetKeepsHeaders checks that HEAD on a GET route gets the GET
// answer's status and headers and no body, including deprecation headers.
func TestHeadOfGetKeepsHeaders(t *testing.T) {
	routes := []router.Route{{
		Method: http.MethodGet, Pattern: "/v0/users/{id}", Stage: router.Deprecated, Handler: servetest.Served("v0"),
		Deprecation: servetest.Deprecation(), Sunset: servetest.Sunset(), Successor: "/v1/users/{id}",
	}}
	_, srv := servetest.Serve(t, routes, router.Config{})
	get := servetest.Do(t, srv, http.MethodGet, "/v0/users/1")
	head := servetest.Do(t, srv, http.MethodHead, "/v0/users/1")
	require.Equal(t, http.StatusOK, get.Status)
	assert.Equal(t, get.Status, head.Status)
	assert.Empty(t, head.Body)
	for _, h := range []string{"Deprecation", "Sunset", "Link", "Content-Type"} {
		assert.Equal(t, get.Header.Values(h), head.Header.Values(h), h)
	}
}

// TestMountedInParentChiRouter mounts the router under a prefix in a chi
// router with KnownMethods and the user's own middleware.
func TestMountedInParentChiRouter(t *testing.T) {
	client, _ := memFlags(t, map[string]memprovider.InMemoryFlag{"export": boolFlag(false)})
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/users/{id}", Stage: router.Live, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "user "+chi.URLParam(r, "id"))
		})},
		{Method: http.MethodPut, Pattern: "/reports/export", Flag: "export", Name: "Report export", Handler: servetest.Served("export")},
	}, router.Config{Flags: client, Now: servetest.Now})
	require.NoError(t, err)
	t.Cleanup(rt.Close)

	var seen atomic.Int64
	parent := chi.NewRouter()
	parent.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen.Add(1)
			w.Header().Set("Mw", "applied")
			next.ServeHTTP(w, r)
		})
	})
	parent.Use(router.KnownMethods)
	parent.NotFound(rt.NotFound)
	parent.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	parent.Mount("/api", rt)
	srv := httptest.NewServer(parent)
	t.Cleanup(srv.Close)

	tests := []struct {
		name, method, path string
		status             int
		allow              string
		body               string
		detail             string
	}{
		{name: "live with URL param", method: "GET", path: "/api/users/7", status: 200, body: "user 7"},
		{name: "HEAD for GET", method: "HEAD", path: "/api/users/7", status: 200},
		{name: "planned", method: "PUT", path: "/api/reports/export", status: 501, detail: "Report export is not yet available. Check back in a future release."},
		{name: "undeclared method", method: "DELETE", path: "/api/users/7", status: 405, allow: "GET, HEAD"},
		{name: "unknown method in mount", method: "BREW", path: "/api/users/7", status: 501, detail: "The request method is not recognised by this server."},
		{name: "unknown method on parent route", method: "BREW", path: "/healthz", status: 501, detail: "The request method is not recognised by this server."},
		{name: "unknown method on unknown path", method: "BREW", path: "/elsewhere", status: 501, detail: "The request method is not recognised by this server."},
		{name: "unknown path in mount", method: "GET", path: "/api/nope", status: 404},
		{name: "unknown path in parent", method: "GET", path: "/elsewhere", status: 404},
		{name: "parent route", method: "GET", path: "/healthz", status: 200, body: "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := seen.Load()
			a := servetest.Do(t, srv, tt.method, tt.path)
			assert.Equal(t, tt.status, a.Status, "body: %s", a.Body)
			assert.Equal(t, "applied", a.Header.Get("Mw"), "the parent's middleware must apply")
			assert.Equal(t, before+1, seen.Load())
			if tt.allow != "" {
				assert.Equal(t, tt.allow, a.Header.Get("Allow"))
			}
			if tt.status >= 400 {
				p := servetest.Problem(t, a)
				assert.Equal(t, tt.path, p["instance"], "instance is the full request path")
				if tt.detail != "" {
					assert.Equal(t, tt.detail, p["detail"])
				}
			} else if tt.method != "HEAD" {
				assert.Equal(t, tt.body, a.Body)
			}
		})
	}

	t.Run("without KnownMethods chi answers 405", func(t *testing.T) {
		bare := chi.NewRouter()
		bare.Mount("/api", rt)
		srv := httptest.NewServer(bare)
		defer srv.Close()
		a := servetest.Do(t, srv, "BREW", "/api/users/7")
		assert.Equal(t, http.StatusMethodNotAllowed, a.Status, "chi's own servetest.Answer; KnownMethods is what fixes it")
	})
}

// TestProblemBody checks every RFC 9457 member of a 501 answer.
func TestProblemBody(t *testing.T) {
	routes := []router.Route{{
		Method: http.MethodPut, Pattern: "/reports/{id}/export", Name: "Report export",
		Available: "v2.4", Docs: "https://example.com/docs/export",
	}}
	_, srv := servetest.Serve(t, routes, router.Config{})
	a := servetest.Do(t, srv, http.MethodPut, "/reports/42/export")
	require.Equal(t, http.StatusNotImplemented, a.Status)
	assert.Equal(t, "no-store", a.Header.Get("Cache-Control"))
	assert.Equal(t, map[string]any{
		"type":      stub.TypeNotYetAvailable,
		"title":     "Not yet available",
		"status":    float64(501),
		"detail":    "Report export is not yet available. Check back in a future release.",
		"instance":  "/reports/42/export",
		"stage":     "planned",
		"route":     "PUT /reports/{id}/export",
		"available": "v2.4",
		"docs":      "https://example.com/docs/export",
	}, servetest.Problem(t, a))
}

// TestDetailTexts checks the default detail texts and the override.
func TestDetailTexts(t *testing.T) {
	tests := []struct {
		name  string
		route router.Route
		want  string
	}{
		{name: "named", route: router.Route{Method: "PUT", Pattern: "/x", Name: "Report export"},
			want: "Report export is not yet available. Check back in a future release."},
		{name: "unnamed names the method", route: router.Route{Method: "DELETE", Pattern: "/x"},
			want: "DELETE is not yet implemented for this endpoint"},
		{name: "override", route: router.Route{Method: "PUT", Pattern: "/x", Name: "Report export", Detail: "Coming in March."},
			want: "Coming in March."},
		{name: "removed named", route: router.Route{Method: "GET", Pattern: "/x", Stage: router.Removed, Name: "Reports (v0)"},
			want: "Reports (v0) has been removed."},
		{name: "removed unnamed with successor", route: router.Route{Method: "GET", Pattern: "/x", Stage: router.Removed, Successor: "/v1/x"},
			want: "GET is no longer available for this endpoint Use /v1/x instead."},
		{name: "removed override", route: router.Route{Method: "GET", Pattern: "/x", Stage: router.Removed, Detail: "Gone for good."},
			want: "Gone for good."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := servetest.Serve(t, []router.Route{tt.route}, router.Config{})
			a := servetest.Do(t, srv, tt.route.Method, "/x")
			assert.Equal(t, tt.want, servetest.Problem(t, a)["detail"])
		})
	}
}

// TestDeprecatedHeaders checks Deprecation, Sunset and Link on deprecated
// routes, and the switch to 410 once the sunset has passed.
func TestDeprecatedHeaders(t *testing.T) {
	full := router.Route{
		Method: http.MethodGet, Pattern: "/v0/users/{id}", Stage: router.Deprecated, Handler: servetest.Served("v0"),
		Deprecation: servetest.Deprecation(), Sunset: servetest.Sunset(),
		Docs: "https://example.com/docs/migrate-v0", Successor: "/api/users/{id}",
	}
	bare := full
	bare.Sunset, bare.Docs, bare.Successor = time.Time{}, "", ""
	tests := []struct {
		name        string
		route       router.Route
		now         time.Time
		status      int
		deprecation string
		sunset      string
		links       []string
	}{
		{name: "all headers", route: full, now: servetest.Now(), status: 200,
			deprecation: "@1767225600", sunset: "Tue, 01 Jan 2030 00:00:00 GMT",
			links: []string{`<https://example.com/docs/migrate-v0>; rel="deprecation"; type="text/html", </api/users/1>; rel="successor-version"`}},
		{name: "only the deprecation date", route: bare, now: servetest.Now(), status: 200, deprecation: "@1767225600"},
		{name: "deprecation announced for the future", route: full, now: servetest.Deprecation().Add(-time.Hour), status: 200,
			deprecation: "@1767225600", sunset: "Tue, 01 Jan 2030 00:00:00 GMT",
			links: []string{`<https://example.com/docs/migrate-v0>; rel="deprecation"; type="text/html", </api/users/1>; rel="successor-version"`}},
		{name: "after sunset: 410", route: full, now: servetest.Sunset(), status: 410,
			links: []string{`<https://example.com/docs/migrate-v0>; rel="deprecation"; type="text/html", </api/users/1>; rel="successor-version"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := servetest.Serve(t, []router.Route{tt.route}, router.Config{Now: func() time.Time { return tt.now }})
			a := servetest.Do(t, srv, http.MethodGet, "/v0/users/1")
			assert.Equal(t, tt.status, a.Status, "body: %s", a.Body)
			assert.Equal(t, tt.deprecation, a.Header.Get("Deprecation"))
			assert.Equal(t, tt.sunset, a.Header.Get("Sunset"))
			assert.Equal(t, tt.links, a.Header.Values("Link"))
			if tt.status == 200 {
				assert.Equal(t, "served v0", a.Body)
				_, err := http.ParseTime(a.Header.Get("Sunset"))
				assert.Equal(t, tt.sunset != "", err == nil, "Sunset is an HTTP-date")
			} else {
				assert.Equal(t, "removed", servetest.Problem(t, a)["stage"])
				assert.Equal(t, "no-store", a.Header.Get("Cache-Control"))
			}
		})
	}
}

// TestRemoved checks the 410 answer of a removed route.
func TestRemoved(t *testing.T) {
	routes := []router.Route{{Method: http.MethodGet, Pattern: "/v0/reports", Stage: router.Removed, Name: "Reports (v0)",
		Successor: "/api/reports", Docs: "https://example.com/docs/reports"}}
	_, srv := servetest.Serve(t, routes, router.Config{})
	a := servetest.Do(t, srv, http.MethodGet, "/v0/reports")
	require.Equal(t, http.StatusGone, a.Status)
	assert.Equal(t, "no-store", a.Header.Get("Cache-Control"))
	assert.Equal(t, `</api/reports>; rel="successor-version"`, a.Header.Get("Link"))
	assert.Equal(t, map[string]any{
		"type": stub.TypeRemoved, "title": "Removed", "status": float64(410),
		"detail":   "Reports (v0) has been removed. Use /api/reports instead.",
		"instance": "/v0/reports", "stage": "removed", "route": "GET /v0/reports",
		"docs": "https://example.com/docs/reports",
	}, servetest.Problem(t, a))
	head := servetest.Do(t, srv, http.MethodHead, "/v0/reports")
	assert.Equal(t, http.StatusGone, head.Status)
	assert.Empty(t, head.Body)
}

// TestNoStoreOnFlagDependentAnswers checks Cache-Control: no-store on every
// answer a flag flip can change, on and off, for planned and beta routes.
func TestNoStoreOnFlagDependentAnswers(t *testing.T) {
	client, _ := memFlags(t, map[string]memprovider.InMemoryFlag{"on": boolFlag(true), "off": boolFlag(false)})
	routes := []router.Route{
		{Method: "PUT", Pattern: "/planned-on", Flag: "on", Handler: servetest.Served("a")},
		{Method: "PUT", Pattern: "/planned-off", Flag: "off", Handler: servetest.Served("b")},
		{Method: "PUT", Pattern: "/planned-no-handler"},
		{Method: "PUT", Pattern: "/beta-on", Stage: router.Beta, Flag: "on", Handler: servetest.Served("c")},
		{Method: "PUT", Pattern: "/beta-off", Stage: router.Beta, Flag: "off", Handler: servetest.Served("d")},
	}
	_, srv := servetest.Serve(t, routes, router.Config{Flags: client})
	for _, r := range routes {
		t.Run(r.Pattern, func(t *testing.T) {
			for i := 0; i < 2; i++ { // the second request may be answered from the cache
				a := servetest.Do(t, srv, r.Method, r.Pattern)
				assert.Equal(t, "no-store", a.Header.Get("Cache-Control"), "request %d, status %d", i, a.Status)
			}
		})
	}
}

// blockingProvider never finishes initialising until release is closed, so
// its state is NOT_READY meanwhile.
type blockingProvider struct {
	release chan struct{}
}

func (p *blockingProvider) Metadata() openfeature.Metadata {
	return openfeature.Metadata{Name: "blocking"}
}
func (p *blockingProvider) Hooks() []openfeature.Hook { return nil }
func (p *blockingProvider) Init(openfeature.EvaluationContext) error {
	<-p.release
	return nil
}
func (p *blockingProvider) Shutdown() {}
func (p *blockingProvider) BooleanEvaluation(context.Context, string, bool, openfeature.FlattenedContext) openfeature.BoolResolutionDetail {
	return openfeature.BoolResolutionDetail{Value: true, ProviderResolutionDetail: openfeature.ProviderResolutionDetail{Reason: openfeature.StaticReason}}
}
func (p *blockingProvider) StringEvaluation(_ context.Context, _ string, d string, _ openfeature.FlattenedContext) openfeature.StringResolutionDetail {
	return openfeature.StringResolutionDetail{Value: d}
}
func (p *blockingProvider) FloatEvaluation(_ context.Context, _ string, d float64, _ openfeature.FlattenedContext) openfeature.FloatResolutionDetail {
	return openfeature.FloatResolutionDetail{Value: d}
}
func (p *blockingProvider) IntEvaluation(_ context.Context, _ string, d int64, _ openfeature.FlattenedContext) openfeature.IntResolutionDetail {
	return openfeature.IntResolutionDetail{Value: d}
}
func (p *blockingProvider) ObjectEvaluation(_ context.Context, _ string, d any, _ openfeature.FlattenedContext) openfeature.InterfaceResolutionDetail {
	return openfeature.InterfaceResolutionDetail{Value: d}
}

// TestFailClosed checks that every evaluation problem keeps the route planned
// (501, never 500) and is logged.
func TestFailClosed(t *testing.T) {
	cancelled := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithCancel(r.Context())
			cancel() // as when the client has gone away
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
	tests := []struct {
		name     string
		flags    func(t *testing.T) flags.Evaluator
		wrap     func(http.Handler) http.Handler
		wantCode string
	}{
		{name: "provider not ready", wantCode: "PROVIDER_NOT_READY", flags: func(t *testing.T) flags.Evaluator {
			p := &blockingProvider{release: make(chan struct{})}
			t.Cleanup(func() { close(p.release) })
			require.NoError(t, openfeature.SetNamedProvider(t.Name(), p))
			return openfeature.NewClient(t.Name())
		}},
		{name: "flag missing", wantCode: "FLAG_NOT_FOUND", flags: func(t *testing.T) flags.Evaluator {
			c, _ := memFlags(t, map[string]memprovider.InMemoryFlag{"other": boolFlag(true)})
			return c
		}},
		{name: "wrong type", wantCode: "TYPE_MISMATCH", flags: func(t *testing.T) flags.Evaluator {
			c, _ := memFlags(t, map[string]memprovider.InMemoryFlag{"export": {
				State: memprovider.Enabled, DefaultVariant: "on", Variants: map[string]any{"on": "yes"},
			}})
			return c
		}},
		{name: "provider error", wantCode: "GENERAL", flags: func(t *testing.T) flags.Evaluator {
			return &fakeFlags{fail: func(string) bool { return true }}
		}},
		{name: "cancelled context", wantCode: "CONTEXT_CANCELED", wrap: cancelled, flags: func(t *testing.T) flags.Evaluator {
			c, _ := memFlags(t, map[string]memprovider.InMemoryFlag{"export": boolFlag(true)})
			return c
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs logtest.Buffer
			rt, err := router.New([]router.Route{
				{Method: http.MethodPut, Pattern: "/export", Flag: "export", Name: "Report export", Handler: servetest.Served("export")},
			}, router.Config{
				Flags:  tt.flags(t),
				Logger: logs.Logger(),
			})
			require.NoError(t, err)
			t.Cleanup(rt.Close)
			var h http.Handler = rt
			if tt.wrap != nil {
				h = tt.wrap(h)
			}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)

			for i := 0; i < 3; i++ {
				a := servetest.Do(t, srv, http.MethodPut, "/export")
				require.Equal(t, http.StatusNotImplemented, a.Status, "request %d: body %s", i, a.Body)
				p := servetest.Problem(t, a)
				assert.Equal(t, "Report export is not yet available. Check back in a future release.", p["detail"])
				assert.NotContains(t, a.Body, "secret", "internal errors are never echoed")
				assert.Equal(t, "no-store", a.Header.Get("Cache-Control"))
			}
			out := logs.String()
			assert.Contains(t, out, "level=WARN")
			assert.Contains(t, out, "flag=export")
			assert.Contains(t, out, "code="+tt.wantCode)
			assert.Equal(t, 1, strings.Count(out, "flag evaluation failed"), "logged once per flag and code, got:\n%s", out)
		})
	}
}

// TestTargetedFlagPerRequest checks that a targeted flag is evaluated for
// every request with the request's own context, and that the route
// attributes reach the provider.
func TestTargetedFlagPerRequest(t *testing.T) {
	var mu sync.Mutex
	var seen []openfeature.FlattenedContext
	eval := func(f memprovider.InMemoryFlag, fc openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		mu.Lock()
		seen = append(seen, fc)
		mu.Unlock()
		on := fc[openfeature.TargetingKey] == "alice"
		return on, openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason, Variant: fmt.Sprint(on)}
	}
	client, _ := memFlags(t, map[string]memprovider.InMemoryFlag{"users-patch": {
		State: memprovider.Enabled, DefaultVariant: "off", Variants: map[string]any{"off": false}, ContextEvaluator: &eval,
	}})
	routes := []router.Route{{Method: http.MethodPatch, Pattern: "/users/{id}", Stage: router.Beta, Flag: "users-patch",
		Name: "Partial user update", Handler: servetest.Served("patch")}}
	_, srv := servetest.Serve(t, routes, router.Config{Flags: client, Context: flags.FromHeader("X-User-ID")})

	for _, user := range []string{"alice", "bob", "alice", "", "alice"} {
		a := servetest.Do(t, srv, http.MethodPatch, "/users/1", "X-User-ID", user)
		want := http.StatusNotImplemented
		if user == "alice" {
			want = http.StatusOK
		}
		assert.Equal(t, want, a.Status, "user %q", user)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 5, "targeted decisions are never cached")
	assert.Equal(t, "alice", seen[0][openfeature.TargetingKey])
	assert.Equal(t, "Partial user update", seen[0][router.AttrRoute])
	assert.Equal(t, "PATCH", seen[0][router.AttrMethod])
	assert.Equal(t, "/users/{id}", seen[0][router.AttrPattern])
	assert.Equal(t, "beta", seen[0][router.AttrStage])
	assert.Equal(t, []any{}, seen[0][router.AttrOptIn])
}

// TestFlipWithoutRestart flips an in-memory flag and waits for the router to
// follow (provider events are delivered asynchronously).
func TestFlipWithoutRestart(t *testing.T) {
	client, p := memFlags(t, map[string]memprovider.InMemoryFlag{"export": boolFlag(false)})
	routes := []router.Route{{Method: http.MethodPut, Pattern: "/export", Flag: "export", Handler: servetest.Served("export")}}
	_, srv := servetest.Serve(t, routes, router.Config{Flags: client})

	require.Equal(t, http.StatusNotImplemented, servetest.Do(t, srv, "PUT", "/export").Status)
	require.Equal(t, http.StatusNotImplemented, servetest.Do(t, srv, "PUT", "/export").Status, "served from the cache")
	p.UpdateFlags(map[string]memprovider.InMemoryFlag{"export": boolFlag(true)})
	require.Eventually(t, func() bool { return servetest.Do(t, srv, "PUT", "/export").Status == http.StatusOK },
		10*time.Second, 5*time.Millisecond)
	assert.Equal(t, "served export", servetest.Do(t, srv, "PUT", "/export").Body)
	p.UpdateFlags(map[string]memprovider.InMemoryFlag{"export": boolFlag(false)})
	require.Eventually(t, func() bool { return servetest.Do(t, srv, "PUT", "/export").Status == http.StatusNotImplemented },
		10*time.Second, 5*time.Millisecond)
}

// TestConcurrentRequestsWhileFlagsFlip hammers the router while flags flip;
// run with -race. Every answer must be one of the two valid ones.
func TestConcurrentRequestsWhileFlagsFlip(t *testing.T) {
	client, p := memFlags(t, map[string]memprovider.InMemoryFlag{"export": boolFlag(false), "patch": boolFlag(false)})
	routes := []router.Route{
		{Method: http.MethodPut, Pattern: "/export", Flag: "export", Handler: servetest.Served("export")},
		{Method: http.MethodPatch, Pattern: "/users/{id}", Stage: router.Beta, Flag: "patch", Handler: servetest.Served("patch")},
		{Method: http.MethodGet, Pattern: "/users/{id}", Stage: router.Live, Handler: servetest.Served("get")},
	}
	_, srv := servetest.Serve(t, routes, router.Config{Flags: client, Context: flags.FromHeader("X-User-ID")})

	stop := make(chan struct{})
	flipped := make(chan struct{})
	go func() {
		defer close(flipped)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			on := i%2 == 0
			p.UpdateFlags(map[string]memprovider.InMemoryFlag{"export": boolFlag(on), "patch": boolFlag(!on)})
		}
	}()

	var wg sync.WaitGroup
	var bad atomic.Int64
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				for _, rq := range [][2]string{{"PUT", "/export"}, {"PATCH", "/users/1"}, {"GET", "/users/1"}} {
					req, _ := http.NewRequest(rq[0], srv.URL+rq[1], nil)
					req.Header.Set("X-User-ID", fmt.Sprint("u", g))
					res, err := srv.Client().Do(req)
					if err != nil {
						bad.Add(1)
						continue
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					ok := res.StatusCode == 200 || (rq[0] != "GET" && res.StatusCode == 501)
					if !ok {
						bad.Add(1)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-flipped
	assert.Zero(t, bad.Load(), "got %d unexpected answers, want 0", bad.Load())

	// The in-memory provider drops events while its buffer (5) is full, as
	// it may be right after the burst above: repeat the last update until
	// its event gets through.
	require.Eventually(t, func() bool {
		p.UpdateFlags(map[string]memprovider.InMemoryFlag{"export": boolFlag(true), "patch": boolFlag(true)})
		return servetest.Do(t, srv, "PUT", "/export").Status == 200 && servetest.Do(t, srv, "PATCH", "/users/1").Status == 200
	}, 10*time.Second, 5*time.Millisecond, "the last flip wins")
}

// TestHiddenRoutes checks that a route the caller may not see answers exactly
// like an undeclared one.
func TestHiddenRoutes(t *testing.T) {
	client, _ := memFlags(t, map[string]memprovider.InMemoryFlag{"f": boolFlag(false)})
	routes := []router.Route{
		{Method: http.MethodGet, Pattern: "/a", Stage: router.Live, Handler: servetest.Served("a")},
		{Method: http.MethodPut, Pattern: "/a", Flag: "f", Handler: servetest.Served("put")},
		{Method: http.MethodPut, Pattern: "/b", Flag: "f", Handler: servetest.Served("put")},
		{Method: http.MethodPut, Pattern: "/c", Flag: "f", Handler: servetest.Served("put"), Off: router.OffNotFound},
	}
	insider := func(r *http.Request) bool { return r.Header.Get("Insider") == "yes" }
	_, srv := servetest.Serve(t, routes, router.Config{Flags: client, Roadmap: insider})

	tests := []struct {
		name, method, path, insider string
		status                      int
		allow                       string
	}{
		{name: "insider sees planned", method: "PUT", path: "/a", insider: "yes", status: 501},
		{name: "outsider gets 405", method: "PUT", path: "/a", status: 405, allow: "GET, HEAD"},
		{name: "insider 405 lists planned", method: "DELETE", path: "/a", insider: "yes", status: 405, allow: "GET, HEAD, PUT"},
		{name: "outsider only planned: 404", method: "PUT", path: "/b", status: 404},
		{name: "OffNotFound hides from insiders", method: "PUT", path: "/c", insider: "yes", status: 404},
	}
	notFound := servetest.Do(t, srv, "GET", "/undeclared")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := servetest.Do(t, srv, tt.method, tt.path, "Insider", tt.insider)
			assert.Equal(t, tt.status, a.Status)
			assert.Equal(t, tt.allow, a.Header.Get("Allow"))
			if tt.status == 404 {
				assert.Equal(t, strings.Replace(notFound.Body, "/undeclared", tt.path, 1), a.Body)
				assert.Equal(t, notFound.Header.Get("Cache-Control"), a.Header.Get("Cache-Control"))
			}
		})
	}
}

// TestStatus checks the per-request introspection.
func TestStatus(t *testing.T) {
	client, _ := memFlags(t, map[string]memprovider.InMemoryFlag{"on": boolFlag(true), "off": boolFlag(false)})
	routes := []router.Route{
		{Method: "PUT", Pattern: "/a", Flag: "on", Handler: servetest.Served("a")},
		{Method: "PUT", Pattern: "/b", Flag: "off", Handler: servetest.Served("b")},
		{Method: "GET", Pattern: "/c", Stage: router.Live, Handler: servetest.Served("c")},
		{Method: "GET", Pattern: "/d", Stage: router.Deprecated, Handler: servetest.Served("d"), Deprecation: servetest.Deprecation(), Sunset: servetest.Now()},
	}
	rt, _ := servetest.Serve(t, routes, router.Config{Flags: client})
	st := rt.Status(httptest.NewRequest("GET", "/", nil))
	require.Len(t, st, 4)
	got := make([]string, len(st))
	for i, s := range st {
		got[i] = fmt.Sprintf("%s %s %v", s.Route.Pattern, s.Stage, s.Serving)
	}
	assert.Equal(t, []string{"/a planned true", "/b planned false", "/c live true", "/d removed false"}, got)
	assert.Equal(t, openfeature.StaticReason, st[0].Decision.Reason)
}
