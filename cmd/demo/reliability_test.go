package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/logtest"
	"github.com/roadmap-go/roadmap/routertest"
)

// relLogs is the demo's log, captured; count returns how many lines
// contain every one of parts.
type relLogs struct{ *logtest.Buffer }

func newRelLogs() relLogs { return relLogs{&logtest.Buffer{}} }

func (l relLogs) count(parts ...string) int {
	n := 0
next:
	for _, line := range strings.Split(l.String(), "\n") {
		for _, p := range parts {
			if !strings.Contains(line, p) {
				continue next
			}
		}
		n++
	}
	return n
}

// relFlagFile is the demo's flag file with reports-export and feature-write
// set to on or off.
func relFlagFile(on bool) []byte {
	v := "off"
	if on {
		v = "on"
	}
	return []byte(strings.NewReplacer(`"defaultVariant": "off"`, `"defaultVariant": "`+v+`"`).Replace(
		strings.SplitN(string(defaultFlags), `"users-patch"`, 2)[0]) + `"users-patch": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}}}`)
}

func relWrite(t testing.TB, path string, data []byte) {
	t.Helper()
	tmp := path + ".tmp"
	require.NoError(t, os.WriteFile(tmp, data, 0o644))
	require.NoError(t, os.Rename(tmp, path))
}

// relFileDemo serves the demo with flags from a real flag file through
// fileProvider, under the test's own OpenFeature domain.
func relFileDemo(t *testing.T, initial []byte) (srv *httptest.Server, path string, logs relLogs) {
	t.Helper()
	logs = newRelLogs()
	path = filepath.Join(t.TempDir(), "flags.json")
	require.NoError(t, os.WriteFile(path, initial, 0o644))
	p, err := fileProvider(path, logs.Logger())
	require.NoError(t, err)
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(t.Name(), openfeature.NoopProvider{}) })
	h, cleanup, err := newServer(deps{Flags: openfeature.NewClient(t.Name()), Logger: logs.Logger()})
	require.NoError(t, err)
	t.Cleanup(cleanup)
	srv = httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, path, logs
}

func relStatus(t testing.TB, srv *httptest.Server, method, path string) int {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	require.NoError(t, err)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func relWaitStatus(t *testing.T, srv *httptest.Server, method, path string, want int) {
	t.Helper()
	require.Eventually(t, func() bool { return relStatus(t, srv, method, path) == want }, 10*time.Second, 5*time.Millisecond,
		"%s %s never answered %d", method, path, want)
}

// TestDemoFlagFileSurvivesBadEdits drives the demo's flag source through
// the edits that break flagd's own file mode, over HTTP.
func TestDemoFlagFileSurvivesBadEdits(t *testing.T) {
	t.Parallel()
	srv, path, logs := relFileDemo(t, relFlagFile(false))
	const export = "/api/reports/export"
	assert.Equal(t, http.StatusNotImplemented, relStatus(t, srv, http.MethodPut, export))
	relWrite(t, path, relFlagFile(true))
	relWaitStatus(t, srv, http.MethodPut, export, http.StatusAccepted)

	// A flag of the wrong type is rejected (the demo's flags must be boolean).
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(relFlagFile(false)), `"on": true, "off": false`, `"on": "yes", "off": "no"`, 1)), 0o644))
	require.Eventually(t, func() bool { return logs.count("flag file rejected", "wrong type") == 1 }, 10*time.Second, 5*time.Millisecond, logs.String())
	assert.Equal(t, http.StatusAccepted, relStatus(t, srv, http.MethodPut, export))

	// Deleted: flags stay; re-created: applies.
	require.NoError(t, os.Remove(path))
	require.Eventually(t, func() bool { return logs.count("flag file missing") == 1 }, 10*time.Second, 5*time.Millisecond, logs.String())
	assert.Equal(t, http.StatusAccepted, relStatus(t, srv, http.MethodPut, export))
	require.NoError(t, os.WriteFile(path, relFlagFile(false), 0o644))
	relWaitStatus(t, srv, http.MethodPut, export, http.StatusNotImplemented)
	assert.Equal(t, 1, logs.count("flag file rejected"), logs.String())
	assert.Equal(t, 1, logs.count("flag file missing"), logs.String())
}

// relCheck classifies one answer of the demo and reports whether status,
// headers and body agree with one complete flag state: the off answer (501
// problem) or the on answer (the handler's JSON), never a mix.
func relCheck(method, path string, status int, h http.Header, body []byte) (state string, err error) {
	var v map[string]any
	if jerr := json.Unmarshal(body, &v); jerr != nil {
		return "", fmt.Errorf("%s %s: body is not JSON: %q", method, path, body)
	}
	if h.Get("Cache-Control") != "no-store" {
		return "", fmt.Errorf("%s %s: got Cache-Control %q, want no-store", method, path, h.Get("Cache-Control"))
	}
	switch status {
	case http.StatusNotImplemented:
		if h.Get("Content-Type") != "application/problem+json" || v["status"] != float64(501) || v["stage"] != "planned" || v["route"] != method+" "+path {
			return "", fmt.Errorf("%s %s: 501 with %s %v", method, path, h.Get("Content-Type"), v)
		}
		return "off", nil
	case http.StatusAccepted, http.StatusOK:
		if h.Get("Content-Type") != "application/json" || v["type"] != nil || v["stage"] != nil {
			return "", fmt.Errorf("%s %s: %d with %s %v", method, path, status, h.Get("Content-Type"), v)
		}
		return "on", nil
	}
	return "", fmt.Errorf("%s %s: unexpected status %d: %s", method, path, status, body)
}

