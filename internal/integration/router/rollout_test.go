package router_test

// Gradual rollout over real HTTP with the flagd in-process provider on a
// temporary flag file: evaluation context, sticky and monotonic percentages,
// time windows, beta opt-in, scheduled stages, off answers and the roadmap
// predicate. See docs/rollout.md.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/logtest"
	"github.com/roadmap-go/roadmap/internal/rollouttest"
	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/router"
)

// roKeyCount is the number of generated targeting keys the percentage tests
// use, and roTolerance the allowed distance of a measured share from the
// configured one, in percentage points.
const (
	roKeyCount  = 10000
	roTolerance = 1.5
)

// roFlagFile writes a flagd flag file with the given flags (a JSON object of
// flag key to definition) into a new temporary directory.
func roFlagFile(t *testing.T, flagsJSON string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "flags.json")
	roWriteFlags(t, path, flagsJSON)
	return path
}

// roWriteFlags replaces the flag file atomically (write, then rename), the
// way an operator or a config-management tool should.
func roWriteFlags(t *testing.T, path, flagsJSON string) {
	t.Helper()
	doc := `{"$schema": "https://flagd.dev/schema/v0/flags.json", "flags": ` + flagsJSON + `}`
	require.True(t, json.Valid([]byte(doc)), "flag file is not JSON: %s", doc)
	writeFile(t, path, doc)
}

// roWaitVersion waits until the provider serves the flag file whose string
// flag "version" is want: file edits reach the provider asynchronously.
func roWaitVersion(t *testing.T, client *openfeature.Client, want string) {
	t.Helper()
	require.Eventually(t, func() bool {
		v, err := client.StringValue(context.Background(), "version", "", openfeature.EvaluationContext{})
		return err == nil && v == want
	}, 10*time.Second, 5*time.Millisecond, "flag file version %s never applied", want)
}

// roVersionFlag is the definition of the "version" flag roWaitVersion reads.
func roVersionFlag(v string) string {
	return fmt.Sprintf(`"version": {"state": "ENABLED", "variants": {%q: %q}, "defaultVariant": %q}`, v, v, v)
}

// roHandler answers 200 with its name.
func roHandler(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, name)
	})
}

// roPatchRoute is the route the percentage tests roll out: the demo's
// PATCH /api/users/{id}, keyed by X-User-ID.
func roPatchRoute() []router.Route {
	return []router.Route{
		{Method: http.MethodGet, Pattern: "/api/users/{id}", Stage: router.Live, Handler: roHandler("get")},
		{
			Method: http.MethodPatch, Pattern: "/api/users/{id}", Stage: router.Beta,
			Flag: "users-patch", Name: "Partial user update", Handler: roHandler("patched"),
		},
	}
}

// roPercent is the users-patch flag at pct percent, in the shape
// docs/rollout.md prescribes: "on" is the first bucket, the rule is
// bucketed by flagd's default (flag key + targeting key), and requests
// without a targeting key are off.
func roPercent(pct int) string {
	return fmt.Sprintf(`"users-patch": {
		"state": "ENABLED",
		"variants": {"on": true, "off": false},
		"defaultVariant": "off",
		"targeting": {"if": [
			{"var": "targetingKey"},
			{"fractional": [["on", %d], ["off", %d]]},
			"off"
		]}
	}`, pct, 100-pct)
}

// roOnKeys sends PATCH /api/users/1 once per key, as X-User-ID, and returns
// which keys were served.
func roOnKeys(t *testing.T, srv *httptest.Server, keys []string) []bool {
	t.Helper()
	return rollouttest.Served(t, srv.Client(), http.MethodPatch, srv.URL+"/api/users/1", "X-User-ID", keys)
}

// roFractionalServer serves roPatchRoute with flags from the flagd provider
// bound to domain, keyed by X-User-ID.
func roFractionalServer(t *testing.T, client *openfeature.Client) *httptest.Server {
	t.Helper()
	// No evaluation timeout: on a loaded machine a slow evaluation would fail
	// closed (off), and these tests measure bucketing, not the timeout.
	return serveRT(t, roPatchRoute(), router.Config{Flags: client, Context: flags.FromHeader("X-User-ID"),
		FlagOptions: flags.Options{Timeout: -1}})
}

// TestFractionalMonotonic: 10% then 25% of 10,000 generated users, each
// within ±1.5 points, and raising 10% → 25% by editing the flag file keeps
// every user that was on at 10% on.
func TestFractionalMonotonic(t *testing.T) {
	path := roFlagFile(t, `{`+roVersionFlag("10")+`,`+roPercent(10)+`}`)
	client := flagdClient(t, t.Name(), path)
	srv := roFractionalServer(t, client)
	keys := rollouttest.Keys(roKeyCount, 2026)

	at10 := roOnKeys(t, srv, keys)
	share10 := rollouttest.Share(at10)
	assert.InDelta(t, 10, share10, roTolerance, "got %.2f%% on at 10%%", share10)

	roWriteFlags(t, path, `{`+roVersionFlag("25")+`,`+roPercent(25)+`}`)
	roWaitVersion(t, client, "25")
	at25 := roOnKeys(t, srv, keys)
	share25 := rollouttest.Share(at25)
	assert.InDelta(t, 25, share25, roTolerance, "got %.2f%% on at 25%%", share25)

	lost := rollouttest.Lost(at10, at25)
	assert.Zero(t, lost, "got %d users on at 10%% and off at 25%%, want 0", lost)
	t.Logf("on at 10%%: %.2f%%, at 25%%: %.2f%%", share10, share25)
}

// TestFractionalSticky: at 25%, each of 10,000 generated users gets the same
// answer on a second request and after a restart (a new provider instance on
// the same file, a new router).
func TestFractionalSticky(t *testing.T) {
	path := roFlagFile(t, `{`+roPercent(25)+`}`)
	keys := rollouttest.Keys(roKeyCount, 2026)

	client := flagdClient(t, t.Name(), path)
	srv := roFractionalServer(t, client)
	first := roOnKeys(t, srv, keys)
	share := rollouttest.Share(first)
	assert.InDelta(t, 25, share, roTolerance, "got %.2f%% on, want 25%% ± %.1f", share, roTolerance)
	again := roOnKeys(t, srv, keys)

	restarted := roFractionalServer(t, flagdClient(t, t.Name(), path))
	afterRestart := roOnKeys(t, restarted, keys)

	var changed, changedByRestart int
	for i := range keys {
		if first[i] != again[i] {
			changed++
		}
		if first[i] != afterRestart[i] {
			changedByRestart++
		}
	}
	assert.Zero(t, changed, "got %d users whose servetest.Answer changed between two requests, want 0", changed)
	assert.Zero(t, changedByRestart, "got %d users whose servetest.Answer changed across a restart, want 0", changedByRestart)
}

