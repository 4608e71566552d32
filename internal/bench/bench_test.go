package bench_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-logr/logr"
	flagd "github.com/open-feature/go-sdk-contrib/providers/flagd/pkg"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/baseline"
	"github.com/roadmap-go/roadmap/internal/routetable"
	"github.com/roadmap-go/roadmap/router"
	"github.com/roadmap-go/roadmap/stub"
)

// discard is a ResponseWriter that keeps nothing but the status, so that the
// benchmarks measure routing, not buffering. Its header map is cleared, not
// reallocated, between requests.
type discard struct {
	h    http.Header
	code int
}

func (w *discard) Header() http.Header               { return w.h }
func (w *discard) Write(p []byte) (int, error)       { return len(p), nil }
func (w *discard) WriteString(s string) (int, error) { return len(s), nil }
func (w *discard) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

// serve runs h on r b.N times and checks the status once before timing.
func serve(b *testing.B, h http.Handler, r *http.Request, want int) {
	b.Helper()
	w := &discard{h: make(http.Header, 8)}
	h.ServeHTTP(w, r)
	if w.code == 0 {
		w.code = http.StatusOK
	}
	if w.code != want {
		b.Fatalf("%s %s: got status %d, want %d", r.Method, r.URL.Path, w.code, want)
	}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		clear(w.h)
		w.code = 0
		h.ServeHTTP(w, r)
	}
	// On a shared machine wall time includes the waits for a core; the
	// process's CPU time does not (GUIDE: compare by CPU time under load).
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// cpuTime returns the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var jsonType = []string{"application/json"}

// userHandler is the handler every served benchmark route shares: it reads
// the URL parameter and writes a small fixed body, cheap enough that the
// routing cost shows.
func userHandler(w http.ResponseWriter, r *http.Request) {
	w.Header()["Content-Type"] = jsonType
	_, _ = io.WriteString(w, `{"id":"`)
	_, _ = io.WriteString(w, chi.URLParam(r, "id"))
	_, _ = io.WriteString(w, `","name":"Ada"}`)
}

var noStore = []string{"no-store"}

// noStoreUserHandler is userHandler with Cache-Control: no-store, which any
// answer a flag flip can change must carry: plain chi's side of a beta
// route, the same answer as the router's (as baseline.PlainDemo's is).
func noStoreUserHandler(w http.ResponseWriter, r *http.Request) {
	w.Header()["Cache-Control"] = noStore
	userHandler(w, r)
}

// Flag keys of the benchmark flag sets.
const (
	flagOn         = "static-on"  // no targeting, true
	flagOff        = "static-off" // no targeting, false
	flagFractional = "fractional" // 50/50 split on the targeting key
)

// flagdDoc is the flagd flag file of the benchmarks; staticOn sets the
// default variant of flagOn.
func flagdDoc(staticOn bool) string {
	v := "off"
	if staticOn {
		v = "on"
	}
	return `{"flags": {
  "` + flagOn + `": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "` + v + `"},
  "` + flagOff + `": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"},
  "` + flagFractional + `": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
    "targeting": {"fractional": [["on", 50], ["off", 50]]}}
}}`
}

// flagdClient starts a flagd in-process provider (file resolver) on a flag
// file in a temporary directory, under its own domain, and returns its
// client and the file's path.
func flagdClient(b *testing.B) (*openfeature.Client, string) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "flags.json")
	if err := os.WriteFile(path, []byte(flagdDoc(true)), 0o600); err != nil {
		b.Fatal(err)
	}
	p, err := flagd.NewProvider(flagd.WithFileResolver(), flagd.WithOfflineFilePath(path), flagd.WithLogger(logr.Discard()))
	if err != nil {
		b.Fatal(err)
	}
	return scoped(b, p), path
}

// memClient returns a client of an in-memory provider with the same flags as
// flagdDoc(true); the fractional flag splits on an FNV hash of the key.
func memClient(b *testing.B) *openfeature.Client {
	b.Helper()
	split := func(f memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		key, _ := ec[openfeature.TargetingKey].(string)
		h := fnv.New32a()
		_, _ = io.WriteString(h, key)
		v := "off"
		if h.Sum32()%100 < 50 {
			v = "on"
		}
		return f.Variants[v], openfeature.ProviderResolutionDetail{Reason: openfeature.SplitReason, Variant: v}
	}
	variants := map[string]any{"on": true, "off": false}
	p := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		flagOn:         {Key: flagOn, State: memprovider.Enabled, DefaultVariant: "on", Variants: variants},
		flagOff:        {Key: flagOff, State: memprovider.Enabled, DefaultVariant: "off", Variants: variants},
		flagFractional: {Key: flagFractional, State: memprovider.Enabled, DefaultVariant: "off", Variants: variants, ContextEvaluator: &split},
	})
	return scoped(b, p)
}

// scoped registers p under the benchmark's own domain and unregisters it
// (shutting it down) when the benchmark ends.
func scoped(b *testing.B, p openfeature.FeatureProvider) *openfeature.Client {
	b.Helper()
	domain := b.Name()
	if err := openfeature.SetNamedProviderAndWait(domain, p); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(domain, openfeature.NoopProvider{}) })
	return openfeature.NewClient(domain)
}

