package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/internal/logtest"
)

// mtDemo is a demo started with run, as main does, on 127.0.0.1:0.
type mtDemo struct {
	base   string
	flags  string // path of its flag file
	cancel context.CancelFunc
	done   chan error
}

// mtStart writes the demo's shipped flag file to a temp file and runs the
// demo on it.
func mtStart(t *testing.T) *mtDemo {
	t.Helper()
	path := mtFlagFile(t, defaultFlags)
	d := mtRun(t, mtNoEnv, io.Discard, "-flags", path)
	d.flags = path
	return d
}

// mtFlagFile writes flags to a flag file in a temp directory and returns its
// path.
func mtFlagFile(t testing.TB, flags []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "flags.json")
	require.NoError(t, os.WriteFile(path, flags, 0o644))
	return path
}

// mtNoEnv is an environment with no variables set.
func mtNoEnv(string) string { return "" }

// mtRun runs the demo with run, as main does, on 127.0.0.1:0 with args,
// getenv and stdout (where it logs), and waits until it listens. The demo
// is stopped when the test ends, if the test did not stop it, and must stop
// cleanly.
func mtRun(t testing.TB, getenv func(string) string, stdout io.Writer, args ...string) *mtDemo {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &mtDemo{cancel: cancel, done: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		d.done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), getenv, stdout, ready)
	}()
	t.Cleanup(func() { assert.NoError(t, d.stop(t)) })
	select {
	case addr := <-ready:
		d.base = "http://" + addr
	case err := <-d.done:
		d.done <- err
		require.FailNow(t, "the demo stopped at start-up", "%v", err)
	case <-time.After(60 * time.Second):
		require.FailNow(t, "the demo did not start")
	}
	return d
}

// stop cancels the demo's context and returns what run returned.
func (d *mtDemo) stop(t testing.TB) error {
	t.Helper()
	d.cancel()
	select {
	case err := <-d.done:
		d.done <- err // stop is idempotent
		return err
	case <-time.After(30 * time.Second):
		t.Error("the demo did not stop within 30s of its context being cancelled")
		return nil
	}
}

// mtAnswer is one answer of the demo (demoAnswer, rollout_test.go).
type mtAnswer = demoAnswer

func (d *mtDemo) do(t *testing.T, method, path string, hdr ...string) mtAnswer {
	t.Helper()
	return demoDo(t, method, d.base+path, hdr...)
}

func (a mtAnswer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(a.body), &m), "body: %s", a.body)
	return m
}

// mtSetDefault edits the flag file: flag's defaultVariant becomes variant.
// The edit is written to a temp file and renamed over the original, as
// editors do.
func (d *mtDemo) mtSetDefault(t testing.TB, flag, variant string) {
	t.Helper()
	raw, err := os.ReadFile(d.flags)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	fl, ok := doc["flags"].(map[string]any)[flag].(map[string]any)
	require.True(t, ok, "flag %s in the demo's flag file", flag)
	fl["defaultVariant"] = variant
	out, err := json.MarshalIndent(doc, "", "  ")
	require.NoError(t, err)
	tmp := d.flags + ".tmp"
	require.NoError(t, os.WriteFile(tmp, out, 0o644))
	require.NoError(t, os.Rename(tmp, d.flags))
}

