package router_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/router"
)

// Decide reaches a route's flag decision the way ServeHTTP does, for a
// caller given by its evaluation context: here a flag that serves the beta
// to one user.
func ExampleRouter_Decide() {
	onlyAda := func(f memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		v := "off"
		if ec[openfeature.TargetingKey] == "ada" && ec[router.AttrStage] == "beta" {
			v = "on"
		}
		return f.Variants[v], openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason, Variant: v}
	}
	_ = openfeature.SetNamedProviderAndWait("ExampleRouter_Decide", memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"users-patch": {State: memprovider.Enabled, DefaultVariant: "off", Variants: map[string]any{"on": true, "off": false}, ContextEvaluator: &onlyAda},
	}))
	rt, err := router.New([]router.Route{
		{Method: http.MethodPatch, Pattern: "/api/users/{id}", Stage: router.Beta, Flag: "users-patch", Handler: http.NotFoundHandler()},
	}, router.Config{Flags: openfeature.NewClient("ExampleRouter_Decide"), Context: flags.FromHeader("X-User-ID")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Close()
	for _, user := range []string{"ada", "bob"} {
		d, _ := rt.Decide(context.Background(), nil, http.MethodPatch, "/api/users/{id}", openfeature.NewEvaluationContext(user, nil))
		fmt.Println(user, d.On)
	}
	// Output:
	// ada true
	// bob false
}

// A brownout answers a deprecated route as if it were removed where its
// flag is on, so that the last callers notice before the Sunset.
func ExampleRoute_brownout() {
	_ = openfeature.SetNamedProviderAndWait("ExampleRoute_brownout", memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"v1-brownout": {State: memprovider.Enabled, DefaultVariant: "on", Variants: map[string]any{"on": true, "off": false}},
	}))
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/v1/users", Stage: router.Deprecated, Handler: http.NotFoundHandler(),
			Deprecation: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Successor: "/v2/users", Brownout: "v1-brownout"},
	}, router.Config{Flags: openfeature.NewClient("ExampleRoute_brownout")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Close()
	show(rt, "GET", "/v1/users", "Deprecation", "Link")
	// Output:
	// GET /v1/users -> 410 Deprecation: @1767225600 Link: </v2/users>; rel="successor-version"
	//    {"type":"https://github.com/roadmap-go/roadmap/blob/main/docs/problems.md#removed","title":"Removed","status":410,"detail":"GET is no longer available for this endpoint Use /v2/users instead.","instance":"/v1/users","stage":"removed","route":"GET /v1/users"}
}

// demand counts requests per caller, from the X-User-ID header.
type demand map[string]int

func (d demand) ObserveRequest(*router.Route, router.Stage, router.Outcome) {}

func (d demand) ObserveCaller(_ *router.Route, _ router.Stage, o router.Outcome, r *http.Request) {
	if o == router.OutcomeStubbed {
		d[r.Header.Get("X-User-ID")]++
	}
}

// An Observer that implements CallerObserver learns who asked: here, who
// asks for a planned route. (A real one must be safe for concurrent use.)
func ExampleCallerObserver() {
	d := demand{}
	rt, err := router.New([]router.Route{
		{Method: http.MethodPut, Pattern: "/api/reports/export", Name: "Report export"},
	}, router.Config{Observer: d})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Close()
	for _, user := range []string{"ada", "ada", "bob"} {
		r, _ := http.NewRequest(http.MethodPut, "/api/reports/export", nil)
		r.Header.Set("X-User-ID", user)
		rt.ServeHTTP(discard{}, r)
	}
	fmt.Println(d)
	// Output:
	// map[ada:2 bob:1]
}

// discard is a ResponseWriter that drops the answer.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