// roFlag is a boolean flag definition: defaultVariant def ("on" or "off")
// and, unless rule is empty, a JsonLogic targeting rule that answers "on" or
// "off".
func roFlag(key, def, rule string) string {
	f := fmt.Sprintf(`%q: {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": %q`, key, def)
	if rule != "" {
		f += `, "targeting": ` + rule
	}
	return f + "}"
}

// roFlags joins flag definitions into the JSON object roFlagFile takes.
func roFlags(defs ...string) string { return "{" + strings.Join(defs, ",") + "}" }

// TestAnonymousIsOff: a request without a targeting key is evaluated
// anonymously: a percentage rollout answers off even at 100%, with the
// route's ordinary off answer, and no evaluation error is logged.
func TestAnonymousIsOff(t *testing.T) {
	full := `{"if": [{"var": "targetingKey"}, {"fractional": [["on", 100], ["off", 0]]}, "off"]}`
	bare := `{"fractional": [["on", 100], ["off", 0]]}`
	path := roFlagFile(t, roFlags(roFlag("wrapped", "off", full), roFlag("bare", "off", bare)))
	client := flagdClient(t, t.Name(), path)
	type ctxKey struct{}
	routes := []router.Route{
		{Method: http.MethodGet, Pattern: "/wrapped", Stage: router.Beta, Flag: "wrapped", Handler: roHandler("wrapped")},
		{Method: http.MethodGet, Pattern: "/bare", Stage: router.Beta, Flag: "bare", Handler: roHandler("bare")},
		{Method: http.MethodGet, Pattern: "/cookie", Stage: router.Beta, Flag: "wrapped", Handler: roHandler("cookie"), Context: flags.FromCookie("visitor")},
		{Method: http.MethodGet, Pattern: "/auth", Stage: router.Beta, Flag: "wrapped", Handler: roHandler("auth"), Context: flags.FromContextValue(ctxKey{})},
		{Method: http.MethodGet, Pattern: "/default", Stage: router.Beta, Flag: "wrapped", Handler: roHandler("default"), Context: flags.Anonymous},
	}
	var logs logtest.Buffer
	srv := serveRT(t, routes, router.Config{
		Flags:   client,
		Context: flags.FromHeader("X-User-ID"),
		Logger:  slog.New(slog.NewTextHandler(&logs, nil)),
	})

	tests := []struct {
		name string
		path string
		hdr  []string
		want int
	}{
		{name: "wrapped rule, header absent", path: "/wrapped", want: http.StatusNotImplemented},
		{name: "wrapped rule, header empty", path: "/wrapped", hdr: []string{"X-User-ID", ""}, want: http.StatusNotImplemented},
		{name: "bare fractional, header absent", path: "/bare", want: http.StatusNotImplemented},
		{name: "cookie absent", path: "/cookie", want: http.StatusNotImplemented},
		{name: "cookie empty", path: "/cookie", hdr: []string{"Cookie", "visitor="}, want: http.StatusNotImplemented},
		{name: "no context value", path: "/auth", want: http.StatusNotImplemented},
		{name: "anonymous context func", path: "/default", hdr: []string{"X-User-ID", "alice"}, want: http.StatusNotImplemented},
		{name: "wrapped rule, keyed", path: "/wrapped", hdr: []string{"X-User-ID", "alice"}, want: http.StatusOK},
		{name: "bare fractional, keyed", path: "/bare", hdr: []string{"X-User-ID", "alice"}, want: http.StatusOK},
		{name: "cookie keyed", path: "/cookie", hdr: []string{"Cookie", "visitor=v-1"}, want: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := servetest.Do(t, srv, http.MethodGet, tt.path, tt.hdr...)
			assert.Equal(t, tt.want, got.Status, "got %d, want %d; body: %s", got.Status, tt.want, got.Body)
			if tt.want == http.StatusNotImplemented {
				assert.Equal(t, float64(501), servetest.Problem(t, got)["status"])
			}
		})
	}
	assert.NotContains(t, logs.String(), "failing closed", "anonymous evaluations must not fail")
}

// roWindow is a rule that is on from start (inclusive) to end (exclusive),
// by flagd's evaluation time $flagd.timestamp (Unix seconds).
func roWindow(start, end time.Time) string {
	return fmt.Sprintf(`{"if": [{"and": [
		{">=": [{"var": "$flagd.timestamp"}, %d]},
		{"<": [{"var": "$flagd.timestamp"}, %d]}
	]}, "on", "off"]}`, start.Unix(), end.Unix())
}

