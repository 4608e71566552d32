package router

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
)

// TestTransactionKey checks that the SDK's transaction-context key is
// found, so that a Router at the top gives handlers their transaction
// context without copying the request again.
func TestTransactionKey(t *testing.T) {
	key := transactionKey()
	require.NotNil(t, key, "OpenFeature's transaction-context key was not found")
	request := openfeature.NewEvaluationContext("alice", map[string]any{"plan": "pro", AttrRoute: "own"})
	route := openfeature.NewEvaluationContext("", map[string]any{AttrRoute: "r", AttrStage: "beta"})
	upstream := openfeature.WithTransactionContext(context.Background(),
		openfeature.NewEvaluationContext("bob", map[string]any{"org": "acme", "plan": "free", AttrStage: "up"}))
	tests := []struct {
		name   string
		parent context.Context
		set    func(c *requestContext)
		want   openfeature.EvaluationContext
	}{
		{name: "unset", parent: context.Background(), set: func(*requestContext) {}, want: openfeature.EvaluationContext{}},
		{name: "unset, upstream", parent: upstream, set: func(*requestContext) {}, want: openfeature.TransactionContext(upstream)},
		{name: "route", parent: context.Background(), set: func(c *requestContext) { c.setRoute(route) }, want: route},
		{name: "route over upstream", parent: upstream, set: func(c *requestContext) { c.setRoute(route) },
			want: openfeature.NewEvaluationContext("bob", map[string]any{AttrRoute: "r", AttrStage: "beta", "org": "acme", "plan": "free"})},
		{name: "handler: request over route over upstream", parent: upstream, set: func(c *requestContext) { c.setRoute(route).setHandler(request) },
			want: openfeature.NewEvaluationContext("alice", map[string]any{"plan": "pro", AttrRoute: "own", AttrStage: "beta", "org": "acme"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &requestContext{Context: tt.parent, rt: &Router{txKey: key}}
			tt.set(c)
			assert.Equal(t, tt.want, openfeature.TransactionContext(c))
			assert.Equal(t, tt.want, openfeature.TransactionContext(c), "looked up twice")
		})
	}
}

// TestServeTop checks how a request reaches a handler and what the flag
// rule and the handler see. With an OpenFeature client at the top: in the
// requestContext the Router made for it, which holds the transaction
// context and chi's routing context (URL parameters); mounted under a
// parent chi router, in a requestContext made for the evaluation, over the
// parent's routing context. With any other evaluator: the whole context as
// the invocation context, and a copied request for the handler.
func TestServeTop(t *testing.T) {
	// An OpenFeature client: the router carries the transaction context.
	// Any other evaluator sees the whole context as the invocation
	// context, as before, and gets the route's attributes there.
	on := func(f memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		v := "off"
		if ec[openfeature.TargetingKey] == "alice" && ec[AttrMethod] == http.MethodGet {
			v = "on"
		}
		return f.Variants[v], openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason, Variant: v}
	}
	domain := t.Name()
	require.NoError(t, openfeature.SetNamedProviderAndWait(domain, memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"f": {Key: "f", State: memprovider.Enabled, DefaultVariant: "off", Variants: map[string]any{"on": true, "off": false}, ContextEvaluator: &on},
	})))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(domain, openfeature.NoopProvider{}) })
	fake := evalFunc(func(_ context.Context, _ string, ec openfeature.EvaluationContext) openfeature.BooleanEvaluationDetails {
		var d openfeature.BooleanEvaluationDetails
		d.Value = ec.TargetingKey() == "alice" && ec.Attribute(AttrMethod) == http.MethodGet
		d.Reason = openfeature.TargetingMatchReason
		return d
	})
	type seen struct {
		routing bool // the requestContext carries chi's routing context
		slot    bool // the transaction context is in a requestContext
		id      string
		txKey   string
		method  any // the AttrMethod of the transaction context
	}
	got := make(chan seen, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := r.Context().(*requestContext)
		tc := openfeature.TransactionContext(r.Context())
		got <- seen{routing: ok && c.rctx != nil, slot: ok && c.tx.Load() != nil && c.tx.Load().state.Load() == txHandler,
			id: chi.URLParam(r, "id"), txKey: tc.TargetingKey(), method: tc.Attribute(AttrMethod)}
	})
	cfg := func(ev flags.Evaluator) Config {
		return Config{Flags: ev, Context: func(r *http.Request) openfeature.EvaluationContext {
			return openfeature.NewEvaluationContext(r.Header.Get("User"), nil)
		}}
	}
	routes := []Route{{Method: http.MethodGet, Pattern: "/items/{id}", Stage: Beta, Flag: "f", Handler: h}}
	client, err := New(routes, cfg(openfeature.NewClient(domain)))
	require.NoError(t, err)
	t.Cleanup(client.Close)
	other, err := New(routes, cfg(fake))
	require.NoError(t, err)
	mounted := func(rt *Router) http.Handler {
		parent := chi.NewRouter()
		parent.Mount("/", rt)
		return parent
	}
	tests := []struct {
		name    string
		rt      *Router
		handler http.Handler
		want    seen
	}{
		{name: "client, top", rt: client, handler: client, want: seen{routing: true, slot: true, id: "7", txKey: "alice", method: "GET"}},
		{name: "client, mounted", rt: client, handler: mounted(client), want: seen{routing: false, slot: true, id: "7", txKey: "alice", method: "GET"}},
		{name: "other evaluator, top", rt: other, handler: other, want: seen{id: "7", txKey: "alice", method: "GET"}},
		{name: "other evaluator, mounted", rt: other, handler: mounted(other), want: seen{id: "7", txKey: "alice", method: "GET"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/items/7", nil)
			req.Header.Set("User", "alice")
			w := httptest.NewRecorder()
			tt.handler.ServeHTTP(w, req)
			require.Equal(t, http.StatusOK, w.Code, "the flag rule sees the key and the route's attributes")
			assert.Equal(t, tt.want, <-got)
			assert.True(t, tt.rt.Status(req)[0].Serving, "Status agrees")
		})
	}
}

