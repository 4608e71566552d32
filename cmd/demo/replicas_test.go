package main

import (
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/logtest"
	"github.com/roadmap-go/roadmap/internal/relayproxytest"
	"github.com/roadmap-go/roadmap/ofrepflags"
)

// replicaWait is the generous deadline for a change to travel through the
// relay proxy's file polling (1 s) and the provider's watch (see
// replicaPoll). The observed delay is logged, never asserted.
const replicaWait = 20 * time.Second

// replicaPoll is how often each replica's provider asks the relay proxy for
// changes in these tests (production default: ofrepflags.DefaultPollInterval).
const replicaPoll = 200 * time.Millisecond

// replica is one demo server on the relay proxy, as in production: its own
// OFREP provider, OpenFeature domain, router and HTTP server.
type replica struct {
	url    string
	client *openfeature.Client
	logs   *logtest.Buffer
}

func startReplica(t *testing.T, name, flagService string, o opsDeps) *replica {
	t.Helper()
	p := ofrepflags.New(flagService, ofrepflags.Options{PollInterval: replicaPoll, Logger: slog.New(slog.DiscardHandler)})
	domain := t.Name() + "/" + name
	require.NoError(t, openfeature.SetNamedProviderAndWait(domain, p))
	t.Cleanup(p.Shutdown)
	logs := &logtest.Buffer{}
	rep := &replica{client: openfeature.NewClient(domain), logs: logs}
	h, cleanup, err := newServer(deps{Flags: rep.client, Logger: logs.Logger(), Ops: o})
	require.NoError(t, err)
	t.Cleanup(cleanup)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	rep.url = srv.URL
	return rep
}