// TestTimeWindowRollout: rules on $flagd.timestamp switch a route on inside
// a time window only, and combine with a percentage: "from this date, 100% of
// identified users". flagd reads its own clock, so the windows are placed an
// hour or more away from now: no test sleeps or depends on timing.
func TestTimeWindowRollout(t *testing.T) {
	now := time.Now()
	hour := time.Hour
	fromDate := func(start time.Time) string {
		return fmt.Sprintf(`{"if": [
			{"<": [{"var": "$flagd.timestamp"}, %d]}, "off",
			{"var": "targetingKey"}, {"fractional": [["on", 100], ["off", 0]]},
			"off"
		]}`, start.Unix())
	}
	path := roFlagFile(t, roFlags(
		roFlag("open", "off", roWindow(now.Add(-hour), now.Add(hour))),
		roFlag("future", "off", roWindow(now.Add(hour), now.Add(2*hour))),
		roFlag("past", "off", roWindow(now.Add(-2*hour), now.Add(-hour))),
		roFlag("started", "off", fromDate(now.Add(-hour))),
		roFlag("not-started", "off", fromDate(now.Add(hour))),
	))
	client := flagdClient(t, t.Name(), path)
	var routes []router.Route
	for _, f := range []string{"open", "future", "past", "started", "not-started"} {
		routes = append(routes, router.Route{Method: http.MethodGet, Pattern: "/" + f, Stage: router.Beta, Flag: f, Handler: roHandler(f)})
	}
	srv := serveRT(t, routes, router.Config{Flags: client, Context: flags.FromHeader("X-User-ID")})

	tests := []struct {
		name string
		path string
		user string
		want int
	}{
		{name: "inside the window", path: "/open", want: http.StatusOK},
		{name: "before the window", path: "/future", want: http.StatusNotImplemented},
		{name: "after the window", path: "/past", want: http.StatusNotImplemented},
		{name: "rollout started, identified", path: "/started", user: "alice", want: http.StatusOK},
		{name: "rollout started, anonymous", path: "/started", want: http.StatusNotImplemented},
		{name: "rollout not started", path: "/not-started", user: "alice", want: http.StatusNotImplemented},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			if tt.user != "" {
				hdr = []string{"X-User-ID", tt.user}
			}
			got := servetest.Do(t, srv, http.MethodGet, tt.path, hdr...)
			assert.Equal(t, tt.want, got.Status, "got %d, want %d; body: %s", got.Status, tt.want, got.Body)
		})
	}
}

// serveRT is servetest.Serve without the router: the server of a router built and
// closed by the test's cleanup.
func serveRT(t *testing.T, routes []router.Route, cfg router.Config) *httptest.Server {
	t.Helper()
	_, srv := servetest.Serve(t, routes, cfg)
	return srv
}

// TestStandardAttributes: flag rules see the route's name, method, pattern
// and stage, so one flag can switch on one route of several that share it.
func TestStandardAttributes(t *testing.T) {
	rule := `{"if": [{"and": [
		{"==": [{"var": "roadmapRoute"}, "Item patch"]},
		{"==": [{"var": "roadmapMethod"}, "PATCH"]},
		{"==": [{"var": "roadmapPattern"}, "/items/{id}"]},
		{"==": [{"var": "roadmapStage"}, "beta"]}
	]}, "on", "off"]}`
	client := flagdClient(t, t.Name(), roFlagFile(t, roFlags(roFlag("items", "off", rule))))
	routes := []router.Route{
		{Method: http.MethodPatch, Pattern: "/items/{id}", Stage: router.Beta, Flag: "items", Name: "Item patch", Handler: roHandler("patch")},
		{Method: http.MethodPut, Pattern: "/items/{id}", Stage: router.Beta, Flag: "items", Name: "Item patch", Handler: roHandler("put")},
		{Method: http.MethodPatch, Pattern: "/things/{id}", Stage: router.Beta, Flag: "items", Name: "Item patch", Handler: roHandler("things")},
		{Method: http.MethodDelete, Pattern: "/items/{id}", Stage: router.Planned, Flag: "items", Name: "Item patch", Handler: roHandler("delete")},
		{Method: http.MethodPost, Pattern: "/items/{id}", Stage: router.Beta, Flag: "items", Name: "Item create", Handler: roHandler("post")},
	}
	srv := serveRT(t, routes, router.Config{Flags: client})
	tests := []struct {
		name   string
		method string
		path   string
		want   int
	}{
		{name: "all attributes match", method: http.MethodPatch, path: "/items/1", want: http.StatusOK},
		{name: "other method", method: http.MethodPut, path: "/items/1", want: http.StatusNotImplemented},
		{name: "other pattern", method: http.MethodPatch, path: "/things/1", want: http.StatusNotImplemented},
		{name: "other stage", method: http.MethodDelete, path: "/items/1", want: http.StatusNotImplemented},
		{name: "other name", method: http.MethodPost, path: "/items/1", want: http.StatusNotImplemented},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := servetest.Do(t, srv, tt.method, tt.path)
			assert.Equal(t, tt.want, got.Status, "got %d, want %d; body: %s", got.Status, tt.want, got.Body)
		})
	}
}

// TestTransactionContextInHandler: a handler served because its flag was on
// evaluates another flag with openfeature.TransactionContext(r.Context()) and
// gets the same context: the targeting key, the router's attributes, the
// opt-ins, and what middleware upstream put in the transaction context.
func TestTransactionContextInHandler(t *testing.T) {
	route := `{"if": [{"in": [{"var": "targetingKey"}, ["alice", "bob"]]}, "on", "off"]}`
	v2 := `{"if": [{"and": [
		{"==": [{"var": "targetingKey"}, "alice"]},
		{"==": [{"var": "roadmapRoute"}, "Item patch"]},
		{"==": [{"var": "plan"}, "pro"]},
		{"in": ["items-patch", {"var": "roadmapOptIn"}]}
	]}, "on", "off"]}`
	client := flagdClient(t, t.Name(), roFlagFile(t, roFlags(roFlag("items-patch", "off", route), roFlag("items-patch-v2", "off", v2))))
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ec := openfeature.TransactionContext(r.Context())
		v2, err := client.BooleanValue(r.Context(), "items-patch-v2", false, ec)
		if err != nil {
			http.Error(w, "nested evaluation failed", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "key=%s v2=%t", ec.TargetingKey(), v2)
	})
	rt, err := router.New([]router.Route{
		{Method: http.MethodPatch, Pattern: "/items/{id}", Stage: router.Beta, Flag: "items-patch", Name: "Item patch", Handler: handler},
	}, router.Config{Flags: client, Context: flags.FromHeader("X-User-ID")})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	// Upstream middleware, e.g. after authentication, sets a transaction
	// context attribute; the router merges its own context into it.
	plan := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := openfeature.WithTransactionContext(r.Context(),
				openfeature.NewEvaluationContext("", map[string]any{"plan": r.Header.Get("Plan")}))
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
	// The router at the top gives the handler its transaction context in
	// the routing context it makes; mounted under a parent chi router, it
	// copies the request. Both must answer alike.
	parent := chi.NewRouter()
	parent.Use(plan)
	parent.Mount("/", rt)
	servers := map[string]*httptest.Server{"top": httptest.NewServer(plan(rt)), "mounted": httptest.NewServer(parent)}
	for _, srv := range servers {
		t.Cleanup(srv.Close)
	}

	tests := []struct {
		name     string
		hdr      []string
		wantCode int
		wantBody string
	}{
		{name: "every condition", hdr: []string{"X-User-ID", "alice", "Plan", "pro", "Roadmap-Beta", "items-patch"}, wantCode: http.StatusOK, wantBody: "key=alice v2=true"},
		{name: "other user", hdr: []string{"X-User-ID", "bob", "Plan", "pro", "Roadmap-Beta", "items-patch"}, wantCode: http.StatusOK, wantBody: "key=bob v2=false"},
		{name: "upstream attribute differs", hdr: []string{"X-User-ID", "alice", "Plan", "free", "Roadmap-Beta", "items-patch"}, wantCode: http.StatusOK, wantBody: "key=alice v2=false"},
		{name: "not opted in", hdr: []string{"X-User-ID", "alice", "Plan", "pro"}, wantCode: http.StatusOK, wantBody: "key=alice v2=false"},
		{name: "route off", hdr: []string{"X-User-ID", "carol", "Plan", "pro"}, wantCode: http.StatusNotImplemented},
	}
	for setup, srv := range servers {
		for _, tt := range tests {
			t.Run(setup+"/"+tt.name, func(t *testing.T) {
				got := servetest.Do(t, srv, http.MethodPatch, "/items/1", tt.hdr...)
				require.Equal(t, tt.wantCode, got.Status, "body: %s", got.Body)
				if tt.wantBody != "" {
					assert.Equal(t, tt.wantBody, got.Body)
				}
			})
		}
	}
}