// TestDemoScenarios checks the six scenarios the demo serves, over real
// HTTP, against the flag file the demo ships.
func TestDemoScenarios(t *testing.T) {
	d := mtStart(t)

	t.Run("1 planned report export flips with the flag file", func(t *testing.T) {
		a := d.do(t, http.MethodPut, "/api/reports/export", "X-User-ID", "user-1")
		require.Equal(t, http.StatusNotImplemented, a.status, a.body)
		assert.Equal(t, "application/problem+json", a.header.Get("Content-Type"))
		assert.Equal(t, "no-store", a.header.Get("Cache-Control"))
		p := a.json(t)
		assert.Equal(t, "Report export is not yet available. Check back in a future release.", p["detail"])
		assert.Equal(t, "planned", p["stage"])
		assert.Equal(t, "PUT /api/reports/export", p["route"])
		assert.Equal(t, "/api/reports/export", p["instance"])

		d.mtSetDefault(t, "reports-export", "on")
		require.Eventually(t, func() bool {
			return d.do(t, http.MethodPut, "/api/reports/export", "X-User-ID", "user-1").status == http.StatusAccepted
		}, 10*time.Second, 10*time.Millisecond, "the file edit takes effect without a restart")
		a = d.do(t, http.MethodPut, "/api/reports/export", "X-User-ID", "user-1")
		assert.Equal(t, "application/json", a.header.Get("Content-Type"))
		assert.Equal(t, "no-store", a.header.Get("Cache-Control"))
		job := a.json(t)
		assert.Equal(t, "queued", job["status"])
		assert.NotEmpty(t, job["job"])
		assert.NotEmpty(t, job["href"])

		d.mtSetDefault(t, "reports-export", "off")
		require.Eventually(t, func() bool {
			return d.do(t, http.MethodPut, "/api/reports/export", "X-User-ID", "user-1").status == http.StatusNotImplemented
		}, 10*time.Second, 10*time.Millisecond, "and back")
	})

	t.Run("2 feature: GET and POST live, PUT and DELETE planned", func(t *testing.T) {
		tests := []struct {
			name, method string
			status       int
			detail       string
		}{
			{name: "GET", method: http.MethodGet, status: http.StatusOK},
			{name: "POST", method: http.MethodPost, status: http.StatusCreated},
			{name: "PUT", method: http.MethodPut, status: http.StatusNotImplemented, detail: "PUT is not yet implemented for this endpoint"},
			{name: "DELETE", method: http.MethodDelete, status: http.StatusNotImplemented, detail: "DELETE is not yet implemented for this endpoint"},
			{name: "PATCH undeclared", method: http.MethodPatch, status: http.StatusMethodNotAllowed},
			{name: "unknown method", method: "BREW", status: http.StatusNotImplemented, detail: "The request method is not recognised by this server."},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				a := d.do(t, tt.method, "/api/feature", "X-User-ID", "user-1")
				assert.Equal(t, tt.status, a.status, a.body)
				if tt.detail != "" {
					assert.Equal(t, tt.detail, a.json(t)["detail"])
				}
				if tt.status == http.StatusMethodNotAllowed {
					assert.Equal(t, "GET, HEAD, POST, PUT, DELETE", a.header.Get("Allow"))
				}
			})
		}
	})

	t.Run("3 PATCH user is a sticky 50% beta by X-User-ID", func(t *testing.T) {
		const users = 200
		on := 0
		for i := 0; i < users; i++ {
			user := fmt.Sprintf("user-%d", i)
			first := d.do(t, http.MethodPatch, "/api/users/7", "X-User-ID", user).status
			require.Contains(t, []int{http.StatusOK, http.StatusNotImplemented}, first)
			for j := 0; j < 2; j++ {
				again := d.do(t, http.MethodPatch, "/api/users/7", "X-User-ID", user).status
				require.Equal(t, first, again, "user %s: the same user gets the same answer", user)
			}
			if first == http.StatusOK {
				on++
			}
		}
		// 200 users at 50%: outside 30%..70% is a 4.5-sigma event for a fair
		// hash, so this bound does not flake.
		assert.InDelta(t, users/2, on, users/5, "got %d of %d users on, want about half", on, users)
		a := d.do(t, http.MethodPatch, "/api/users/7")
		assert.Equal(t, http.StatusNotImplemented, a.status, "no user id, no rollout bucket")
		assert.Equal(t, "beta", a.json(t)["stage"])
		assert.Equal(t, http.StatusOK, d.do(t, http.MethodGet, "/api/users/7").status, "GET stays live")
		assert.Equal(t, http.StatusOK, d.do(t, http.MethodPut, "/api/users/7").status, "PUT stays live")
	})

	t.Run("4 v0 users is deprecated", func(t *testing.T) {
		a := d.do(t, http.MethodGet, "/api/v0/users/7")
		require.Equal(t, http.StatusOK, a.status, a.body)
		assert.Equal(t, "@1767225600", a.header.Get("Deprecation"))
		assert.Equal(t, "Tue, 01 Jan 2030 00:00:00 GMT", a.header.Get("Sunset"))
		assert.Equal(t, []string{
			`<https://example.com/docs/migrate-v0>; rel="deprecation"; type="text/html", </api/users/7>; rel="successor-version"`,
		}, a.header.Values("Link"))
		assert.Equal(t, "7", a.json(t)["id"])
	})

	t.Run("5 v0 reports is removed", func(t *testing.T) {
		a := d.do(t, http.MethodGet, "/api/v0/reports")
		require.Equal(t, http.StatusGone, a.status)
		p := a.json(t)
		assert.Equal(t, "removed", p["stage"])
		assert.Equal(t, float64(410), p["status"])
	})

	t.Run("6 healthz", func(t *testing.T) {
		a := d.do(t, http.MethodGet, "/healthz")
		assert.Equal(t, http.StatusOK, a.status)
	})

	t.Run("unknown path", func(t *testing.T) {
		a := d.do(t, http.MethodGet, "/nope")
		assert.Equal(t, http.StatusNotFound, a.status)
		assert.Equal(t, float64(404), a.json(t)["status"])
	})
}