// onUser returns a targeting key for which the fractional flag is on.
func onUser(b *testing.B, c *openfeature.Client) string {
	b.Helper()
	for i := range 1000 {
		key := fmt.Sprintf("user-%d", i)
		if v, _ := c.BooleanValue(context.Background(), flagFractional, false, openfeature.NewEvaluationContext(key, nil)); v {
			return key
		}
	}
	b.Fatal("no targeting key turns the fractional flag on")
	return ""
}

func newRouter(b *testing.B, routes []router.Route, cfg router.Config) *router.Router {
	b.Helper()
	rt, err := router.New(routes, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(rt.Close)
	return rt
}

func chiRouter(method, pattern string, h http.HandlerFunc) *chi.Mux {
	m := chi.NewRouter()
	m.MethodFunc(method, pattern, h)
	return m
}

const userPattern = "/api/users/{id}"

// BenchmarkServe compares one request through the router with the same
// request to plain chi, for the paths that need no flag evaluation: a live
// route, a beta route whose flag has no targeting (decision cached; chi's
// side sends the same no-store), a
// planned route whose untargeted flag is off (cached, 501) and a planned
// route without handler (501 stub, against a chi handler writing the same
// bytes).
func BenchmarkServe(b *testing.B) {
	client := memClient(b)
	stubbed := stub.New(baseline.ReportExportStub)
	cases := []struct {
		name   string
		route  router.Route
		method string
		path   string
		status int
		chi    http.HandlerFunc
	}{
		{
			name:  "live",
			route: router.Route{Method: http.MethodGet, Pattern: userPattern, Stage: router.Live, Handler: http.HandlerFunc(userHandler)},
			path:  "/api/users/42", status: http.StatusOK, chi: userHandler,
		},
		{
			name:  "beta-cached",
			route: router.Route{Method: http.MethodPatch, Pattern: userPattern, Stage: router.Beta, Flag: flagOn, Handler: http.HandlerFunc(userHandler)},
			path:  "/api/users/42", status: http.StatusOK, chi: noStoreUserHandler,
		},
		{
			name: "planned-cached-off",
			route: router.Route{Method: http.MethodPut, Pattern: "/api/reports/export", Stage: router.Planned, Flag: flagOff,
				Handler: http.HandlerFunc(userHandler), Name: "Report export", Available: "v2.0"},
			path: "/api/reports/export", status: http.StatusNotImplemented, chi: baseline.Prerendered(stubbed, "/api/reports/export"),
		},
		{
			name:  "planned-stub",
			route: router.Route{Method: http.MethodPut, Pattern: "/api/reports/export", Stage: router.Planned, Name: "Report export", Available: "v2.0"},
			path:  "/api/reports/export", status: http.StatusNotImplemented, chi: baseline.Prerendered(stubbed, "/api/reports/export"),
		},
	}
	for _, tc := range cases {
		req := httptest.NewRequest(tc.route.Method, tc.path, nil)
		b.Run("path="+tc.name+"/impl=chi", func(b *testing.B) {
			serve(b, chiRouter(tc.route.Method, tc.route.Pattern, tc.chi), req, tc.status)
		})
		b.Run("path="+tc.name+"/impl=roadmap", func(b *testing.B) {
			serve(b, newRouter(b, []router.Route{tc.route}, router.Config{Flags: client}), req, tc.status)
		})
	}
}

// directCall is the hand-written alternative to a gated route: a handler
// that evaluates flag with the client on every request, with the targeting
// key from X-User-ID and attrs, and serves userHandler when it is on.
func directCall(client *openfeature.Client, flag string, attrs map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ec := openfeature.NewEvaluationContext(r.Header.Get("X-User-ID"), attrs)
		if on, _ := client.BooleanValue(r.Context(), flag, false, ec); on {
			userHandler(w, r)
			return
		}
		w.WriteHeader(http.StatusNotImplemented)
	}
}