type roUserKey struct{}

type roUser struct{ id string }

func (u roUser) String() string { return u.id }

// TestContextExtractors: the router's ContextFunc applies to every route
// that does not declare its own; a route's Context overrides it. The header,
// cookie and context-value extractors each key the same flag rule.
func TestContextExtractors(t *testing.T) {
	rule := `{"if": [{"==": [{"var": "targetingKey"}, "alice"]}, "on", "off"]}`
	client := flagdClient(t, t.Name(), roFlagFile(t, roFlags(roFlag("alice-only", "off", rule))))
	beta := func(pattern string, ctx flags.ContextFunc) router.Route {
		return router.Route{Method: http.MethodGet, Pattern: pattern, Stage: router.Beta, Flag: "alice-only", Handler: roHandler(pattern), Context: ctx}
	}
	rt, err := router.New([]router.Route{
		beta("/header", nil),
		beta("/cookie", flags.FromCookie("visitor")),
		beta("/auth", flags.FromContextValue(roUserKey{})),
	}, router.Config{Flags: client, Context: flags.FromHeader("X-User-ID")})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	// A stand-in for authentication middleware: it stores the verified user
	// in the request context (here from a bearer token, unverified).
	auth := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if id, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
				r = r.WithContext(context.WithValue(r.Context(), roUserKey{}, roUser{id}))
			}
			next.ServeHTTP(w, r)
		})
	}
	srv := httptest.NewServer(auth(rt))
	t.Cleanup(srv.Close)

	tests := []struct {
		name string
		path string
		hdr  []string
		want int
	}{
		{name: "router context: header", path: "/header", hdr: []string{"X-User-ID", "alice"}, want: http.StatusOK},
		{name: "router context: other user", path: "/header", hdr: []string{"X-User-ID", "bob"}, want: http.StatusNotImplemented},
		{name: "router context ignores the cookie", path: "/header", hdr: []string{"Cookie", "visitor=alice"}, want: http.StatusNotImplemented},
		{name: "route context: cookie", path: "/cookie", hdr: []string{"Cookie", "visitor=alice"}, want: http.StatusOK},
		{name: "route context overrides the header", path: "/cookie", hdr: []string{"X-User-ID", "alice"}, want: http.StatusNotImplemented},
		{name: "route context: authenticated user", path: "/auth", hdr: []string{"Authorization", "Bearer alice"}, want: http.StatusOK},
		{name: "route context: other authenticated user", path: "/auth", hdr: []string{"Authorization", "Bearer bob", "X-User-ID", "alice"}, want: http.StatusNotImplemented},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := servetest.Do(t, srv, http.MethodGet, tt.path, tt.hdr...)
			assert.Equal(t, tt.want, got.Status, "got %d, want %d; body: %s", got.Status, tt.want, got.Body)
		})
	}
}

// roOptInRule is on when the client opted into name and, if users is not
// empty, is one of them.
func roOptInRule(name string, users ...string) string {
	cond := fmt.Sprintf(`{"in": [%q, {"var": "roadmapOptIn"}]}`, name)
	if len(users) > 0 {
		list, _ := json.Marshal(users)
		cond = fmt.Sprintf(`{"and": [%s, {"in": [{"var": "targetingKey"}, %s]}]}`, cond, list)
	}
	return `{"if": [` + cond + `, "on", "off"]}`
}

