package router_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/router"
)

// TestBrownout: where a deprecated route's Brownout flag is on, the route
// answers 410 with its deprecation headers, not cached; elsewhere it is
// served with them; Status agrees.
func TestBrownout(t *testing.T) {
	client := targetedClient(t, func(ec openfeature.FlattenedContext) bool {
		return ec[openfeature.TargetingKey] == "legacy-client" && ec[router.AttrStage] == "deprecated"
	})
	routes := []router.Route{{Method: http.MethodGet, Pattern: "/v1/users", Stage: router.Deprecated, Handler: servetest.Served("v1"),
		Deprecation: servetest.Deprecation(), Sunset: servetest.Sunset(), Docs: "https://example.com/migrate", Successor: "/v2/users", Brownout: "f"}}
	rt, srv := servetest.Serve(t, routes, router.Config{Flags: client, Context: func(r *http.Request) openfeature.EvaluationContext {
		return openfeature.NewEvaluationContext(r.Header.Get("Client"), nil)
	}})
	tests := []struct {
		name, client string
		want         int
	}{
		{name: "browned out", client: "legacy-client", want: http.StatusGone},
		{name: "served", client: "other", want: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := servetest.Do(t, srv, http.MethodGet, "/v1/users", "Client", tt.client)
			assert.Equal(t, tt.want, a.Status, "got %d, want %d", a.Status, tt.want)
			assert.Equal(t, "no-store", a.Header.Get("Cache-Control"))
			assert.Equal(t, "@"+strconv.FormatInt(servetest.Deprecation().Unix(), 10), a.Header.Get("Deprecation"))
			assert.Equal(t, servetest.Sunset().Format(http.TimeFormat), a.Header.Get("Sunset"))
			assert.Len(t, a.Header.Values("Link"), 1, "both links in one field")
			assert.Contains(t, a.Header.Get("Link"), `rel="successor-version"`)
			if tt.want == http.StatusGone {
				assert.Equal(t, "removed", servetest.Problem(t, a)["stage"])
			}
			req := httptest.NewRequest(http.MethodGet, "/v1/users", nil)
			req.Header.Set("Client", tt.client)
			assert.Equal(t, tt.want == http.StatusOK, rt.Status(req)[0].Serving, "Status agrees")
		})
	}
}

// TestRouteDataFields: BetaSince, Brownout, Request and Responses are
// validated and given back by Routes.
func TestRouteDataFields(t *testing.T) {
	since := servetest.Deprecation().Add(-24 * time.Hour)
	type body struct{ Name string }
	runValidation(t, []validationCase{
		{name: "BetaSince on a beta route", routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Beta, Flag: "f", Handler: anyHandler, BetaSince: since}}},
		{name: "BetaSince on a live route", routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Live, Handler: anyHandler, BetaSince: since}}},
		{name: "BetaSince on a planned route", wantErr: router.ErrDates, routes: []router.Route{{Method: "GET", Pattern: "/a", BetaSince: since}}},
		{name: "BetaSince after LiveFrom", wantErr: router.ErrDates, routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Beta, Flag: "f", Handler: anyHandler, BetaSince: servetest.Now(), LiveFrom: since}}},
		{name: "BetaSince after Deprecation", wantErr: router.ErrDates, routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Deprecated, Handler: anyHandler, Deprecation: since, BetaSince: servetest.Now()}}},
		{name: "Brownout on a deprecated route", routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Deprecated, Handler: anyHandler, Deprecation: since, Brownout: "b"}}},
		{name: "Brownout on a live route", wantErr: router.ErrConfig, routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Live, Handler: anyHandler, Brownout: "b"}}},
		{name: "Responses with a bad status", wantErr: router.ErrConfig, routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Live, Handler: anyHandler, Responses: map[int]any{99: body{}}}}},
		{name: "Request and Responses", routes: []router.Route{{Method: "POST", Pattern: "/a", Stage: router.Live, Handler: anyHandler, Request: body{}, Responses: map[int]any{201: body{}}}}},
	})

	_, err := router.New([]router.Route{{Method: "GET", Pattern: "/a", Stage: router.Deprecated, Handler: anyHandler, Deprecation: since, Brownout: "b"}}, router.Config{})
	assert.ErrorIs(t, err, router.ErrNoFlags, "a brownout needs Config.Flags")

	decl := router.Route{Method: "POST", Pattern: "/a", Stage: router.Beta, Flag: "f", Handler: anyHandler, BetaSince: since,
		Request: body{}, Responses: map[int]any{201: body{Name: "x"}}}
	rt, err := router.New([]router.Route{decl}, router.Config{Flags: &fakeFlags{reason: openfeature.StaticReason}})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	got := rt.Routes()[0]
	assert.Equal(t, since, got.BetaSince)
	assert.Equal(t, body{}, got.Request)
	assert.Equal(t, map[int]any{201: body{Name: "x"}}, got.Responses)
}

type callerRecord struct {
	pattern string
	outcome router.Outcome
	user    string
}

// callerObserver records ObserveCaller; ObserveRequest must not be called.
type callerObserver struct {
	mu       sync.Mutex
	got      []callerRecord
	requests int
}

func (o *callerObserver) ObserveRequest(*router.Route, router.Stage, router.Outcome) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.requests++
}

func (o *callerObserver) ObserveCaller(r *router.Route, _ router.Stage, out router.Outcome, req *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.got = append(o.got, callerRecord{r.Pattern, out, req.Header.Get("User")})
}

