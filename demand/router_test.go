package demand_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/router"
)

// TestRouterCounts serves real requests through a router with a Counter as
// its observer: a beta route counts the callers it is off for, not those
// it serves; a hidden planned route counts too (for the operator); a live
// route is not counted; a deprecated route counts every call, browned out
// or not.
func TestRouterCounts(t *testing.T) {
	vip := func(f memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		return ec[openfeature.TargetingKey] == "vip", openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason}
	}
	legacy := func(f memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		return ec[openfeature.TargetingKey] == "legacy", openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason}
	}
	variants := map[string]any{"on": true, "off": false}
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"patch":    {Key: "patch", State: memprovider.Enabled, DefaultVariant: "off", Variants: variants, ContextEvaluator: &vip},
		"brownout": {Key: "brownout", State: memprovider.Enabled, DefaultVariant: "off", Variants: variants, ContextEvaluator: &legacy},
	})))
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})
	c := demand.New(testKey, demand.Options{Secret: secret, Now: func() time.Time { return day0 }})
	rt, err := router.New([]router.Route{
		{Method: http.MethodPatch, Pattern: "/users/{id}", Stage: router.Beta, Flag: "patch", Handler: ok},
		{Method: http.MethodGet, Pattern: "/secret", Stage: router.Planned, Flag: "patch", Handler: ok, Off: router.OffNotFound},
		{Method: http.MethodGet, Pattern: "/users/{id}", Stage: router.Live, Handler: ok},
		{Method: http.MethodGet, Pattern: "/v0/users/{id}", Stage: router.Deprecated, Handler: ok,
			Deprecation: day0.AddDate(-1, 0, 0), Brownout: "brownout"},
	}, router.Config{Flags: openfeature.NewClient(t.Name()), Context: flags.FromHeader("X-User-ID"), Observer: c})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)
	send := func(method, path, user string) int {
		req, err := http.NewRequest(method, srv.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("X-User-ID", user)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, res.Body.Close())
		return res.StatusCode
	}
	for _, u := range []string{"ada", "bob", "vip"} {
		send(http.MethodPatch, "/users/1", u)
		send(http.MethodGet, "/secret", u)
		send(http.MethodGet, "/users/1", u)
	}
	assert.Equal(t, http.StatusOK, send(http.MethodGet, "/v0/users/1", "ada"))
	assert.Equal(t, http.StatusGone, send(http.MethodGet, "/v0/users/1", "legacy"), "browned out")

	rep := c.Report()
	beta := window(t, rep, &router.Route{Method: http.MethodPatch, Pattern: "/users/{id}"}, 7)
	assert.Equal(t, uint64(2), beta.Requests, "ada and bob were not served; vip was")
	assert.Equal(t, uint64(2), beta.Callers)
	hidden := window(t, rep, &router.Route{Method: http.MethodGet, Pattern: "/secret"}, 7)
	assert.Equal(t, uint64(2), hidden.Requests)
	_, counted := rep.Route(http.MethodGet, "/users/{id}")
	assert.False(t, counted, "live routes are not counted")
	v0 := window(t, rep, &router.Route{Method: http.MethodGet, Pattern: "/v0/users/{id}"}, 7)
	assert.Equal(t, uint64(2), v0.Requests)
	assert.Equal(t, uint64(2), v0.Callers)
	require.Len(t, v0.Top, 2)
}