// TestOptIn: the names in Roadmap-Beta reach flag rules as roadmapOptIn; a
// flag can require the opt-in and still restrict who gets the route; opting
// in never switches on a flag that is off, disabled or missing; an unknown
// name is a 400 problem naming it; a route served because of an opt-in says
// so in Roadmap-Beta-Applied.
func TestOptIn(t *testing.T) {
	client := flagdClient(t, t.Name(), roFlagFile(t, roFlags(
		roFlag("beta-x", "off", roOptInRule("beta-x")),
		roFlag("beta-named", "off", roOptInRule("beta-named", "alice")),
		roFlag("beta-off", "off", ""),
		roFlag("beta-on", "on", ""),
		`"beta-disabled": {"state": "DISABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"}`,
	)))
	beta := func(flag string) router.Route {
		return router.Route{Method: http.MethodGet, Pattern: "/" + flag, Stage: router.Beta, Flag: flag, Handler: roHandler(flag)}
	}
	routes := []router.Route{
		beta("beta-x"), beta("beta-named"), beta("beta-off"), beta("beta-on"), beta("beta-disabled"), beta("beta-missing"),
		// Promoted to live, keeping its flag key: clients that still opt in
		// keep working.
		{Method: http.MethodGet, Pattern: "/graduated", Stage: router.Live, Flag: "graduated", Handler: roHandler("graduated")},
		{Method: http.MethodGet, Pattern: "/plain", Stage: router.Live, Handler: roHandler("plain")},
	}
	srv := serveRT(t, routes, router.Config{Flags: client, Context: flags.FromHeader("X-User-ID")})

	tests := []struct {
		name        string
		path        string
		user        string
		optIn       []string // one header line each
		want        int
		wantApplied string
		wantUnknown string
	}{
		{name: "not opted in", path: "/beta-x", want: http.StatusNotImplemented},
		{name: "opted in", path: "/beta-x", optIn: []string{"beta-x"}, want: http.StatusOK, wantApplied: "beta-x"},
		{name: "opted in among others", path: "/beta-x", optIn: []string{" beta-named ,beta-x"}, want: http.StatusOK, wantApplied: "beta-x"},
		{name: "opted in on a second header line", path: "/beta-x", optIn: []string{"beta-named", "beta-x"}, want: http.StatusOK, wantApplied: "beta-x"},
		{name: "opted into another feature", path: "/beta-x", optIn: []string{"beta-named"}, want: http.StatusNotImplemented},
		{name: "named user, not opted in", path: "/beta-named", user: "alice", want: http.StatusNotImplemented},
		{name: "opted in, not a named user", path: "/beta-named", user: "bob", optIn: []string{"beta-named"}, want: http.StatusNotImplemented},
		{name: "opted in, anonymous", path: "/beta-named", optIn: []string{"beta-named"}, want: http.StatusNotImplemented},
		{name: "opted in and named user", path: "/beta-named", user: "alice", optIn: []string{"beta-named"}, want: http.StatusOK, wantApplied: "beta-named"},
		{name: "opt-in does not bypass an off flag", path: "/beta-off", optIn: []string{"beta-off"}, want: http.StatusNotImplemented},
		{name: "opt-in does not bypass a disabled flag", path: "/beta-disabled", optIn: []string{"beta-disabled"}, want: http.StatusNotImplemented},
		{name: "opt-in does not bypass a missing flag", path: "/beta-missing", optIn: []string{"beta-missing"}, want: http.StatusNotImplemented},
		{name: "flag on for everyone, opted in", path: "/beta-on", optIn: []string{"beta-on"}, want: http.StatusOK, wantApplied: "beta-on"},
		{name: "flag on for everyone, not opted in", path: "/beta-on", want: http.StatusOK},
		{name: "graduated name still accepted", path: "/beta-x", optIn: []string{"graduated, beta-x"}, want: http.StatusOK, wantApplied: "beta-x"},
		{name: "unknown name", path: "/beta-x", optIn: []string{"beta-x, beta-typo"}, want: http.StatusBadRequest, wantUnknown: "beta-typo"},
		{name: "unknown name on a closed route", path: "/beta-off", optIn: []string{"nope"}, want: http.StatusBadRequest, wantUnknown: "nope"},
		{name: "a path is not a beta name", path: "/beta-x", optIn: []string{"/beta-x"}, want: http.StatusBadRequest, wantUnknown: "/beta-x"},
		// Live routes evaluate no flag, so they do not read the header.
		{name: "live route ignores the header", path: "/plain", optIn: []string{"nope"}, want: http.StatusOK},
		{name: "graduated route ignores the header", path: "/graduated", optIn: []string{"graduated"}, want: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, srv.URL+tt.path, nil)
			require.NoError(t, err)
			if tt.user != "" {
				req.Header.Set("X-User-ID", tt.user)
			}
			for _, v := range tt.optIn {
				req.Header.Add("Roadmap-Beta", v)
			}
			res, err := srv.Client().Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			require.NoError(t, err)
			got := servetest.Answer{Status: res.StatusCode, Header: res.Header, Body: string(body)}

			require.Equal(t, tt.want, got.Status, "body: %s", got.Body)
			assert.Equal(t, tt.wantApplied, got.Header.Get(router.OptInAppliedHeader))
			if tt.wantUnknown != "" {
				p := servetest.Problem(t, got)
				assert.Equal(t, float64(http.StatusBadRequest), p["status"])
				assert.Contains(t, p["detail"], fmt.Sprintf("%q", tt.wantUnknown))
				assert.Contains(t, p["detail"], "Roadmap-Beta")
			}
		})
	}
}

// TestOptInHeaderConfig: the opt-in header can be renamed, or disabled with
// "-" (names are then neither read nor checked), and a caller the roadmap
// predicate rejects gets no 400 that would confirm which names exist.
func TestOptInHeaderConfig(t *testing.T) {
	client := flagdClient(t, t.Name(), roFlagFile(t, roFlags(roFlag("beta-x", "off", roOptInRule("beta-x")))))
	routes := []router.Route{{Method: http.MethodGet, Pattern: "/x", Stage: router.Beta, Flag: "beta-x", Handler: roHandler("x")}}
	renamed := serveRT(t, routes, router.Config{Flags: client, OptInHeader: "acme-beta"})
	disabled := serveRT(t, routes, router.Config{Flags: client, OptInHeader: "-"})
	outsiders := serveRT(t, routes, router.Config{Flags: client, Roadmap: func(*http.Request) bool { return false }})

	tests := []struct {
		name        string
		srv         *httptest.Server
		hdr         []string
		want        int
		wantApplied string
	}{
		{name: "renamed header", srv: renamed, hdr: []string{"Acme-Beta", "beta-x"}, want: http.StatusOK, wantApplied: "beta-x"},
		{name: "renamed: default header ignored", srv: renamed, hdr: []string{"Roadmap-Beta", "beta-x"}, want: http.StatusNotImplemented},
		{name: "renamed: unknown name", srv: renamed, hdr: []string{"Acme-Beta", "typo"}, want: http.StatusBadRequest},
		{name: "disabled: names not read", srv: disabled, hdr: []string{"Roadmap-Beta", "beta-x"}, want: http.StatusNotImplemented},
		{name: "disabled: names not checked", srv: disabled, hdr: []string{"Roadmap-Beta", "typo"}, want: http.StatusNotImplemented},
		{name: "rejected caller: unknown name ignored", srv: outsiders, hdr: []string{"Roadmap-Beta", "typo"}, want: http.StatusNotFound},
		{name: "rejected caller: known name applies", srv: outsiders, hdr: []string{"Roadmap-Beta", "typo, beta-x"}, want: http.StatusOK, wantApplied: "beta-x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := servetest.Do(t, tt.srv, http.MethodGet, "/x", tt.hdr...)
			require.Equal(t, tt.want, got.Status, "body: %s", got.Body)
			assert.Equal(t, tt.wantApplied, got.Header.Get(router.OptInAppliedHeader))
		})
	}
}

