package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/internal/baseline"
)

// stackKinds are the request kinds of the stack load test
// (scripts/loadtest.sh), with the flag file each needs: the shipped one, or
// the same with users-patch untargeted and on.
var stackKinds = []struct {
	kind, method, path string
	untargeted         bool
	demo, chi          int // statuses
}{
	{"live", http.MethodGet, "/api/users/42", false, 200, 200},
	{"planned", http.MethodPut, "/api/reports/export", false, 501, 501},
	{"beta-cached", http.MethodPatch, "/api/users/42", true, 200, 200},
	{"beta-targeted", http.MethodPatch, "/api/users/42", false, 200, 200},
	{"deprecated", http.MethodGet, "/api/v0/users/42", false, 200, 200},
	{"405", http.MethodPost, "/api/users/42", false, 405, 405},
	{"unknown", "PROPFIND", "/api/users/42", false, 501, 405},
}

// stackUser is the X-User-ID of the load test: the shipped rollout serves it.
const stackUser = "user-1"

// stackDemo builds the demo's handler exactly as run does with no
// arguments but -flags (and args, provider flags such as -cache-targeted):
// the flag file read in process by flagd, the default flag options,
// metrics, hooks and OpenTelemetry's global tracer provider. It returns the
// handler and the OpenFeature client.
func stackDemo(tb testing.TB, flagFile string, args ...string) (http.Handler, *openfeature.Client) {
	tb.Helper()
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	pf := addProviderFlags(fs)
	require.NoError(tb, fs.Parse(args))
	logger := slog.New(slog.DiscardHandler)
	provider, err := pf.provider(flagFile, mtNoEnv, logger)
	require.NoError(tb, err)
	domain := tb.Name() + "/" + flagFile + fmt.Sprint(args)
	require.NoError(tb, openfeature.SetNamedProviderAndWait(domain, provider))
	tb.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(domain, openfeature.NoopProvider{}) })
	client := openfeature.NewClient(domain)
	od, stop, err := pf.opsDeps(io.Discard, mtNoEnv)
	require.NoError(tb, err)
	tb.Cleanup(stop)
	h, cleanup, err := newServer(deps{Flags: client, Logger: logger, Ops: od})
	require.NoError(tb, err)
	tb.Cleanup(cleanup)
	return h, client
}

// stackFlagFile returns the path of the shipped flag file, or of the
// untargeted one.
func stackFlagFile(untargeted bool) string {
	if untargeted {
		return "../../internal/bench/testdata/demoflags-untargeted.json"
	}
	return "flags.json"
}

// directPatch is plain chi (baseline.PlainDemo's PATCH) where the handler
// evaluates users-patch itself with the targeting key alone, through an
// OpenFeature client without hooks on the demo's provider: the cost of one
// evaluation without the framework, for the targeted kind.
func directPatch(ev *openfeature.Client) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	r.Patch("/api/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		d, err := ev.BooleanValueDetails(r.Context(), "users-patch", false, openfeature.NewEvaluationContext(r.Header.Get("X-User-ID"), nil))
		if err != nil || !d.Value {
			http.Error(w, "off", http.StatusNotImplemented)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		patchUser(w, r)
	})
	return r
}

// stackDiscard is a ResponseWriter that keeps the status and body length.
type stackDiscard struct {
	h    http.Header
	code int
	n    int
}

func (w *stackDiscard) Header() http.Header { return w.h }
func (w *stackDiscard) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	w.n += len(p)
	return len(p), nil
}
func (w *stackDiscard) WriteString(s string) (int, error) { return w.Write([]byte(s)) }
func (w *stackDiscard) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

// stackServe serves a copy of base b.N times (a server makes a request per
// request too: the copy is one allocation on every side).
func stackServe(b *testing.B, h http.Handler, base *http.Request, want int) {
	b.Helper()
	w := &stackDiscard{h: make(http.Header, 8)}
	r := *base
	h.ServeHTTP(w, &r)
	require.Equal(b, want, w.code, "%s %s", base.Method, base.URL.Path)
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		w.code = 0
		r := new(http.Request)
		*r = *base
		h.ServeHTTP(w, r)
	}
}