// TestDemoFlipsUnderLoad sends thousands of concurrent requests to the demo
// while its flags flip, through the flag file and through the in-memory
// provider: no 5xx besides the planned 501, no transport error, and every
// answer is one complete flag state.
func TestDemoFlipsUnderLoad(t *testing.T) {
	t.Parallel()
	const (
		workers   = 48
		perWorker = 60
	)
	targets := [][2]string{
		{http.MethodPut, "/api/reports/export"},
		{http.MethodPut, "/api/feature"},
		{http.MethodDelete, "/api/feature"},
	}
	drive := func(t *testing.T, srv *httptest.Server, flips int, flip func(i int)) {
		tr := &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers}
		t.Cleanup(tr.CloseIdleConnections)
		client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
		var (
			wg               sync.WaitGroup
			stop             atomic.Bool
			total, transport atomic.Int64
			seen             sync.Map // state -> true
			errMu            sync.Mutex
			errs             []string
		)
		fail := func(s string) {
			errMu.Lock()
			defer errMu.Unlock()
			if len(errs) < 10 {
				errs = append(errs, s)
			}
		}
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perWorker || !stop.Load(); i++ {
					tg := targets[(w+i)%len(targets)]
					req, _ := http.NewRequest(tg[0], srv.URL+tg[1], nil)
					resp, err := client.Do(req)
					total.Add(1)
					if err != nil {
						transport.Add(1)
						fail(err.Error())
						continue
					}
					body, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil {
						transport.Add(1)
						fail(err.Error())
						continue
					}
					state, err := relCheck(tg[0], tg[1], resp.StatusCode, resp.Header, body)
					if err != nil {
						fail(err.Error())
						continue
					}
					seen.Store(state, true)
					if i > 10*perWorker {
						return // bound the run if flipping is slow
					}
				}
			}()
		}
		for i := range flips {
			flip(i)
		}
		stop.Store(true)
		wg.Wait()
		assert.Zero(t, transport.Load(), "transport errors")
		assert.Empty(t, errs)
		_, on := seen.Load("on")
		_, off := seen.Load("off")
		assert.True(t, on && off, "both flag states served")
		t.Logf("%d requests, %d workers, %d flips", total.Load(), workers, flips)
	}

	t.Run("flag file", func(t *testing.T) {
		t.Parallel()
		srv, path, _ := relFileDemo(t, relFlagFile(false))
		drive(t, srv, 20, func(i int) {
			on := i%2 == 0
			relWrite(t, path, relFlagFile(on))
			want := http.StatusNotImplemented
			if on {
				want = http.StatusAccepted
			}
			relWaitStatus(t, srv, http.MethodPut, "/api/reports/export", want)
		})
	})
	t.Run("in-memory provider", func(t *testing.T) {
		t.Parallel()
		fl := routertest.NewFlags(t, map[string]bool{"reports-export": false, "feature-write": false, "users-patch": false})
		h, cleanup, err := newServer(deps{Flags: fl.Client(), Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		t.Cleanup(cleanup)
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		drive(t, srv, 100, func(i int) {
			on := i%2 == 0
			fl.Set("reports-export", on)
			fl.Set("feature-write", on)
			want := http.StatusNotImplemented
			if on {
				want = http.StatusAccepted
			}
			relWaitStatus(t, srv, http.MethodPut, "/api/reports/export", want)
		})
	})
}

// faultEvaluator is a flags.Evaluator that misbehaves.
type faultEvaluator func(ctx context.Context, flag string) (openfeature.BooleanEvaluationDetails, error)

func (f faultEvaluator) BooleanValueDetails(ctx context.Context, flag string, _ bool, _ openfeature.EvaluationContext, _ ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error) {
	return f(ctx, flag)
}

// secret stands for internal details a provider may put in errors; it must
// never reach a client.
const secret = "db-password=hunter2 at flags.internal:5432"

// blockingProvider never finishes Init, so its client is never ready.
type blockingProvider struct {
	openfeature.NoopProvider
	release chan struct{}
}

func (p blockingProvider) Init(openfeature.EvaluationContext) error { <-p.release; return nil }
func (p blockingProvider) Shutdown()                                {}

// TestDemoProviderFaults serves the demo with broken flag providers: gated
// routes fail closed (501, never 500), live routes still answer, the fault
// is logged once, and no provider detail reaches the client.
func TestDemoProviderFaults(t *testing.T) {
	t.Parallel()
	notReady := func(t *testing.T) flags.Evaluator {
		p := blockingProvider{release: make(chan struct{})}
		t.Cleanup(func() { close(p.release) })
		require.NoError(t, openfeature.SetNamedProvider(t.Name(), p))
		t.Cleanup(func() { _ = openfeature.SetNamedProvider(t.Name(), openfeature.NoopProvider{}) })
		return openfeature.NewClient(t.Name())
	}
	tests := []struct {
		name     string
		ev       func(t *testing.T) flags.Evaluator
		wantCode string
	}{
		{"not ready at start", notReady, string(openfeature.ProviderNotReadyCode)},
		{"error on every evaluation", func(*testing.T) flags.Evaluator {
			return faultEvaluator(func(context.Context, string) (openfeature.BooleanEvaluationDetails, error) {
				d := openfeature.BooleanEvaluationDetails{}
				d.ErrorCode = openfeature.GeneralCode
				d.ErrorMessage = secret
				d.Reason = openfeature.ErrorReason
				return d, fmt.Errorf("provider: %s", secret)
			})
		}, string(openfeature.GeneralCode)},
		{"panicking provider", func(*testing.T) flags.Evaluator {
			return faultEvaluator(func(context.Context, string) (openfeature.BooleanEvaluationDetails, error) {
				panic(secret)
			})
		}, string(flags.PanicCode)},
		{"wrong type", func(*testing.T) flags.Evaluator {
			return faultEvaluator(func(context.Context, string) (openfeature.BooleanEvaluationDetails, error) {
				d := openfeature.BooleanEvaluationDetails{}
				d.ErrorCode = openfeature.TypeMismatchCode
				d.Reason = openfeature.ErrorReason
				return d, fmt.Errorf("type mismatch: %s", secret)
			})
		}, string(openfeature.TypeMismatchCode)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			logs := newRelLogs()
			h, cleanup, err := newServer(deps{Flags: tt.ev(t), Logger: logs.Logger()})
			require.NoError(t, err)
			t.Cleanup(cleanup)
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			for range 5 {
				for _, m := range []string{http.MethodPut, http.MethodDelete} {
					req, _ := http.NewRequest(m, srv.URL+"/api/feature", nil)
					resp, err := srv.Client().Do(req)
					require.NoError(t, err)
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					assert.Equal(t, http.StatusNotImplemented, resp.StatusCode, "fails closed")
					assert.NotContains(t, string(body), "hunter2")
					assert.NotContains(t, string(body), "flags.internal")
					for k, v := range resp.Header {
						assert.NotContains(t, strings.Join(v, " "), "hunter2", "header %s", k)
					}
					assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
				}
				assert.Equal(t, http.StatusOK, relStatus(t, srv, http.MethodGet, "/api/feature"), "live routes are unaffected")
			}
			assert.Equal(t, 1, logs.count("flag evaluation failed", "flag=feature-write", "code="+tt.wantCode), logs.String())
			assert.NotContains(t, logs.String(), "hunter2", "the gate logs the code, not the provider's message")
		})
	}
}