func (r *replica) status(t *testing.T, method, path, user string) int {
	t.Helper()
	req, err := http.NewRequest(method, r.url+path, strings.NewReader(`{}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if user != "" {
		req.Header.Set("X-User-ID", user)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func (r *replica) body(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(r.url + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// demoFlags is the relay proxy's flag file for the demo's flags: export
// on or off for everyone, users-patch for alice only.
func demoFlags(exportOn bool) string {
	return relayproxytest.Static(map[string]bool{"reports-export": exportOn, "feature-write": false, "insights": false}) +
		relayproxytest.TargetedFor("users-patch", "alice") +
		relayproxytest.TargetedFor("users-activity", "alice")
}

func TestReplicasFlipTogether(t *testing.T) {
	proxy := relayproxytest.Start(t, demoFlags(false))
	a := startReplica(t, "a", proxy.URL(), opsDeps{})
	b := startReplica(t, "b", proxy.URL(), opsDeps{})
	replicas := []*replica{a, b}

	for _, r := range replicas {
		require.Equal(t, http.StatusNotImplemented, r.status(t, http.MethodPut, "/api/reports/export", ""))
		require.Equal(t, http.StatusNotImplemented, r.status(t, http.MethodPut, "/api/reports/export", "")) // now cached
	}

	flip := func(on bool, want int) {
		t.Helper()
		proxy.SetFlags(demoFlags(on))
		start := time.Now()
		require.Eventually(t, func() bool {
			return a.status(t, http.MethodPut, "/api/reports/export", "") == want &&
				b.status(t, http.MethodPut, "/api/reports/export", "") == want
		}, replicaWait, 20*time.Millisecond, "both replicas answer %d", want)
		t.Logf("flip to %v: both replicas answered %d %s after the file changed (relay proxy polls every %s, replicas every %s)",
			on, want, time.Since(start).Round(10*time.Millisecond), relayproxytest.PollingInterval, replicaPoll)
	}
	flip(true, http.StatusAccepted) // the real handler
	flip(false, http.StatusNotImplemented)

	// Each replica logged each flip once, however many requests it served.
	require.Eventually(t, func() bool {
		return strings.Count(a.logs.String(), `msg="route state changed"`) >= 3 &&
			strings.Count(b.logs.String(), `msg="route state changed"`) >= 3
	}, replicaWait, 20*time.Millisecond)
	for name, r := range map[string]*replica{"a": a, "b": b} {
		logs := r.logs.String()
		assert.Equal(t, 1, strings.Count(logs, `route="PUT /api/reports/export" name="Report export" flag=reports-export old=off new=on`), "replica %s: one record for the flip on:\n%s", name, logs)
		assert.Equal(t, 1, strings.Count(logs, `route="PUT /api/reports/export" name="Report export" flag=reports-export old=on new=off`), "replica %s: one record for the flip off", name)
	}
}

// demoRequests returns one request per declared route of the demo, with
// path parameters filled in.
func demoRequests() [][2]string {
	var out [][2]string
	for _, r := range routes() {
		out = append(out, [2]string{r.Method, strings.ReplaceAll(r.Pattern, "{id}", "42")})
	}
	return out
}

func TestReplicasDuringOutage(t *testing.T) {
	proxy := relayproxytest.Start(t, demoFlags(true))
	closed := startReplica(t, "fail-closed", proxy.URL(), opsDeps{})
	keep := startReplica(t, "keep-last-known", proxy.URL(), opsDeps{FlagOptions: flags.Options{KeepLastKnown: 1000}})

	// Warm up: both serve the export to everyone and the patch to alice.
	for _, r := range []*replica{closed, keep} {
		require.Equal(t, http.StatusAccepted, r.status(t, http.MethodPut, "/api/reports/export", "carol"))
		require.Equal(t, http.StatusOK, r.status(t, http.MethodPatch, "/api/users/42", "alice"))
		require.Equal(t, http.StatusNotImplemented, r.status(t, http.MethodPatch, "/api/users/42", "bob"))
		code, body := r.body(t, "/readyz")
		require.Equal(t, http.StatusOK, code, body)
	}

	proxy.Stop()
	require.Eventually(t, func() bool {
		code, _ := closed.body(t, "/readyz")
		return code == http.StatusServiceUnavailable && closed.status(t, http.MethodPut, "/api/reports/export", "carol") == http.StatusNotImplemented
	}, replicaWait, 20*time.Millisecond, "the fail-closed replica notices the outage")

	tests := []struct {
		name         string
		r            *replica
		method, path string
		user         string
		want         int
	}{
		{name: "planned fails closed", r: closed, method: http.MethodPut, path: "/api/reports/export", user: "carol", want: http.StatusNotImplemented},
		{name: "beta fails closed", r: closed, method: http.MethodPatch, path: "/api/users/42", user: "alice", want: http.StatusNotImplemented},
		{name: "live unaffected", r: closed, method: http.MethodGet, path: "/api/users/42", want: http.StatusOK},
		{name: "deprecated unaffected", r: closed, method: http.MethodGet, path: "/api/v0/users/42", want: http.StatusOK},
		{name: "planned keeps static decision for a new user", r: keep, method: http.MethodPut, path: "/api/reports/export", user: "dave", want: http.StatusAccepted},
		{name: "beta keeps alice's decision", r: keep, method: http.MethodPatch, path: "/api/users/42", user: "alice", want: http.StatusOK},
		{name: "beta keeps bob's decision", r: keep, method: http.MethodPatch, path: "/api/users/42", user: "bob", want: http.StatusNotImplemented},
		{name: "beta fails closed for a user never seen", r: keep, method: http.MethodPatch, path: "/api/users/42", user: "erin", want: http.StatusNotImplemented},
		{name: "live unaffected with keep", r: keep, method: http.MethodGet, path: "/api/users/42", want: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.r.status(t, tt.method, tt.path, tt.user)
			assert.Equal(t, tt.want, got, "got %d, want %d", got, tt.want)
		})
	}
	t.Run("no 500 from any route", func(t *testing.T) {
		for _, r := range []*replica{closed, keep} {
			for _, req := range demoRequests() {
				for _, user := range []string{"", "alice", "guest-1"} {
					got := r.status(t, req[0], req[1], user)
					if got >= 500 {
						assert.Equal(t, http.StatusNotImplemented, got, "%s %s as %q: got %d; the only 5xx is the 501 stub", req[0], req[1], user, got)
					}
				}
			}
		}
	})
	t.Run("readyz says why", func(t *testing.T) {
		code, body := closed.body(t, "/readyz")
		assert.Equal(t, http.StatusServiceUnavailable, code)
		assert.Contains(t, body, "not ready: flag provider state is ERROR")
		assert.Contains(t, body, "flag service unavailable (unreachable)")
		assert.NotContains(t, body, "127.0.0.1", "no internal address on a public endpoint")
		code, body = closed.body(t, "/healthz")
		assert.Equal(t, http.StatusOK, code, "liveness does not depend on flags: %s", body)
	})
	t.Run("metrics count the failures", func(t *testing.T) {
		_, body := closed.body(t, "/metrics")
		assert.Contains(t, body, `roadmap_flag_evaluation_errors_total{code="GENERAL",flag="reports-export"}`)
		assert.Contains(t, body, `roadmap_flag_provider_state{state="ERROR"} 1`)
		_, body = keep.body(t, "/metrics")
		assert.Contains(t, body, `roadmap_flag_decisions_total{flag="users-patch",source="last_known",value="on"}`)
	})

	// Restart: flags resume on both replicas without restarting them.
	proxy.Restart()
	for _, r := range []*replica{closed, keep} {
		require.Eventually(t, func() bool {
			code, _ := r.body(t, "/readyz")
			return code == http.StatusOK &&
				r.status(t, http.MethodPut, "/api/reports/export", "carol") == http.StatusAccepted &&
				r.status(t, http.MethodPatch, "/api/users/42", "erin") == http.StatusNotImplemented &&
				r.status(t, http.MethodPatch, "/api/users/42", "alice") == http.StatusOK
		}, replicaWait, 20*time.Millisecond)
	}
}

// stallingProxy forwards to target until stall is set; then it holds each
// request until the caller gives up (or release is closed), and counts the
// abandoned ones.
type stallingProxy struct {
	stall     atomic.Bool
	abandoned atomic.Int64
	release   chan struct{}
	next      http.Handler
}

func (s *stallingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.stall.Load() {
		// Read the body first: only then does net/http watch the connection
		// and cancel r.Context() when the client goes away.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
			s.abandoned.Add(1)
		case <-s.release:
		}
		return
	}
	s.next.ServeHTTP(w, r)
}

func TestSlowFlagServiceFailsClosed(t *testing.T) {
	proxy := relayproxytest.Start(t, demoFlags(true))
	target, err := url.Parse(proxy.URL())
	require.NoError(t, err)
	stalling := &stallingProxy{next: httputil.NewSingleHostReverseProxy(target), release: make(chan struct{})}
	front := httptest.NewServer(stalling)
	t.Cleanup(front.Close)
	t.Cleanup(func() { close(stalling.release) }) // runs before front.Close

	// Every request evaluates (no cache) so that each one meets the stall;
	// the per-evaluation timeout is short.
	r := startReplica(t, "slow", front.URL, opsDeps{FlagOptions: flags.Options{Timeout: 100 * time.Millisecond, NoCache: true}})
	require.Equal(t, http.StatusAccepted, r.status(t, http.MethodPut, "/api/reports/export", ""))

	stalling.stall.Store(true)
	tests := []struct {
		name         string
		method, path string
		want         int
	}{
		{name: "planned route times out closed", method: http.MethodPut, path: "/api/reports/export", want: http.StatusNotImplemented},
		{name: "live route unaffected", method: http.MethodGet, path: "/api/users/42", want: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, r.status(t, tt.method, tt.path, ""))
		})
	}
	// The stalled evaluation was abandoned by the timeout (its HTTP request
	// cancelled), not answered late.
	require.Eventually(t, func() bool { return stalling.abandoned.Load() >= 1 }, replicaWait, 10*time.Millisecond)
	_, body := r.body(t, "/metrics")
	assert.Contains(t, body, `roadmap_flag_evaluation_errors_total{code="TIMEOUT",flag="reports-export"} 1`)

	stalling.stall.Store(false)
	assert.Equal(t, http.StatusAccepted, r.status(t, http.MethodPut, "/api/reports/export", ""), "recovers with the service")
}

// A replica that starts while the flag service is down serves anyway: gated
// routes fail closed, /readyz says why, and flags arrive when the service
// does.
func TestReplicaStartsDuringOutage(t *testing.T) {
	proxy := relayproxytest.Start(t, demoFlags(true))
	proxy.Stop()
	logs := &logtest.Buffer{}
	base := mtRun(t, func(k string) string { return map[string]string{envOFREPToken: "not-needed"}[k] }, logs,
		"-ofrep", proxy.URL()).base
	r := &replica{url: base}
	assert.Equal(t, http.StatusNotImplemented, r.status(t, http.MethodPut, "/api/reports/export", ""))
	assert.Equal(t, http.StatusOK, r.status(t, http.MethodGet, "/api/users/42", ""))
	code, body := r.body(t, "/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, code, body)
	assert.Contains(t, logs.String(), "flag service unavailable at start-up")
	assert.Contains(t, logs.String(), "token=true", "the token came from the environment")

	proxy.Restart()
	require.Eventually(t, func() bool {
		code, _ := r.body(t, "/readyz")
		return code == http.StatusOK && r.status(t, http.MethodPut, "/api/reports/export", "") == http.StatusAccepted
	}, replicaWait, 20*time.Millisecond)
}

func TestProviderFlagsCheck(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr bool
	}{
		{name: "file only", args: []string{"-flags", "f.json"}},
		{name: "ofrep only", args: []string{"-ofrep", "http://127.0.0.1:1031", "-keep-last-known", "10"}},
		{name: "both", args: []string{"-flags", "f.json", "-ofrep", "http://127.0.0.1:1031"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("demo", flag.ContinueOnError)
			flagsPath := fs.String("flags", "", "")
			pf := addProviderFlags(fs)
			require.NoError(t, fs.Parse(tt.args))
			err := pf.check(*flagsPath)
			if tt.wantErr {
				assert.ErrorContains(t, err, "exclusive")
				return
			}
			assert.NoError(t, err)
		})
	}
}