// TestCallerObserver: an Observer that implements CallerObserver learns
// the request of every outcome, instead of ObserveRequest.
func TestCallerObserver(t *testing.T) {
	obs := &callerObserver{}
	_, srv := servetest.Serve(t, []router.Route{
		{Method: http.MethodGet, Pattern: "/live", Stage: router.Live, Handler: servetest.Served("live")},
		{Method: http.MethodGet, Pattern: "/planned", Stage: router.Planned},
	}, router.Config{Observer: obs})
	servetest.Do(t, srv, http.MethodGet, "/live", "User", "ada")
	servetest.Do(t, srv, http.MethodGet, "/planned", "User", "bob")
	obs.mu.Lock()
	defer obs.mu.Unlock()
	assert.Equal(t, []callerRecord{{"/live", router.OutcomeServed, "ada"}, {"/planned", router.OutcomeStubbed, "bob"}}, obs.got)
	assert.Zero(t, obs.requests, "ObserveRequest: got %d calls, want 0", obs.requests)
}

// TestSharedPaths: where two patterns match one path, chi picks the
// pattern, and the method answers of that pattern apply: 405 with its own
// Allow, the URL parameters and r.Pattern of the pattern served.
// TestUndeclaredMethods checks the answers to methods that some route of
// the table declares and to methods that none does (which the Router routes
// on a mux of its own), at the root and mounted in a parent chi router.
func TestUndeclaredMethods(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(r.Method + " id=" + chi.URLParam(r, "id")))
	})
	rt, root := servetest.Serve(t, []router.Route{
		{Method: http.MethodGet, Pattern: "/users/me", Stage: router.Live, Handler: echo},
		{Method: http.MethodPost, Pattern: "/users/{id}", Stage: router.Live, Handler: echo},
		{Method: http.MethodPut, Pattern: "/reports", Stage: router.Planned},
	}, router.Config{})
	parent := chi.NewRouter()
	parent.Use(router.KnownMethods)
	parent.Mount("/api", rt)
	mounted := httptest.NewServer(parent)
	t.Cleanup(mounted.Close)

	tests := []struct {
		name, method, path string
		status             int
		allow, body        string
	}{
		{name: "declared", method: http.MethodPost, path: "/users/42", status: http.StatusOK, body: "POST id=42"},
		{name: "HEAD by GET", method: http.MethodHead, path: "/users/me", status: http.StatusOK},
		{name: "declared elsewhere", method: http.MethodPost, path: "/users/me", status: http.StatusMethodNotAllowed, allow: "GET, HEAD"},
		{name: "declared elsewhere, on a parameter", method: http.MethodGet, path: "/users/42", status: http.StatusMethodNotAllowed, allow: "POST"},
		{name: "declared nowhere", method: http.MethodDelete, path: "/users/me", status: http.StatusMethodNotAllowed, allow: "GET, HEAD"},
		{name: "declared nowhere, on a parameter", method: http.MethodPatch, path: "/users/42", status: http.StatusMethodNotAllowed, allow: "POST"},
		{name: "declared nowhere, on a planned route", method: http.MethodOptions, path: "/reports", status: http.StatusMethodNotAllowed, allow: "PUT"},
		{name: "declared nowhere, no such path", method: http.MethodDelete, path: "/nothing", status: http.StatusNotFound},
		{name: "declared, no such path", method: http.MethodGet, path: "/nothing", status: http.StatusNotFound},
		{name: "unknown method", method: "BREW", path: "/users/me", status: http.StatusNotImplemented},
	}
	for _, srv := range []struct {
		name, prefix string
		srv          *httptest.Server
	}{{"root", "", root}, {"mounted", "/api", mounted}} {
		for _, tt := range tests {
			t.Run(srv.name+"/"+tt.name, func(t *testing.T) {
				a := servetest.Do(t, srv.srv, tt.method, srv.prefix+tt.path)
				assert.Equal(t, tt.status, a.Status)
				assert.Equal(t, tt.allow, a.Header.Get("Allow"))
				if tt.body != "" {
					assert.Equal(t, tt.body, a.Body)
				}
			})
		}
	}
}

func TestSharedPaths(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(r.Pattern + " id=" + chi.URLParam(r, "id")))
	})
	_, srv := servetest.Serve(t, []router.Route{
		{Method: http.MethodGet, Pattern: "/users/me", Stage: router.Live, Handler: echo},
		{Method: http.MethodGet, Pattern: "/users/{id}", Stage: router.Live, Handler: echo},
		{Method: http.MethodDelete, Pattern: "/users/{id}", Stage: router.Live, Handler: echo},
	}, router.Config{})
	tests := []struct {
		name, method, path string
		status             int
		allow, body        string
	}{
		{name: "literal", method: http.MethodGet, path: "/users/me", status: http.StatusOK, body: "/users/me id="},
		{name: "parameter", method: http.MethodGet, path: "/users/42", status: http.StatusOK, body: "/users/{id} id=42"},
		{name: "other method on the literal", method: http.MethodDelete, path: "/users/me", status: http.StatusMethodNotAllowed, allow: "GET, HEAD"},
		{name: "other method on the parameter", method: http.MethodPut, path: "/users/42", status: http.StatusMethodNotAllowed, allow: "GET, HEAD, DELETE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := servetest.Do(t, srv, tt.method, tt.path)
			assert.Equal(t, tt.status, a.Status)
			assert.Equal(t, tt.allow, a.Header.Get("Allow"))
			if tt.body != "" {
				assert.Equal(t, tt.body, a.Body)
			}
		})
	}
}