// evalFunc is a flags.Evaluator from a function.
type evalFunc func(ctx context.Context, flag string, ec openfeature.EvaluationContext) openfeature.BooleanEvaluationDetails

func (f evalFunc) BooleanValueDetails(ctx context.Context, flag string, _ bool, ec openfeature.EvaluationContext, _ ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error) {
	return f(ctx, flag, ec), nil
}

// TestEvaluationContextPriorities: the provider sees the ContextFunc's
// targeting key and attributes over the client's evaluation context, and
// the route's attributes under both, at the top and mounted, as before the
// router stopped copying them; Status agrees with what is served.
func TestEvaluationContextPriorities(t *testing.T) {
	domain := t.Name()
	only := func(f memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		v := "off"
		if ec[openfeature.TargetingKey] == "alice" && ec[AttrRoute] == "Items" && ec["plan"] == "pro" {
			v = "on"
		}
		return f.Variants[v], openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason, Variant: v}
	}
	require.NoError(t, openfeature.SetNamedProviderAndWait(domain, memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"f": {Key: "f", State: memprovider.Enabled, DefaultVariant: "off", Variants: map[string]any{"on": true, "off": false}, ContextEvaluator: &only},
	})))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(domain, openfeature.NoopProvider{}) })
	client := openfeature.NewClient(domain)
	client.SetEvaluationContext(openfeature.NewEvaluationContext("service", map[string]any{"plan": "free"}))
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	rt, err := New([]Route{{Method: http.MethodGet, Pattern: "/items/{id}", Stage: Beta, Flag: "f", Name: "Items", Handler: ok}},
		Config{Flags: client, Context: func(r *http.Request) openfeature.EvaluationContext {
			attrs := map[string]any{"plan": "pro"}
			if route := r.Header.Get("Route"); route != "" {
				attrs[AttrRoute] = route
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
