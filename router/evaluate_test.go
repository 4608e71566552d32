package router_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/router"
)

// TestEvaluationContextPriorities: the provider sees the ContextFunc's
// targeting key and attributes over the route's attributes, both over the
// client's evaluation context, at the top and mounted; Status agrees with
// what is served.
func TestEvaluationContextPriorities(t *testing.T) {
	client := targetedClient(t, func(ec openfeature.FlattenedContext) bool {
		return ec[openfeature.TargetingKey] == "alice" && ec[router.AttrRoute] == "Items" && ec["plan"] == "pro"
	})
	client.SetEvaluationContext(openfeature.NewEvaluationContext("service", map[string]any{"plan": "free"}))
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	rt, err := router.New([]router.Route{{Method: http.MethodGet, Pattern: "/items/{id}", Stage: router.Beta, Flag: "f", Name: "Items", Handler: ok}},
		router.Config{Flags: client, Context: func(r *http.Request) openfeature.EvaluationContext {
			attrs := map[string]any{"plan": "pro"}
			if route := r.Header.Get("Route"); route != "" {
				attrs[router.AttrRoute] = route
			}
			return openfeature.NewEvaluationContext(r.Header.Get("User"), attrs)
		}})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	parent := chi.NewRouter()
	parent.Mount("/", rt)
	tests := []struct {
		name, user, route string
		want              int
	}{
		{name: "alice: her key and plan over the client's", user: "alice", want: http.StatusOK},
		{name: "bob", user: "bob", want: http.StatusNotImplemented},
		{name: "a ContextFunc attribute named like a route attribute wins", user: "alice", route: "Other", want: http.StatusNotImplemented},
	}
	for setup, h := range map[string]http.Handler{"top": rt, "mounted": parent} {
		for _, tt := range tests {
			t.Run(setup+"/"+tt.name, func(t *testing.T) {
				req := httptest.NewRequest(http.MethodGet, "/items/7", nil)
				req.Header.Set("User", tt.user)
				req.Header.Set("Route", tt.route)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				assert.Equal(t, tt.want, w.Code)
				assert.Equal(t, tt.want == http.StatusOK, rt.Status(req)[0].Serving, "Status agrees")
			})
		}
	}
}

// TestStatusAgreesWithServeHTTP: a client-level evaluation context that
// contradicts the route attributes (roadmapStage "live" on a beta route)
// changes neither answer, and ServeHTTP, Status, Decide and the Allow of a
// 405 agree, on the SDK client as on a plain Evaluator.
func TestStatusAgreesWithServeHTTP(t *testing.T) {
	client := targetedClient(t, func(ec openfeature.FlattenedContext) bool { return ec[router.AttrStage] == "beta" })
	client.SetEvaluationContext(openfeature.NewEvaluationContext("", map[string]any{router.AttrStage: "live"}))
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	rt, err := router.New([]router.Route{
		{Method: http.MethodPatch, Pattern: "/users/{id}", Stage: router.Beta, Flag: "f", Handler: ok, Off: router.OffNotFound},
		{Method: http.MethodGet, Pattern: "/users/{id}", Stage: router.Live, Handler: ok},
	}, router.Config{Flags: client})
	require.NoError(t, err)
	t.Cleanup(rt.Close)

	w := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPatch, "/users/1", nil)
	rt.ServeHTTP(w, req)
	assert.Equal(t, http.StatusOK, w.Code, "ServeHTTP: got %d, want 200", w.Code)
	assert.True(t, rt.Status(req)[0].Serving, "Status: got false, want true")
	d, found := rt.Decide(req.Context(), nil, http.MethodPatch, "/users/{id}", openfeature.EvaluationContext{})
	require.True(t, found)
	assert.True(t, d.On, "Decide: got off, want on")

	w = httptest.NewRecorder()
	rt.ServeHTTP(w, httptest.NewRequest(http.MethodPut, "/users/1", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
	assert.Equal(t, "GET, HEAD, PATCH", w.Header().Get("Allow"), "the hidden PATCH is listed for a caller it is on for")
}