// roClock is a clock the test moves by hand.
type roClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *roClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *roClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// TestScheduledStages: with an injected clock, a deprecated route answers 410
// from its Sunset instant on and a route with LiveFrom is served from that
// instant on, its flag no longer consulted (here the flag does not even
// exist); the 405 Allow of a caller who may not see the roadmap follows.
func TestScheduledStages(t *testing.T) {
	deprecation := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sunset := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	ga := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
	clock := &roClock{now: deprecation.Add(24 * time.Hour)}
	client := flagdClient(t, t.Name(), roFlagFile(t, roFlags(roFlag("unrelated", "off", ""))))
	routes := []router.Route{
		{
			Method: http.MethodGet, Pattern: "/v0/users", Stage: router.Deprecated, Name: "Users (v0)",
			Handler: roHandler("v0"), Deprecation: deprecation, Sunset: sunset, Successor: "/v1/users",
		},
		{Method: http.MethodGet, Pattern: "/v1/users", Stage: router.Live, Handler: roHandler("list")},
		{
			Method: http.MethodPost, Pattern: "/v1/users", Stage: router.Beta, Flag: "users-create", Name: "Create user",
			Handler: roHandler("create"), LiveFrom: ga,
		},
		{Method: http.MethodPut, Pattern: "/v1/users", Stage: router.Planned, Name: "Replace users", Handler: roHandler("replace"), LiveFrom: sunset},
	}
	srv := serveRT(t, routes, router.Config{
		Flags: client, Now: clock.Now,
		Roadmap: func(r *http.Request) bool { return r.Header.Get("Viewer") == "staff" },
	})

	steps := []struct {
		name       string
		at         time.Time
		v0         int
		post       int
		put        int
		allowStaff string
		allowOther string
	}{
		{name: "deprecated, before GA", at: deprecation.Add(24 * time.Hour), v0: 200, post: 501, put: 501,
			allowStaff: "GET, HEAD, POST, PUT", allowOther: "GET, HEAD"},
		{name: "one second before GA", at: ga.Add(-time.Second), v0: 200, post: 501, put: 501,
			allowStaff: "GET, HEAD, POST, PUT", allowOther: "GET, HEAD"},
		{name: "at GA", at: ga, v0: 200, post: 200, put: 501,
			allowStaff: "GET, HEAD, POST, PUT", allowOther: "GET, HEAD, POST"},
		{name: "one second before sunset", at: sunset.Add(-time.Second), v0: 200, post: 200, put: 501,
			allowStaff: "GET, HEAD, POST, PUT", allowOther: "GET, HEAD, POST"},
		{name: "at sunset", at: sunset, v0: 410, post: 200, put: 200,
			allowStaff: "GET, HEAD, POST, PUT", allowOther: "GET, HEAD, POST, PUT"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock.Set(st.at)
			v0 := servetest.Do(t, srv, http.MethodGet, "/v0/users")
			require.Equal(t, st.v0, v0.Status, "GET /v0/users: %s", v0.Body)
			assert.Contains(t, v0.Header.Get("Link"), `</v1/users>; rel="successor-version"`)
			if st.v0 == http.StatusGone {
				p := servetest.Problem(t, v0)
				assert.Equal(t, "removed", p["stage"])
				assert.Empty(t, v0.Header.Get("Deprecation"))
			} else {
				assert.Equal(t, fmt.Sprintf("@%d", deprecation.Unix()), v0.Header.Get("Deprecation"))
				assert.Equal(t, sunset.Format(http.TimeFormat), v0.Header.Get("Sunset"))
			}
			post := servetest.Do(t, srv, http.MethodPost, "/v1/users", "Viewer", "staff")
			assert.Equal(t, st.post, post.Status, "POST /v1/users: %s", post.Body)
			put := servetest.Do(t, srv, http.MethodPut, "/v1/users", "Viewer", "staff")
			assert.Equal(t, st.put, put.Status, "PUT /v1/users: %s", put.Body)

			staff := servetest.Do(t, srv, http.MethodDelete, "/v1/users", "Viewer", "staff")
			require.Equal(t, http.StatusMethodNotAllowed, staff.Status)
			assert.Equal(t, st.allowStaff, staff.Header.Get("Allow"))
			other := servetest.Do(t, srv, http.MethodDelete, "/v1/users")
			require.Equal(t, http.StatusMethodNotAllowed, other.Status)
			assert.Equal(t, st.allowOther, other.Header.Get("Allow"))
		})
	}
}

// roSameAnswer asserts that two answers cannot be told apart: same status,
// same headers (but Date) and the same body once each request path, which
// problem bodies carry as "instance", is replaced. Paths of equal length
// keep Content-Length comparable.
func roSameAnswer(t *testing.T, got servetest.Answer, gotPath string, want servetest.Answer, wantPath string) {
	t.Helper()
	require.Equal(t, len(wantPath), len(gotPath), "compare paths of equal length")
	assert.Equal(t, want.Status, got.Status, "status")
	gh, wh := got.Header.Clone(), want.Header.Clone()
	gh.Del("Date")
	wh.Del("Date")
	assert.Equal(t, wh, gh, "headers")
	assert.Equal(t, strings.ReplaceAll(want.Body, wantPath, "{path}"), strings.ReplaceAll(got.Body, gotPath, "{path}"), "body")
}

