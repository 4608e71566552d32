package router

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTransactionKey checks that the SDK's transaction-context key is
// found, so that a Router at the top gives handlers their transaction
// context without copying the request again.
func TestTransactionKey(t *testing.T) {
	key := transactionKey()
	require.NotNil(t, key, "OpenFeature's transaction-context key was not found")
	request := openfeature.NewEvaluationContext("alice", map[string]any{"plan": "pro", AttrRoute: "spoofed"})
	route := openfeature.NewEvaluationContext("", map[string]any{AttrRoute: "r"})
	upstream := openfeature.WithTransactionContext(context.Background(),
		openfeature.NewEvaluationContext("bob", map[string]any{"org": "acme", "plan": "free"}))
	fn := func(*http.Request) openfeature.EvaluationContext { return request }
	tests := []struct {
		name   string
		parent context.Context
		set    func(c *requestContext)
		want   openfeature.EvaluationContext
	}{
		{name: "unset", parent: context.Background(), set: func(*requestContext) {}, want: openfeature.EvaluationContext{}},
		{name: "unset, upstream", parent: upstream, set: func(*requestContext) {}, want: openfeature.TransactionContext(upstream)},
		{name: "request", parent: context.Background(), set: func(c *requestContext) { c.setRequest(request) }, want: request},
		{name: "request over upstream", parent: upstream, set: func(c *requestContext) { c.setRequest(request) },
			want: openfeature.NewEvaluationContext("alice", map[string]any{"plan": "pro", AttrRoute: "spoofed", "org": "acme"})},
		{name: "handler: route over request over upstream", parent: upstream, set: func(c *requestContext) { c.setRequest(request).setHandler(route) },
			want: openfeature.NewEvaluationContext("alice", map[string]any{"plan": "pro", AttrRoute: "r", "org": "acme"})},
		{name: "lazy: the same", parent: upstream, set: func(c *requestContext) {
			c.tx.Store(newLazy(route, &entry{path: &pathHandler{rt: c.rt}, x: &entryExtra{ctxFn: fn}}))
		},
			want: openfeature.NewEvaluationContext("alice", map[string]any{"plan": "pro", AttrRoute: "r", "org": "acme"})},
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

// TestServeTop checks how a request reaches a handler: at the top, in the
// requestContext the Router made for it, which holds the transaction
// context and chi's routing context (URL parameters); mounted under a
// parent chi router, in a requestContext made for the evaluation, over the
// parent's routing context.
func TestServeTop(t *testing.T) {
	evaluator := evalFunc(func(context.Context, string, openfeature.EvaluationContext) openfeature.BooleanEvaluationDetails {
		var d openfeature.BooleanEvaluationDetails
		d.Value, d.Reason = true, openfeature.TargetingMatchReason
		return d
	})
	type seen struct {
		routing bool // the requestContext carries chi's routing context
		slot    bool // the transaction context is in a requestContext
		id      string
		txKey   string
	}
	got := make(chan seen, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := r.Context().(*requestContext)
		got <- seen{routing: ok && c.rctx != nil, slot: ok && c.tx.Load() != nil && c.tx.Load().state.Load() == txHandler, id: chi.URLParam(r, "id"), txKey: openfeature.TransactionContext(r.Context()).TargetingKey()}
	})
	rt, err := New([]Route{{Method: http.MethodGet, Pattern: "/items/{id}", Stage: Beta, Flag: "f", Handler: h}},
		Config{Flags: evaluator, Context: func(r *http.Request) openfeature.EvaluationContext {
			return openfeature.NewEvaluationContext(r.Header.Get("User"), nil)
		}})
	require.NoError(t, err)
	parent := chi.NewRouter()
	parent.Mount("/", rt)
	tests := []struct {
		name    string
		handler http.Handler
		want    seen
	}{
		{name: "top", handler: rt, want: seen{routing: true, slot: true, id: "7", txKey: "alice"}},
		{name: "mounted", handler: parent, want: seen{routing: false, slot: true, id: "7", txKey: "alice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/items/7", nil)
			req.Header.Set("User", "alice")
			w := httptest.NewRecorder()
			tt.handler.ServeHTTP(w, req)
			require.Equal(t, http.StatusOK, w.Code)
			assert.Equal(t, tt.want, <-got)
		})
	}
}