// TestDemoMissingFlagFile checks that -flags naming a file that does not
// exist fails at start-up with a message naming it.
func TestDemoMissingFlagFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.json")
	ready := make(chan string, 1)
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-flags", path}, func(string) string { return "" }, io.Discard, ready)
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.Contains(t, err.Error(), path)
	assert.Contains(t, err.Error(), "-flags")
	assert.Empty(t, ready, "never served")
}

// TestDemoGracefulShutdown cancels the demo's context (as SIGINT does):
// run returns nil and the port is closed.
func TestDemoGracefulShutdown(t *testing.T) {
	d := mtStart(t)
	require.Equal(t, http.StatusOK, d.do(t, http.MethodGet, "/healthz").status)
	addr := strings.TrimPrefix(d.base, "http://")
	require.NoError(t, d.stop(t))
	_, err := net.DialTimeout("tcp", addr, 5*time.Second)
	assert.Error(t, err, "nothing listens after shutdown")
}

// TestAuditCallers: -audit-callers makes the audit trail follow the named
// callers' decisions and log them, here at start-up: grace is named in the
// users-patch rule, so the route is on for her while it is "targeted" for
// everyone.
func TestAuditCallers(t *testing.T) {
	var logs logtest.Buffer
	d := mtRun(t, mtNoEnv, &logs, "-flags", mtFlagFile(t, defaultFlags), "-audit-callers", " grace, ,linus")
	out := logs.String()
	for _, caller := range []string{"grace", "linus"} {
		assert.Regexp(t, `msg="route state changed for caller" route="PATCH /api/users/\{id\}" .*caller=`+caller+` old="" new=on`, out)
	}
	assert.Equal(t, 2, strings.Count(out, `route="PATCH /api/users/{id}" name="Partial user update" flag=users-patch caller=`), out)
	require.NoError(t, d.stop(t))
}

// TestDemoHelp: -h and -help print the usage to stdout and run returns nil
// (main exits 0, as Go commands do); a flag the demo does not know is an
// error (exit 1). Neither serves.
func TestDemoHelp(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr bool
	}{
		{name: "-h", args: []string{"-h"}},
		{name: "-help", args: []string{"-help"}},
		{name: "--help", args: []string{"--help"}},
		{name: "-help after a flag", args: []string{"-addr", "127.0.0.1:0", "-help"}},
		{name: "unknown flag", args: []string{"-nope"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			ready := make(chan string, 1)
			err := run(context.Background(), tt.args, mtNoEnv, &out, ready)
			if tt.wantErr {
				require.Error(t, err)
				assert.NotErrorIs(t, err, flag.ErrHelp)
			} else {
				require.NoError(t, err)
			}
			assert.Contains(t, out.String(), "Usage of demo:")
			for _, f := range []string{"-addr", "-flags", "-ofrep"} {
				assert.Contains(t, out.String(), "\n  "+f+" ", "the usage lists %s", f)
			}
			assert.Empty(t, ready, "never served")
		})
	}
}
