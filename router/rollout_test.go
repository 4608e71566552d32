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
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	flagd "github.com/open-feature/go-sdk-contrib/providers/flagd/pkg"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/router"
)

// roKeyCount is the number of generated targeting keys the percentage tests
// use, and roTolerance the allowed distance of a measured share from the
// configured one, in percentage points.
const (
	roKeyCount  = 10000
	roTolerance = 1.5
)

// roKeys returns n distinct pseudo-random targeting keys, the same on every
// run, shaped like the opaque ids a real user table has.
func roKeys(n int) []string {
	rng := rand.New(rand.NewPCG(2026, 3))
	keys := make([]string, n)
	seen := make(map[string]bool, n)
	for i := 0; i < n; {
		k := fmt.Sprintf("u-%016x", rng.Uint64())
		if seen[k] {
			continue
		}
		seen[k] = true
		keys[i] = k
		i++
	}
	return keys
}

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
	tmp := path + ".tmp"
	require.NoError(t, os.WriteFile(tmp, []byte(doc), 0o644))
	require.NoError(t, os.Rename(tmp, path))
}

// roFlagd starts a flagd in-process provider on the flag file at path, binds
// it to domain (replacing, and so shutting down, the provider bound before)
// and returns a client of that domain.
func roFlagd(t *testing.T, domain, path string) *openfeature.Client {
	t.Helper()
	p, err := flagd.NewProvider(flagd.WithFileResolver(), flagd.WithOfflineFilePath(path))
	require.NoError(t, err)
	require.NoError(t, openfeature.SetNamedProviderAndWait(domain, p))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(domain, openfeature.NoopProvider{}) })
	return openfeature.NewClient(domain)
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
// which keys were served (200). Any other answer than 200 or 501 fails the
// test. Requests run on a few connections at once.
func roOnKeys(t *testing.T, srv *httptest.Server, keys []string) []bool {
	t.Helper()
	on := make([]bool, len(keys))
	const workers = 4
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(keys); i += workers {
				req, err := http.NewRequest(http.MethodPatch, srv.URL+"/api/users/1", nil)
				if err != nil {
					errs <- err
					return
				}
				req.Header.Set("X-User-ID", keys[i])
				res, err := srv.Client().Do(req)
				if err != nil {
					errs <- err
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				switch res.StatusCode {
				case http.StatusOK:
					on[i] = true
				case http.StatusNotImplemented:
				default:
					errs <- fmt.Errorf("key %s: status %d, want 200 or 501", keys[i], res.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	return on
}

// roShare returns the percentage of true values.
func roShare(on []bool) float64 {
	n := 0
	for _, v := range on {
		if v {
			n++
		}
	}
	return 100 * float64(n) / float64(len(on))
}

// roFractionalServer serves roPatchRoute with flags from the flagd provider
// bound to domain, keyed by X-User-ID.
func roFractionalServer(t *testing.T, client *openfeature.Client) *httptest.Server {
	t.Helper()
	return serveRT(t, roPatchRoute(), router.Config{Flags: client, Context: flags.FromHeader("X-User-ID")})
}

// TestFractionalMonotonic: 10% then 25% of 10,000 generated users, each
// within ±1.5 points, and raising 10% → 25% by editing the flag file keeps
// every user that was on at 10% on.
func TestFractionalMonotonic(t *testing.T) {
	path := roFlagFile(t, `{`+roVersionFlag("10")+`,`+roPercent(10)+`}`)
	client := roFlagd(t, t.Name(), path)
	srv := roFractionalServer(t, client)
	keys := roKeys(roKeyCount)

	at10 := roOnKeys(t, srv, keys)
	share10 := roShare(at10)
	assert.InDelta(t, 10, share10, roTolerance, "got %.2f%% on at 10%%", share10)

	roWriteFlags(t, path, `{`+roVersionFlag("25")+`,`+roPercent(25)+`}`)
	roWaitVersion(t, client, "25")
	at25 := roOnKeys(t, srv, keys)
	share25 := roShare(at25)
	assert.InDelta(t, 25, share25, roTolerance, "got %.2f%% on at 25%%", share25)

	lost := 0
	for i := range keys {
		if at10[i] && !at25[i] {
			lost++
		}
	}
	assert.Zero(t, lost, "got %d users on at 10%% and off at 25%%, want 0", lost)
	t.Logf("on at 10%%: %.2f%%, at 25%%: %.2f%%", share10, share25)
}

// TestFractionalSticky: at 25%, each of 10,000 generated users gets the same
// answer on a second request and after a restart (a new provider instance on
// the same file, a new router).
func TestFractionalSticky(t *testing.T) {
	path := roFlagFile(t, `{`+roPercent(25)+`}`)
	keys := roKeys(roKeyCount)

	client := roFlagd(t, t.Name(), path)
	srv := roFractionalServer(t, client)
	first := roOnKeys(t, srv, keys)
	share := roShare(first)
	assert.InDelta(t, 25, share, roTolerance, "got %.2f%% on, want 25%% ± %.1f", share, roTolerance)
	again := roOnKeys(t, srv, keys)

	restarted := roFractionalServer(t, roFlagd(t, t.Name(), path))
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
	assert.Zero(t, changed, "got %d users whose answer changed between two requests, want 0", changed)
	assert.Zero(t, changedByRestart, "got %d users whose answer changed across a restart, want 0", changedByRestart)
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
	client := roFlagd(t, t.Name(), path)
	type ctxKey struct{}
	routes := []router.Route{
		{Method: http.MethodGet, Pattern: "/wrapped", Stage: router.Beta, Flag: "wrapped", Handler: roHandler("wrapped")},
		{Method: http.MethodGet, Pattern: "/bare", Stage: router.Beta, Flag: "bare", Handler: roHandler("bare")},
		{Method: http.MethodGet, Pattern: "/cookie", Stage: router.Beta, Flag: "wrapped", Handler: roHandler("cookie"), Context: flags.FromCookie("visitor")},
		{Method: http.MethodGet, Pattern: "/auth", Stage: router.Beta, Flag: "wrapped", Handler: roHandler("auth"), Context: flags.FromContextValue(ctxKey{})},
		{Method: http.MethodGet, Pattern: "/default", Stage: router.Beta, Flag: "wrapped", Handler: roHandler("default"), Context: flags.Anonymous},
	}
	var logs syncBuffer
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
			got := do(t, srv, http.MethodGet, tt.path, tt.hdr...)
			assert.Equal(t, tt.want, got.status, "got %d, want %d; body: %s", got.status, tt.want, got.body)
			if tt.want == http.StatusNotImplemented {
				assert.Equal(t, float64(501), problem(t, got)["status"])
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
	client := roFlagd(t, t.Name(), path)
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
			got := do(t, srv, http.MethodGet, tt.path, hdr...)
			assert.Equal(t, tt.want, got.status, "got %d, want %d; body: %s", got.status, tt.want, got.body)
		})
	}
}

// serveRT is serve without the router: the server of a router built and
// closed by the test's cleanup.
func serveRT(t *testing.T, routes []router.Route, cfg router.Config) *httptest.Server {
	t.Helper()
	_, srv := serve(t, routes, cfg)
	return srv
}