// evalFunc is a flags.Evaluator from a function.
type evalFunc func(ctx context.Context, flag string, ec openfeature.EvaluationContext) openfeature.BooleanEvaluationDetails

func (f evalFunc) BooleanValueDetails(ctx context.Context, flag string, _ bool, ec openfeature.EvaluationContext, _ ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error) {
	return f(ctx, flag, ec), nil
}

// TestTransactionContextFromCache: a route served from the Gate's cache of
// static decisions still gives its handler the transaction context at the
// top (made when the handler looks), and none when mounted.
func TestTransactionContextFromCache(t *testing.T) {
	domain := t.Name()
	require.NoError(t, openfeature.SetNamedProviderAndWait(domain, memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"f": {Key: "f", State: memprovider.Enabled, DefaultVariant: "on", Variants: map[string]any{"on": true, "off": false}},
	})))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(domain, openfeature.NoopProvider{}) })
	got := make(chan openfeature.EvaluationContext, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- openfeature.TransactionContext(r.Context()) })
	rt, err := New([]Route{{Method: http.MethodGet, Pattern: "/items/{id}", Stage: Beta, Flag: "f", Name: "Items", Handler: h}},
		Config{Flags: openfeature.NewClient(domain), Context: func(r *http.Request) openfeature.EvaluationContext {
			return openfeature.NewEvaluationContext(r.Header.Get("User"), map[string]any{"plan": "pro"})
		}})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	parent := chi.NewRouter()
	parent.Mount("/", rt)
	serve := func(h http.Handler) openfeature.EvaluationContext {
		req := httptest.NewRequest(http.MethodGet, "/items/7", nil)
		req.Header.Set("User", "alice")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		require.Equal(t, http.StatusOK, w.Code)
		return <-got
	}
	// A request evaluates; its STATIC decision is cached (unless a provider
	// event, delivered asynchronously, dropped it meanwhile: then again).
	var evaluated openfeature.EvaluationContext
	require.Eventually(t, func() bool {
		evaluated = serve(rt)
		_, cached := rt.Gate().Cached("f")
		return cached
	}, 10*time.Second, time.Millisecond, "the static decision is never cached")
	assert.Equal(t, "alice", evaluated.TargetingKey())

	fromCache := serve(rt)
	assert.Equal(t, evaluated, fromCache, "from the cache, at the top: the same transaction context")
	assert.Equal(t, "Items", fromCache.Attribute(AttrRoute))
	assert.Equal(t, "pro", fromCache.Attribute("plan"))

	assert.Equal(t, openfeature.EvaluationContext{}, serve(parent), "from the cache, mounted: none")
}

// TestRouteAttributesWin: the provider sees the ContextFunc's targeting key
// and attributes and the route's attributes, and a ContextFunc attribute
// named like a route attribute does not change the route's, at the top and
// mounted.
func TestRouteAttributesWin(t *testing.T) {
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
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	rt, err := New([]Route{{Method: http.MethodGet, Pattern: "/items/{id}", Stage: Beta, Flag: "f", Name: "Items", Handler: ok}},
		Config{Flags: openfeature.NewClient(domain), Context: func(r *http.Request) openfeature.EvaluationContext {
			return openfeature.NewEvaluationContext(r.Header.Get("User"), map[string]any{"plan": "pro", AttrRoute: r.Header.Get("Route")})
		}})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	parent := chi.NewRouter()
	parent.Mount("/", rt)
	tests := []struct {
		name, user, route string
		want              int
	}{
		{name: "alice", user: "alice", want: http.StatusOK},
		{name: "alice claiming another route", user: "alice", route: "Other", want: http.StatusOK},
		{name: "bob", user: "bob", want: http.StatusNotImplemented},
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
			})
		}
	}
}