// TestOffAnswers: what a planned or beta route answers while off, set
// globally (Config.Off, Config.OffHandler) and per route (Route.Off,
// Route.OffHandler), the most specific setting winning: 501 by default, 404
// that cannot be told from an undeclared path (405 with an Allow that omits
// the hidden method on a path with other methods), 403, or any handler.
// A user for whom the flag is on is served whatever the off answer.
func TestOffAnswers(t *testing.T) {
	client := flagdClient(t, t.Name(), roFlagFile(t, roFlags(
		roFlag("secret", "off", `{"if": [{"==": [{"var": "targetingKey"}, "alice"]}, "on", "off"]}`))))
	custom := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "custom off servetest.Answer")
	})
	const (
		want501    = "501"
		want404    = "hidden"
		want403    = "403"
		wantCustom = "custom"
	)
	tests := []struct {
		name           string
		cfgOff         router.OffAnswer
		cfgHandler     http.Handler
		routeOff       router.OffAnswer
		routeHandler   http.Handler
		want           string
		wantAllowMixed string // Allow of an undeclared method on /mixed
	}{
		{name: "default", want: want501, wantAllowMixed: "GET, HEAD, PUT"},
		{name: "global 501", cfgOff: router.OffNotImplemented, want: want501, wantAllowMixed: "GET, HEAD, PUT"},
		{name: "global 404", cfgOff: router.OffNotFound, want: want404, wantAllowMixed: "GET, HEAD"},
		{name: "route 404", routeOff: router.OffNotFound, want: want404, wantAllowMixed: "GET, HEAD"},
		{name: "global 403", cfgOff: router.OffForbidden, want: want403, wantAllowMixed: "GET, HEAD, PUT"},
		{name: "route 403", routeOff: router.OffForbidden, want: want403, wantAllowMixed: "GET, HEAD, PUT"},
		{name: "global handler", cfgHandler: custom, want: wantCustom, wantAllowMixed: "GET, HEAD, PUT"},
		{name: "route handler", routeHandler: custom, want: wantCustom, wantAllowMixed: "GET, HEAD, PUT"},
		{name: "route handler over global 404", cfgOff: router.OffNotFound, routeHandler: custom, want: wantCustom, wantAllowMixed: "GET, HEAD, PUT"},
		{name: "route 501 over global handler", cfgHandler: custom, routeOff: router.OffNotImplemented, want: want501, wantAllowMixed: "GET, HEAD, PUT"},
		{name: "route 404 over global handler", cfgHandler: custom, routeOff: router.OffNotFound, want: want404, wantAllowMixed: "GET, HEAD"},
		{name: "route 403 over global 404", cfgOff: router.OffNotFound, routeOff: router.OffForbidden, want: want403, wantAllowMixed: "GET, HEAD, PUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gated := func(method, pattern string) router.Route {
				return router.Route{Method: method, Pattern: pattern, Stage: router.Beta, Flag: "secret", Name: "Secret",
					Handler: roHandler("secret"), Off: tt.routeOff, OffHandler: tt.routeHandler}
			}
			srv := serveRT(t, []router.Route{
				gated(http.MethodGet, "/hidden"),
				{Method: http.MethodGet, Pattern: "/mixed", Stage: router.Live, Handler: roHandler("mixed")},
				gated(http.MethodPut, "/mixed"),
			}, router.Config{Flags: client, Context: flags.FromHeader("X-User-ID"), Off: tt.cfgOff, OffHandler: tt.cfgHandler})

			for _, user := range []string{"", "bob"} {
				got := servetest.Do(t, srv, http.MethodGet, "/hidden", "X-User-ID", user)
				switch tt.want {
				case want501:
					require.Equal(t, http.StatusNotImplemented, got.Status)
					assert.Equal(t, "Secret is not yet available. Check back in a future release.", servetest.Problem(t, got)["detail"])
				case want403:
					require.Equal(t, http.StatusForbidden, got.Status)
					assert.Equal(t, float64(http.StatusForbidden), servetest.Problem(t, got)["status"])
					assert.NotContains(t, got.Body, "Secret")
				case wantCustom:
					assert.Equal(t, http.StatusTeapot, got.Status)
					assert.Equal(t, "custom off servetest.Answer", got.Body)
				case want404:
					absent := servetest.Do(t, srv, http.MethodGet, "/absent", "X-User-ID", user)
					require.Equal(t, http.StatusNotFound, absent.Status)
					roSameAnswer(t, got, "/hidden", absent, "/absent")
					head := servetest.Do(t, srv, http.MethodHead, "/hidden", "X-User-ID", user)
					headAbsent := servetest.Do(t, srv, http.MethodHead, "/absent", "X-User-ID", user)
					roSameAnswer(t, head, "/hidden", headAbsent, "/absent")
					put := servetest.Do(t, srv, http.MethodPut, "/mixed", "X-User-ID", user)
					undeclared := servetest.Do(t, srv, http.MethodPost, "/mixed", "X-User-ID", user)
					require.Equal(t, http.StatusMethodNotAllowed, undeclared.Status)
					roSameAnswer(t, put, "/mixed", undeclared, "/mixed")
				}
				undeclared := servetest.Do(t, srv, http.MethodDelete, "/mixed", "X-User-ID", user)
				require.Equal(t, http.StatusMethodNotAllowed, undeclared.Status)
				assert.Equal(t, tt.wantAllowMixed, undeclared.Header.Get("Allow"))
			}
			on := servetest.Do(t, srv, http.MethodGet, "/hidden", "X-User-ID", "alice")
			assert.Equal(t, http.StatusOK, on.Status, "flag on: %s", on.Body)
			assert.Equal(t, "secret", on.Body)
		})
	}
}

