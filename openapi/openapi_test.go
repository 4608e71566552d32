package openapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/openapi"
	"github.com/roadmap-go/roadmap/router"
)

var (
	deprecatedAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sunsetAt     = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
)

func ok(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"ok":true}`)
}

// testRoutes declares one route of every stage.
func testRoutes() []router.Route {
	h := http.HandlerFunc(ok)
	return []router.Route{
		{Method: http.MethodGet, Pattern: "/users/{id}", Stage: router.Live, Handler: h, Name: "Get user", OperationID: "getUser"},
		{Method: http.MethodPatch, Pattern: "/users/{id}", Stage: router.Beta, Flag: "users-patch", Handler: h, Name: "Patch user", Available: "v1.5", OperationID: "patchUser"},
		{Method: http.MethodDelete, Pattern: "/users/{id}", Stage: router.Planned, Name: "Delete user", Available: "v2.0", OperationID: "deleteUser",
			Example: &router.Example{Status: http.StatusAccepted, Body: []byte(`{"deleted":"42"}`)}},
		{Method: http.MethodPut, Pattern: "/reports/{year:[0-9]{4}}", Stage: router.Planned, Flag: "reports", Handler: h, OperationID: "putReport"},
		{Method: http.MethodGet, Pattern: "/v0/users/{id}", Stage: router.Deprecated, Handler: h, OperationID: "getUserV0",
			Deprecation: deprecatedAt, Sunset: sunsetAt, Docs: "https://example.com/migrate", Successor: "/users/{id}", Brownout: "v0-brownout"},
		{Method: http.MethodGet, Pattern: "/v0/reports", Stage: router.Removed, OperationID: "listReportsV0"},
		{Method: http.MethodGet, Pattern: "/secret", Stage: router.Planned, Flag: "reports", Handler: h, Off: router.OffNotFound, OperationID: "getSecret"},
	}
}

// testFlags are the flags "users-patch" and "reports" of one test, each
// decided by a rule that Set replaces at run time, answered with reason
// TARGETING_MATCH (never cached). It is an in-memory provider of its own
// rather than routertest.Flags: routertest is a module that requires this
// one (its Contract checks answers against openapi's documents), and
// docs/modules.md keeps the requirements between modules one-way.
type testFlags struct {
	client *openfeature.Client
	mu     sync.Mutex
	rules  map[string]func(openfeature.FlattenedContext) bool // guarded by mu
}

// newTestFlags returns flags, scoped to the test, that are on only for the
// targeting key "vip".
func newTestFlags(t *testing.T) *testFlags {
	t.Helper()
	vip := func(ec openfeature.FlattenedContext) bool { return ec[openfeature.TargetingKey] == "vip" }
	f := &testFlags{rules: map[string]func(openfeature.FlattenedContext) bool{"users-patch": vip, "reports": vip}}
	eval := func(fl memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		f.mu.Lock()
		on := f.rules[fl.Key](ec)
		f.mu.Unlock()
		v := "off"
		if on {
			v = "on"
		}
		return fl.Variants[v], openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason, Variant: v}
	}
	defs := map[string]memprovider.InMemoryFlag{}
	for key := range f.rules {
		defs[key] = memprovider.InMemoryFlag{Key: key, State: memprovider.Enabled, DefaultVariant: "off",
			Variants: map[string]any{"on": true, "off": false}, ContextEvaluator: &eval}
	}
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), memprovider.NewInMemoryProvider(defs)))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(t.Name(), openfeature.NoopProvider{}) })
	f.client = openfeature.NewClient(t.Name())
	return f
}

// Client returns the client to pass as router.Config.Flags.
func (f *testFlags) Client() *openfeature.Client { return f.client }

// userFlags returns an evaluator, scoped to the test, whose flags are on only
// for the targeting key "vip".
func userFlags(t *testing.T) *openfeature.Client { return newTestFlags(t).Client() }

// Set switches flag on or off for everyone.
func (f *testFlags) Set(flag string, on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules[flag] = func(openfeature.FlattenedContext) bool { return on }
}

func newRouter(t *testing.T, cfg router.Config) *router.Router {
	t.Helper()
	if cfg.Flags == nil {
		cfg.Flags = userFlags(t)
	}
	if cfg.Context == nil {
		cfg.Context = flags.FromHeader("X-User-ID")
	}
	rt, err := router.New(testRoutes(), cfg)
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	return rt
}

// load marshals doc, loads it back with kin-openapi's loader and validates it.
func load(t *testing.T, doc *openapi3.T) (*openapi3.T, []byte) {
	t.Helper()
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	loader := openapi3.NewLoader()
	got, err := loader.LoadFromData(b)
	require.NoError(t, err)
	require.NoError(t, got.Validate(loader.Context), "%s", b)
	return got, b
}

// removedPaths returns the operations of a loaded document's x-removed
// extension.
func removedPaths(t *testing.T, doc *openapi3.T) *openapi3.Paths {
	t.Helper()
	b, err := json.Marshal(doc.Extensions[openapi.RemovedExtension])
	require.NoError(t, err)
	p := openapi3.NewPaths()
	require.NoError(t, json.Unmarshal(b, p))
	return p
}

func lifecycleOf(t *testing.T, op *openapi3.Operation) openapi.Lifecycle {
	t.Helper()
	b, err := json.Marshal(op.Extensions[openapi.LifecycleExtension])
	require.NoError(t, err)
	var l openapi.Lifecycle
	require.NoError(t, json.Unmarshal(b, &l))
	return l
}

func TestDocument(t *testing.T) {
	rt := newRouter(t, router.Config{})
	doc, raw := load(t, openapi.Document(rt, openapi.Options{}))
	assert.Equal(t, "3.1.0", doc.OpenAPI)
	assert.True(t, doc.IsOpenAPI31OrLater())
	assert.Contains(t, string(raw), `"openapi":"3.1.0"`)

	tests := []struct {
		name       string
		path       string
		method     string
		stage      string
		flag       string
		available  string
		deprecated bool
		removed    bool
		codes      []string
	}{
		{name: "live", path: "/users/{id}", method: "GET", stage: "live", codes: []string{"2XX"}},
		{name: "beta", path: "/users/{id}", method: "PATCH", stage: "beta", flag: "users-patch", available: "v1.5", codes: []string{"2XX", "400", "405", "501"}},
		{name: "planned with example", path: "/users/{id}", method: "DELETE", stage: "planned", available: "v2.0", codes: []string{"2XX", "202", "405", "501"}},
		{name: "planned flip, regexp param", path: "/reports/{year}", method: "PUT", stage: "planned", flag: "reports", codes: []string{"400", "404", "501", "2XX"}},
		{name: "deprecated", path: "/v0/users/{id}", method: "GET", stage: "deprecated", deprecated: true, codes: []string{"410", "2XX"}},
		{name: "removed, under x-removed", path: "/v0/reports", method: "GET", stage: "removed", deprecated: true, removed: true, codes: []string{"410"}},
	}
	removed := removedPaths(t, doc)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paths := doc.Paths
			if tt.removed {
				assert.Nil(t, doc.Paths.Find(tt.path), "a removed route is not in paths")
				paths = removed
			}
			item := paths.Find(tt.path)
			require.NotNil(t, item, "path %s", tt.path)
			op := item.GetOperation(tt.method)
			require.NotNil(t, op)
			l := lifecycleOf(t, op)
			assert.Equal(t, tt.stage, l.Stage)
			assert.Equal(t, tt.flag, l.Flag)
			assert.Equal(t, tt.available, l.Available)
			assert.Nil(t, l.Serving, "a static document says nothing about the caller")
			assert.Equal(t, tt.deprecated, op.Deprecated)
			var codes []string
			for c := range op.Responses.Map() {
				codes = append(codes, c)
			}
			assert.ElementsMatch(t, tt.codes, codes)
			assert.NotEmpty(t, op.Description)
			assert.Equal(t, []string{tt.stage}, op.Tags)
			for _, c := range []string{"501", "410", "405", "404", "400"} {
				if r := op.Responses.Value(c); r != nil {
					mt := r.Value.Content.Get("application/problem+json")
					require.NotNil(t, mt, "response %s", c)
					assert.Equal(t, "#/components/schemas/Problem", mt.Schema.Ref)
				}
			}
		})
	}
	op := doc.Paths.Find("/users/{id}").Get
	assert.Equal(t, "getUser", op.OperationID)
	assert.Equal(t, "Get user", op.Summary)
	require.Len(t, op.Parameters, 1)
	assert.Equal(t, "id", op.Parameters[0].Value.Name)
	assert.Equal(t, "path", op.Parameters[0].Value.In)
	year := doc.Paths.Find("/reports/{year}").Put.Parameters[0].Value
	assert.Equal(t, "^[0-9]{4}$", year.Schema.Value.Pattern)
	assert.Equal(t, "2030-01-01T00:00:00Z", lifecycleOf(t, doc.Paths.Find("/v0/users/{id}").Get).Sunset)

	assert.Nil(t, doc.Paths.Find("/secret"), "a route that hides while off is not documented")

	// What Spectral's spectral:oas asks of every operation in paths: a
	// success response, a description, tags defined at the top.
	defined := map[string]bool{}
	for _, tag := range doc.Tags {
		defined[tag.Name] = tag.Description != ""
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			success := false
			for code := range op.Responses.Map() {
				success = success || code[0] == '2' || code[0] == '3'
			}
			assert.True(t, success, "%s %s documents a success response", method, path)
			assert.NotEmpty(t, op.Description, "%s %s", method, path)
			for _, tag := range op.Tags {
				assert.True(t, defined[tag], "%s %s: tag %q is defined with a description", method, path, tag)
			}
		}
	}

	hidden, _ := load(t, openapi.Document(rt, openapi.Options{HidePlanned: true}))
	assert.Nil(t, hidden.Paths.Find("/reports/{year}"), "planned-only path hidden")
	assert.Nil(t, hidden.Paths.Find("/users/{id}").Delete)
	assert.NotNil(t, hidden.Paths.Find("/users/{id}").Patch, "beta stays")
}

// TestDocumentMatchesAnswers sends a real request for every documented
// response and validates the router's actual answer against the document
// with kin-openapi's response validator.
func TestDocumentMatchesAnswers(t *testing.T) {
	rt := newRouter(t, router.Config{Roadmap: func(r *http.Request) bool { return r.Header.Get("X-Staff") == "1" }})
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)
	doc, _ := load(t, openapi.Document(rt, openapi.Options{Servers: openapi3.Servers{{URL: srv.URL}}}))
	match, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)

	tests := []struct {
		name   string
		method string
		path   string
		header http.Header
		want   int
	}{
		{name: "live", method: "GET", path: "/users/7", want: 200},
		{name: "beta off", method: "PATCH", path: "/users/7", header: http.Header{"X-Staff": {"1"}}, want: 501},
		{name: "beta on", method: "PATCH", path: "/users/7", header: http.Header{"X-User-Id": {"vip"}}, want: 200},
		{name: "beta hidden", method: "PATCH", path: "/users/7", want: 405},
		{name: "planned", method: "DELETE", path: "/users/7", header: http.Header{"X-Staff": {"1"}}, want: 501},
		{name: "planned preview", method: "DELETE", path: "/users/7", header: http.Header{"X-Staff": {"1"}, "Roadmap-Preview": {"example"}}, want: 202},
		{name: "planned hidden alone on path", method: "PUT", path: "/reports/2026", want: 404},
		{name: "deprecated", method: "GET", path: "/v0/users/7", want: 200},
		{name: "removed", method: "GET", path: "/v0/reports", want: 410},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			require.NoError(t, err)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			res, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			require.Equal(t, tt.want, res.StatusCode, "%s", body)

			if tt.want == http.StatusGone {
				// Removed routes are documented under x-removed, out of
				// the paths that client generators read.
				op := removedPaths(t, doc).Find(tt.path).GetOperation(tt.method)
				require.NotNil(t, op)
				assert.NotNil(t, op.Responses.Status(tt.want))
				return
			}
			route, params, err := match.FindRoute(req)
			require.NoError(t, err)
			in := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
					Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
				Status: res.StatusCode,
				Header: res.Header,
			}
			in.SetBodyBytes(body)
			assert.NoError(t, openapi3filter.ValidateResponse(context.Background(), in))
			if tt.want != 200 && tt.want != 202 {
				assert.NotNil(t, route.Operation.Responses.Status(tt.want), "status %d documented", tt.want)
			}
		})
	}
}

func TestDocumentFor(t *testing.T) {
	rt := newRouter(t, router.Config{Roadmap: func(r *http.Request) bool { return r.Header.Get("X-Staff") == "1" }})
	tests := []struct {
		name        string
		header      http.Header
		opts        openapi.Options
		wantPatch   bool
		wantServing bool
		wantDelete  bool
		wantReports bool
		wantSecret  bool
	}{
		{name: "staff, flag off", header: http.Header{"X-Staff": {"1"}}, wantPatch: true, wantDelete: true, wantReports: true},
		{name: "staff, hide planned", header: http.Header{"X-Staff": {"1"}}, opts: openapi.Options{HidePlanned: true}, wantPatch: true},
		{name: "vip, flag on", header: http.Header{"X-User-Id": {"vip"}}, wantPatch: true, wantServing: true, wantReports: true, wantSecret: true},
		{name: "public", header: http.Header{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/openapi.json", nil)
			r.Header = tt.header
			doc, _ := load(t, openapi.DocumentFor(rt, r, tt.opts))
			users := doc.Paths.Find("/users/{id}")
			require.NotNil(t, users)
			assert.Equal(t, tt.wantPatch, users.Patch != nil, "PATCH documented")
			assert.Equal(t, tt.wantDelete, users.Delete != nil, "DELETE documented")
			assert.Equal(t, tt.wantReports, doc.Paths.Find("/reports/{year}") != nil, "reports documented")
			assert.Equal(t, tt.wantSecret, doc.Paths.Find("/secret") != nil, "secret route documented only to whom it serves")
			if users.Patch != nil {
				l := lifecycleOf(t, users.Patch)
				require.NotNil(t, l.Serving)
				assert.Equal(t, tt.wantServing, *l.Serving)
			}
			l := lifecycleOf(t, users.Get)
			require.NotNil(t, l.Serving)
			assert.True(t, *l.Serving)
		})
	}
}

func TestDocumentForStageInForce(t *testing.T) {
	now := sunsetAt.Add(time.Hour)
	rt := newRouter(t, router.Config{Now: func() time.Time { return now }})
	doc, _ := load(t, openapi.DocumentFor(rt, httptest.NewRequest(http.MethodGet, "/", nil), openapi.Options{}))
	assert.Nil(t, doc.Paths.Find("/v0/users/{id}"), "removed in force: out of paths")
	op := removedPaths(t, doc).Find("/v0/users/{id}").Get
	l := lifecycleOf(t, op)
	assert.Equal(t, "removed", l.Stage)
	assert.Equal(t, "deprecated", l.DeclaredStage)
	assert.NotNil(t, op.Responses.Status(http.StatusGone))
}

func TestHandler(t *testing.T) {
	tests := []struct {
		name       string
		opts       openapi.Options
		header     http.Header
		wantDelete bool
		wantPatch  bool
		wantReport bool
		wantCache  string
	}{
		{name: "static, staff", header: http.Header{"X-Staff": {"1"}}, wantDelete: true, wantPatch: true, wantReport: true, wantCache: "private, no-cache"},
		{name: "static, public", header: http.Header{}, wantCache: "private, no-cache"},
		{name: "per request, vip", opts: openapi.Options{PerRequest: true}, header: http.Header{"X-User-Id": {"vip"}}, wantPatch: true, wantReport: true, wantCache: "private, no-store"},
		{name: "per request, public", opts: openapi.Options{PerRequest: true}, header: http.Header{}, wantCache: "private, no-store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := newRouter(t, router.Config{Roadmap: func(r *http.Request) bool { return r.Header.Get("X-Staff") == "1" }})
			h, err := openapi.NewHandler(rt, tt.opts)
			require.NoError(t, err)
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			req, err := http.NewRequest(http.MethodGet, srv.URL+"/openapi.json", nil)
			require.NoError(t, err)
			req.Header = tt.header
			res, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			require.Equal(t, http.StatusOK, res.StatusCode)
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
			assert.Equal(t, tt.wantCache, res.Header.Get("Cache-Control"))
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			loader := openapi3.NewLoader()
			doc, err := loader.LoadFromData(body)
			require.NoError(t, err)
			require.NoError(t, doc.Validate(loader.Context))
			users := doc.Paths.Find("/users/{id}")
			require.NotNil(t, users)
			assert.Equal(t, tt.wantDelete, users.Delete != nil, "planned DELETE documented")
			assert.Equal(t, tt.wantPatch, users.Patch != nil, "beta PATCH documented")
			assert.NotNil(t, users.Get)
			assert.Equal(t, tt.wantReport, doc.Paths.Find("/reports/{year}") != nil, "flippable planned PUT documented")
		})
	}
}

// TestHandlerPerRequestFlips checks that a PerRequest Handler, which keeps
// the documents it rendered last, serves each request the document
// DocumentFor makes for it, across callers and flag flips, and more distinct
// views than it keeps.
func TestHandlerPerRequestFlips(t *testing.T) {
	fl := newTestFlags(t)
	rt := newRouter(t, router.Config{Flags: fl.Client(), Roadmap: func(r *http.Request) bool { return r.Header.Get("X-Staff") == "1" }})
	opts := openapi.Options{PerRequest: true}
	h, err := openapi.NewHandler(rt, opts)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	steps := []struct {
		name      string
		header    http.Header
		flip      func()
		wantPatch bool
	}{
		{name: "vip", header: http.Header{"X-User-Id": {"vip"}}, wantPatch: true},
		{name: "public", header: http.Header{}},
		{name: "vip again", header: http.Header{"X-User-Id": {"vip"}}, wantPatch: true},
		// The same operations, PATCH served to one caller only.
		{name: "staff, reports off for everyone", header: http.Header{"X-Staff": {"1"}}, flip: func() { fl.Set("reports", false) }, wantPatch: true},
		{name: "staff vip", header: http.Header{"X-Staff": {"1"}, "X-User-Id": {"vip"}}, wantPatch: true},
		{name: "public, users-patch on for everyone", header: http.Header{}, flip: func() { fl.Set("users-patch", true) }, wantPatch: true},
		{name: "staff", header: http.Header{"X-Staff": {"1"}}, wantPatch: true},
		{name: "staff vip", header: http.Header{"X-Staff": {"1"}, "X-User-Id": {"vip"}}, wantPatch: true},
		{name: "public, reports on for everyone", header: http.Header{}, flip: func() { fl.Set("reports", true) }, wantPatch: true},
		{name: "public, all off", header: http.Header{}, flip: func() { fl.Set("users-patch", false); fl.Set("reports", false) }},
		{name: "vip, all off", header: http.Header{"X-User-Id": {"vip"}}},
	}
	for _, s := range steps {
		if s.flip != nil {
			s.flip()
		}
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/openapi.json", nil)
		require.NoError(t, err)
		req.Header = s.header
		res, err := srv.Client().Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		require.NoError(t, res.Body.Close())
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode, s.name)

		r := httptest.NewRequest(http.MethodGet, "/openapi.json", nil)
		r.Header = s.header
		want, err := json.Marshal(openapi.DocumentFor(rt, r, opts))
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(body), s.name)
		assert.Equal(t, s.wantPatch, bytes.Contains(body, []byte(`"patchUser"`)), "%s: PATCH documented", s.name)
	}
}