// BenchmarkFlag compares a route gated by a flag with a chi handler that
// calls the provider directly on every request (impl=direct with the
// targeting key only, impl=direct-attrs with the same evaluation context as
// the router builds: key plus route attributes), for the
// in-memory and the flagd in-process providers, a flag without rules
// (provider=*/flag=static: the router answers from its cache, and
// impl=roadmap-nocache shows the uncached cost) and a fractional rollout
// (flag=fractional: evaluated per request by both). impl=roadmap has the
// default per-evaluation bound (a context deadline, evaluated inline);
// impl=roadmap-inline sets FlagOptions.Timeout to -1 (no bound);
// impl=roadmap-isolated sets FlagOptions.Isolate (each evaluation handed to
// a worker goroutine, for providers that ignore their context).
func BenchmarkFlag(b *testing.B) {
	providers := []struct {
		name   string
		client func(*testing.B) *openfeature.Client
	}{
		{"memprovider", memClient},
		{"flagd-inprocess", func(b *testing.B) *openfeature.Client { c, _ := flagdClient(b); return c }},
	}
	for _, p := range providers {
		b.Run("provider="+p.name, func(b *testing.B) {
			client := p.client(b)
			user := onUser(b, client)
			for _, flag := range []struct{ name, key string }{{"static", flagOn}, {"fractional", flagFractional}} {
				req := httptest.NewRequest(http.MethodPatch, "/api/users/42", nil)
				req.Header.Set("X-User-ID", user)
				direct := directCall(client, flag.key, nil)
				// directAttrs evaluates with the same evaluation context as the
				// router: the targeting key plus the route attributes.
				directAttrs := directCall(client, flag.key, map[string]any{router.AttrRoute: "", router.AttrMethod: http.MethodPatch,
					router.AttrPattern: userPattern, router.AttrStage: router.Beta.String(), router.AttrOptIn: []any{}})
				route := router.Route{Method: http.MethodPatch, Pattern: userPattern, Stage: router.Beta, Flag: flag.key,
					Handler: http.HandlerFunc(userHandler)}
				cfg := router.Config{Flags: client, Context: flags.FromHeader("X-User-ID")}
				b.Run("flag="+flag.name+"/impl=direct", func(b *testing.B) {
					serve(b, chiRouter(http.MethodPatch, userPattern, direct), req, http.StatusOK)
				})
				b.Run("flag="+flag.name+"/impl=direct-attrs", func(b *testing.B) {
					serve(b, chiRouter(http.MethodPatch, userPattern, directAttrs), req, http.StatusOK)
				})
				b.Run("flag="+flag.name+"/impl=roadmap", func(b *testing.B) {
					serve(b, newRouter(b, []router.Route{route}, cfg), req, http.StatusOK)
				})
				b.Run("flag="+flag.name+"/impl=roadmap-inline", func(b *testing.B) {
					in := cfg
					in.FlagOptions.Timeout = -1
					serve(b, newRouter(b, []router.Route{route}, in), req, http.StatusOK)
				})
				b.Run("flag="+flag.name+"/impl=roadmap-isolated", func(b *testing.B) {
					iso := cfg
					iso.FlagOptions.Isolate = true
					serve(b, newRouter(b, []router.Route{route}, iso), req, http.StatusOK)
				})
				if flag.key == flagOn {
					b.Run("flag="+flag.name+"/impl=roadmap-nocache", func(b *testing.B) {
						nc := cfg
						nc.FlagOptions.NoCache = true
						serve(b, newRouter(b, []router.Route{route}, nc), req, http.StatusOK)
					})
				}
			}
		})
	}
}

// BenchmarkBuild10k compares router.New (validation, pre-rendering, chi
// registration) of 10,000 routes with registering the same 10,000
// method/pattern pairs on a plain chi router.
func BenchmarkBuild10k(b *testing.B) {
	routes := routetable.Routes(10000)
	ev := routetable.StaticEvaluator{}
	b.Run("impl=chi", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := chi.NewRouter()
			for _, r := range routes {
				h := r.Handler
				if h == nil {
					h = http.NotFoundHandler()
				}
				m.Method(r.Method, r.Pattern, h)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/build")
	})
	b.Run("impl=roadmap", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rt, err := router.New(routes, router.Config{Flags: ev})
			if err != nil {
				b.Fatal(err)
			}
			rt.Close()
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/build")
	})
}

// BenchmarkFlip measures how long a flag file edit takes to be served with
// the flagd in-process provider: each op rewrites the file, flipping a flag
// without rules, and polls until the answer changes. impl=provider polls the
// provider directly; impl=roadmap polls a beta route of the router, whose
// cached decision must be dropped on the provider's configuration-change
// event. The figure is reported as ms/flip; it is never asserted.
func BenchmarkFlip(b *testing.B) {
	client, path := flagdClient(b)
	route := router.Route{Method: http.MethodPatch, Pattern: userPattern, Stage: router.Beta, Flag: flagOn, Handler: http.HandlerFunc(userHandler)}
	req := httptest.NewRequest(http.MethodPatch, "/api/users/42", nil)
	rt := newRouter(b, []router.Route{route}, router.Config{Flags: client})
	served := func() bool {
		w := &discard{h: http.Header{}}
		rt.ServeHTTP(w, req)
		return w.code == 0 || w.code == http.StatusOK
	}
	direct := func() bool {
		v, _ := client.BooleanValue(context.Background(), flagOn, false, openfeature.EvaluationContext{})
		return v
	}
	on := true
	flip := func(b *testing.B, observe func() bool) {
		b.ReportAllocs()
		var total time.Duration
		for b.Loop() {
			on = !on
			start := time.Now()
			if err := os.WriteFile(path, []byte(flagdDoc(on)), 0o600); err != nil {
				b.Fatal(err)
			}
			for observe() != on {
				if time.Since(start) > 10*time.Second {
					b.Fatalf("flip to %v not served after 10s", on)
				}
				time.Sleep(50 * time.Microsecond)
			}
			total += time.Since(start)
		}
		b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/flip")
	}
	b.Run("impl=provider", func(b *testing.B) { flip(b, direct) })
	b.Run("impl=roadmap", func(b *testing.B) { flip(b, served) })
}