// BenchmarkStack serves each request kind of the stack load test in
// process: impl=demo is the demo's whole handler as run builds it, impl=chi
// baseline.PlainDemo, impl=direct (beta-targeted only) plain chi evaluating
// the flag itself with the targeting key alone, impl=demo-cache
// (beta-targeted only) the demo with -cache-targeted 10000. Compare with benchstat
// -col /impl; docs/performance.md has the figures and the profiles.
func BenchmarkStack(b *testing.B) {
	shipped, client := stackDemo(b, stackFlagFile(false))
	untargeted, _ := stackDemo(b, stackFlagFile(true))
	handlers := map[bool]http.Handler{false: shipped, true: untargeted}
	cached, _ := stackDemo(b, stackFlagFile(false), "-cache-targeted", "10000")
	plain := baseline.PlainDemo()
	for _, k := range stackKinds {
		req := httptest.NewRequest(k.method, k.path, nil)
		req.Header.Set("X-User-ID", stackUser)
		b.Run("kind="+k.kind+"/impl=chi", func(b *testing.B) { stackServe(b, plain, req, k.chi) })
		b.Run("kind="+k.kind+"/impl=demo", func(b *testing.B) { stackServe(b, handlers[k.untargeted], req, k.demo) })
		if k.kind == "beta-targeted" {
			direct := directPatch(openfeature.NewClient(client.Metadata().Domain()))
			b.Run("kind="+k.kind+"/impl=direct", func(b *testing.B) { stackServe(b, direct, req, 200) })
			b.Run("kind="+k.kind+"/impl=demo-cache", func(b *testing.B) { stackServe(b, cached, req, 200) })
		}
	}
}

// TestPlainDemoAnswersAlike checks that the two sides of the stack load test
// answer alike: the same status, body and headers (but the date) for
// every kind where the demo and plain chi mean the same answer.
func TestPlainDemoAnswersAlike(t *testing.T) {
	plain := httptest.NewServer(baseline.PlainDemo())
	t.Cleanup(plain.Close)
	demos := map[bool]*httptest.Server{}
	for _, untargeted := range []bool{false, true} {
		h, _ := stackDemo(t, stackFlagFile(untargeted))
		demos[untargeted] = httptest.NewServer(h)
		t.Cleanup(demos[untargeted].Close)
	}
	for _, k := range stackKinds {
		t.Run(k.kind, func(t *testing.T) {
			d := demoDo(t, k.method, demos[k.untargeted].URL+k.path, "X-User-ID", stackUser)
			c := demoDo(t, k.method, plain.URL+k.path, "X-User-ID", stackUser)
			assert.Equal(t, k.demo, d.status, "demo: got %d, want %d", d.status, k.demo)
			assert.Equal(t, k.chi, c.status, "chi: got %d, want %d", c.status, k.chi)
			if k.demo != k.chi || k.demo == http.StatusMethodNotAllowed {
				return // different answers by design (baseline.PlainDemo's doc)
			}
			d.header.Del("Date")
			c.header.Del("Date")
			assert.Equal(t, d.header, c.header)
			assert.Equal(t, d.body, c.body)
		})
	}
}

// TestUntargetedFlagsMatchShipped checks that the load test's untargeted
// flag file is the shipped one but for users-patch.
func TestUntargetedFlagsMatchShipped(t *testing.T) {
	read := func(path string) map[string]any {
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(raw, &doc))
		return doc
	}
	shipped, untargeted := read(stackFlagFile(false)), read(stackFlagFile(true))
	sf, uf := shipped["flags"].(map[string]any), untargeted["flags"].(map[string]any)
	require.Contains(t, sf, "users-patch")
	assert.Equal(t, map[string]any{"state": "ENABLED", "variants": map[string]any{"on": true, "off": false}, "defaultVariant": "on"}, uf["users-patch"])
	delete(sf, "users-patch")
	delete(uf, "users-patch")
	assert.Equal(t, shipped, untargeted)
}
