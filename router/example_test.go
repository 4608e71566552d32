package router_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/router"
)

// show sends one request to h and prints the status, the headers named and
// the body's first line.
func show(h http.Handler, method, path string, headers ...string) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, path, nil))
	res := w.Result()
	b, _ := io.ReadAll(res.Body)
	fmt.Print(method, " ", path, " -> ", res.StatusCode)
	for _, h := range headers {
		fmt.Printf(" %s: %s", h, res.Header.Get(h))
	}
	fmt.Println()
	if body := strings.TrimSpace(string(b)); body != "" {
		fmt.Println("  ", body)
	}
}

// Declare the API with its roadmap: GET and POST /api/feature are live, PUT
// is planned behind the flag "feature-write", and report export is planned
// with a name and a target release.
func ExampleNew() {
	// Any OpenFeature provider; an in-memory one here, under its own domain.
	provider := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"feature-write": {State: memprovider.Enabled, DefaultVariant: "off",
			Variants: map[string]any{"on": true, "off": false}},
	})
	_ = openfeature.SetNamedProviderAndWait("ExampleNew", provider)

	ok := func(msg string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, msg) })
	}
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/api/feature", Stage: router.Live, Handler: ok("feature")},
		{Method: http.MethodPost, Pattern: "/api/feature", Stage: router.Live, Handler: ok("created")},
		{Method: http.MethodPut, Pattern: "/api/feature", Stage: router.Planned, Flag: "feature-write", Handler: ok("replaced")},
		{Method: http.MethodPut, Pattern: "/api/reports/export", Stage: router.Planned,
			Name: "Report export", Available: "v2.0"},
	}, router.Config{Flags: openfeature.NewClient("ExampleNew")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Close()

	show(rt, "GET", "/api/feature")
	show(rt, "PUT", "/api/feature", "Cache-Control")
	show(rt, "DELETE", "/api/feature", "Allow")
	show(rt, "PUT", "/api/reports/export")
	// Output:
	// GET /api/feature -> 200
	//    feature
	// PUT /api/feature -> 501 Cache-Control: no-store
	//    {"type":"https://github.com/roadmap-go/roadmap/blob/main/docs/problems.md#not-yet-available","title":"Not yet available","status":501,"detail":"PUT is not yet implemented for this endpoint","instance":"/api/feature","stage":"planned","route":"PUT /api/feature"}
	// DELETE /api/feature -> 405 Allow: GET, HEAD, POST, PUT
	//    {"type":"https://github.com/roadmap-go/roadmap/blob/main/docs/problems.md#method-not-allowed","title":"Method not allowed","status":405,"detail":"The request method is not supported by this resource; see the Allow header.","instance":"/api/feature"}
	// PUT /api/reports/export -> 501
	//    {"type":"https://github.com/roadmap-go/roadmap/blob/main/docs/problems.md#not-yet-available","title":"Not yet available","status":501,"detail":"Report export is not yet available. Check back in a future release.","instance":"/api/reports/export","stage":"planned","route":"PUT /api/reports/export","available":"v2.0"}
}

// A flag flip takes effect on the next request, without a restart. (NoCache
// makes the flip synchronous for this example; by default a static decision
// is cached until the provider reports the change.)
func ExampleNew_flip() {
	provider := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"reports-export": {State: memprovider.Enabled, DefaultVariant: "off",
			Variants: map[string]any{"on": true, "off": false}},
	})
	_ = openfeature.SetNamedProviderAndWait("ExampleNew_flip", provider)

	rt, _ := router.New([]router.Route{{
		Method: http.MethodPut, Pattern: "/api/reports/export", Stage: router.Planned,
		Flag: "reports-export", Name: "Report export",
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprintln(w, `{"job":"export-1","status":"queued"}`)
		}),
	}}, router.Config{
		Flags:       openfeature.NewClient("ExampleNew_flip"),
		FlagOptions: flags.Options{NoCache: true},
	})
	defer rt.Close()

	show(rt, "PUT", "/api/reports/export")
	provider.UpdateFlags(map[string]memprovider.InMemoryFlag{
		"reports-export": {State: memprovider.Enabled, DefaultVariant: "on",
			Variants: map[string]any{"on": true, "off": false}},
	})
	show(rt, "PUT", "/api/reports/export")
	// Output:
	// PUT /api/reports/export -> 501
	//    {"type":"https://github.com/roadmap-go/roadmap/blob/main/docs/problems.md#not-yet-available","title":"Not yet available","status":501,"detail":"Report export is not yet available. Check back in a future release.","instance":"/api/reports/export","stage":"planned","route":"PUT /api/reports/export"}
	// PUT /api/reports/export -> 202
	//    {"job":"export-1","status":"queued"}
}

// Deprecated routes carry their lifecycle in headers; removed ones answer
// 410.
func ExampleNew_deprecated() {
	rt, _ := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/api/v0/users/{id}", Stage: router.Deprecated,
			Handler:     http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}),
			Deprecation: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Sunset: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
			Docs: "https://example.com/docs/migrate-v0", Successor: "/api/users/{id}"},
		{Method: http.MethodGet, Pattern: "/api/v0/reports", Stage: router.Removed, Name: "Reports (v0)"},
	}, router.Config{Now: func() time.Time { return time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC) }})
	defer rt.Close()

	show(rt, "GET", "/api/v0/users/1", "Deprecation", "Sunset")
	show(rt, "GET", "/api/v0/reports")
	// Output:
	// GET /api/v0/users/1 -> 200 Deprecation: @1767225600 Sunset: Tue, 01 Jan 2030 00:00:00 GMT
	// GET /api/v0/reports -> 410
	//    {"type":"https://github.com/roadmap-go/roadmap/blob/main/docs/problems.md#removed","title":"Removed","status":410,"detail":"Reports (v0) has been removed.","instance":"/api/v0/reports","stage":"removed","route":"GET /api/v0/reports"}
}

// Mount the router in an application's chi router. KnownMethods makes
// methods the server does not know answer 501 on every path (chi alone
// answers 405), and the parent's middleware applies to the roadmap's routes.
func ExampleKnownMethods() {
	rt, _ := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/users/{id}", Stage: router.Live,
			Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintln(w, "user", chi.URLParam(r, "id"))
			})},
	}, router.Config{})
	defer rt.Close()

	app := chi.NewRouter()
	app.Use(router.KnownMethods)
	app.NotFound(rt.NotFound)
	app.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	app.Mount("/api", rt)

	show(app, "GET", "/api/users/7")
	show(app, "BREW", "/api/users/7")
	show(app, "BREW", "/healthz")
	show(app, "DELETE", "/api/users/7", "Allow")
	// Output:
	// GET /api/users/7 -> 200
	//    user 7
	// BREW /api/users/7 -> 501
	//    {"type":"https://github.com/roadmap-go/roadmap/blob/main/docs/problems.md#unknown-method","title":"Unknown method","status":501,"detail":"The request method is not recognised by this server.","instance":"/api/users/7"}
	// BREW /healthz -> 501
	//    {"type":"https://github.com/roadmap-go/roadmap/blob/main/docs/problems.md#unknown-method","title":"Unknown method","status":501,"detail":"The request method is not recognised by this server.","instance":"/healthz"}
	// DELETE /api/users/7 -> 405 Allow: GET, HEAD
	//    {"type":"https://github.com/roadmap-go/roadmap/blob/main/docs/problems.md#method-not-allowed","title":"Method not allowed","status":405,"detail":"The request method is not supported by this resource; see the Allow header.","instance":"/api/users/7"}
}