// TestRoadmapPredicate: callers the Roadmap predicate rejects get, for a
// route that is off, exactly the answer of an undeclared path or method (the
// 405 Allow lists only public methods), whatever the off answer; everyone
// else gets the 501 with its detail. Routes that are on, removed or
// deprecated answer alike for both.
func TestRoadmapPredicate(t *testing.T) {
	client := flagdClient(t, t.Name(), roFlagFile(t, roFlags(
		roFlag("things", "off", `{"if": [{"==": [{"var": "targetingKey"}, "alice"]}, "on", "off"]}`))))
	routes := []router.Route{
		{Method: http.MethodGet, Pattern: "/planned", Stage: router.Planned, Flag: "things", Name: "Thing", Available: "v3", Handler: roHandler("thing")},
		{Method: http.MethodGet, Pattern: "/mixed", Stage: router.Live, Handler: roHandler("mixed")},
		{Method: http.MethodPut, Pattern: "/mixed", Stage: router.Beta, Flag: "things", Handler: roHandler("put"),
			Example: &router.Example{Body: []byte(`{"example": true}`)}},
		{Method: http.MethodGet, Pattern: "/gone", Stage: router.Removed, Name: "Gone"},
	}
	staffOnly := func(r *http.Request) bool { return r.Header.Get("Viewer") == "staff" }
	srv := serveRT(t, routes, router.Config{Flags: client, Context: flags.FromHeader("X-User-ID"), Roadmap: staffOnly})
	forbidding := serveRT(t, routes, router.Config{Flags: client, Context: flags.FromHeader("X-User-ID"), Roadmap: staffOnly, Off: router.OffForbidden})

	t.Run("staff sees the 501 with its detail", func(t *testing.T) {
		got := servetest.Do(t, srv, http.MethodGet, "/planned", "Viewer", "staff")
		require.Equal(t, http.StatusNotImplemented, got.Status)
		p := servetest.Problem(t, got)
		assert.Equal(t, "Thing is not yet available. Check back in a future release.", p["detail"])
		assert.Equal(t, "v3", p["available"])
		assert.Equal(t, "planned", p["stage"])
	})
	t.Run("outsider gets the 404 of an undeclared path", func(t *testing.T) {
		for _, s := range []*httptest.Server{srv, forbidding} {
			got := servetest.Do(t, s, http.MethodGet, "/planned")
			absent := servetest.Do(t, s, http.MethodGet, "/missing")
			require.Equal(t, http.StatusNotFound, absent.Status)
			roSameAnswer(t, got, "/planned", absent, "/missing")
			assert.NotContains(t, got.Body, "Thing")
		}
	})
	t.Run("outsider gets the 405 of an undeclared method", func(t *testing.T) {
		got := servetest.Do(t, srv, http.MethodPut, "/mixed")
		undeclared := servetest.Do(t, srv, http.MethodPatch, "/mixed")
		require.Equal(t, http.StatusMethodNotAllowed, undeclared.Status)
		assert.Equal(t, "GET, HEAD", undeclared.Header.Get("Allow"))
		roSameAnswer(t, got, "/mixed", undeclared, "/mixed")
	})
	t.Run("outsider asking for a preview gets the 405", func(t *testing.T) {
		got := servetest.Do(t, srv, http.MethodPut, "/mixed", router.PreviewHeader, "example")
		assert.Equal(t, http.StatusMethodNotAllowed, got.Status)
		assert.Empty(t, got.Header.Get(router.ExampleHeader))
	})
	t.Run("staff sees every method in Allow", func(t *testing.T) {
		got := servetest.Do(t, srv, http.MethodPatch, "/mixed", "Viewer", "staff")
		require.Equal(t, http.StatusMethodNotAllowed, got.Status)
		assert.Equal(t, "GET, HEAD, PUT", got.Header.Get("Allow"))
	})
	t.Run("staff gets the configured off servetest.Answer", func(t *testing.T) {
		got := servetest.Do(t, forbidding, http.MethodGet, "/planned", "Viewer", "staff")
		assert.Equal(t, http.StatusForbidden, got.Status)
	})
	t.Run("outsider whose flag is on is served", func(t *testing.T) {
		got := servetest.Do(t, srv, http.MethodGet, "/planned", "X-User-ID", "alice")
		assert.Equal(t, http.StatusOK, got.Status)
		assert.Equal(t, "thing", got.Body)
	})
	t.Run("outsider gets 410 for a removed route", func(t *testing.T) {
		got := servetest.Do(t, srv, http.MethodGet, "/gone")
		assert.Equal(t, http.StatusGone, got.Status)
	})
	// Allow lists what the caller is served: for an outsider inside the
	// rollout, the beta method that is on for them too.
	t.Run("outsider whose flag is on sees its method in Allow", func(t *testing.T) {
		tests := []struct {
			name, method, path, user string
			want                     int
			allow                    string
		}{
			{name: "alice, other method of a mixed path", method: http.MethodPatch, path: "/mixed", user: "alice", want: http.StatusMethodNotAllowed, allow: "GET, HEAD, PUT"},
			{name: "bob, other method of a mixed path", method: http.MethodPatch, path: "/mixed", user: "bob", want: http.StatusMethodNotAllowed, allow: "GET, HEAD"},
			{name: "alice, other method of a planned path", method: http.MethodPost, path: "/planned", user: "alice", want: http.StatusMethodNotAllowed, allow: "GET, HEAD"},
			{name: "bob, other method of a planned path", method: http.MethodPost, path: "/planned", user: "bob", want: http.StatusNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := servetest.Do(t, srv, tt.method, tt.path, "X-User-ID", tt.user)
				require.Equal(t, tt.want, got.Status, "body: %s", got.Body)
				assert.Equal(t, tt.allow, got.Header.Get("Allow"))
			})
		}
	})
}

// TestStatusSeesOptIn: Router.Status, which introspection endpoints use,
// evaluates with the client's opt-ins like ServeHTTP does, and ignores
// unknown names instead of failing.
func TestStatusSeesOptIn(t *testing.T) {
	client := flagdClient(t, t.Name(), roFlagFile(t, roFlags(roFlag("beta-x", "off", roOptInRule("beta-x")))))
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/x", Stage: router.Beta, Flag: "beta-x", Handler: roHandler("x")},
	}, router.Config{Flags: client})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	tests := []struct {
		name  string
		optIn string
		want  bool
	}{
		{name: "not opted in", want: false},
		{name: "opted in", optIn: "beta-x", want: true},
		{name: "opted in, with an unknown name", optIn: "typo, beta-x", want: true},
		{name: "unknown name only", optIn: "typo", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			if tt.optIn != "" {
				r.Header.Set(router.DefaultOptInHeader, tt.optIn)
			}
			st := rt.Status(r)
			require.Len(t, st, 1)
			assert.Equal(t, tt.want, st[0].Serving, "got %v, want %v", st[0].Serving, tt.want)
		})
	}
}