// TestDemoClientGoneMidEvaluation cancels a request while its flag is being
// evaluated: the evaluation sees the cancellation, the failure is logged
// as such, the handler never runs, and the server keeps serving.
func TestDemoClientGoneMidEvaluation(t *testing.T) {
	t.Parallel()
	started := make(chan struct{}, 1)
	ended := make(chan error, 1)
	ev := faultEvaluator(func(ctx context.Context, flag string) (openfeature.BooleanEvaluationDetails, error) {
		if flag != "reports-export" || ctx.Value(relMarker{}) == nil { // not from the test's request
			return openfeature.BooleanEvaluationDetails{}, nil
		}
		started <- struct{}{}
		<-ctx.Done()
		ended <- ctx.Err()
		d := openfeature.BooleanEvaluationDetails{}
		d.Value = true // a late "on" must not be used
		return d, ctx.Err()
	})
	logs := newRelLogs()
	h, cleanup, err := newServer(deps{Flags: ev, Logger: logs.Logger()})
	require.NoError(t, err)
	t.Cleanup(cleanup)
	var handlerRan atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &relRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), relMarker{}, true)))
		if rec.status == http.StatusAccepted {
			handlerRan.Store(true)
		}
	}))
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPut, srv.URL+"/api/reports/export", nil)
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-started
	cancel()
	assert.Error(t, <-errc, "the client gave up")
	assert.Error(t, <-ended, "the evaluation saw its context end")
	require.Eventually(t, func() bool {
		return logs.count("flag evaluation failed", "flag=reports-export") == 1
	}, 10*time.Second, 5*time.Millisecond, logs.String())
	assert.True(t, logs.count("code="+string(flags.CanceledCode)) == 1 || logs.count("code="+string(flags.TimeoutCode)) == 1, logs.String())
	assert.False(t, handlerRan.Load(), "a cancelled evaluation never switches the route on")
	assert.Equal(t, http.StatusOK, relStatus(t, srv, http.MethodGet, "/api/feature"))
}

// relMarker marks the requests of TestDemoClientGoneMidEvaluation, so
// that evaluations the demo makes for itself (its audit trail) pass.
type relMarker struct{}

// relRecorder remembers the status a handler wrote.
type relRecorder struct {
	http.ResponseWriter
	status int
}

func (r *relRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
