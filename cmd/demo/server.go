package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/router"
)

// deps are what the demo server needs from its environment.
type deps struct {
	Flags  flags.Evaluator
	Logger *slog.Logger
	Ops    opsDeps // flag timeout and last-known policy, tracing (ops.go)
}

// maxBodyBytes bounds request bodies.
const maxBodyBytes = 1 << 20

// newServer builds the demo's handler: the roadmap router at the top, with
// /healthz, the docs (docs.go), /metrics and /readyz (ops.go) served in front
// of it, all behind ordinary middleware. The returned cleanup releases the
// router's provider subscription.
func newServer(d deps) (http.Handler, func(), error) {
	o, err := newOps(d)
	if err != nil {
		return nil, nil, err
	}
	cfg := router.Config{
		Flags:   d.Flags,
		Context: flags.FromHeader(userHeader),
		Logger:  d.Logger,
		Roadmap: roadmapViewer, // rollout.go
		// The demo's flag rules read the targeting key and roadmapOptIn
		// only: the other route attributes would cost every evaluation
		// (docs/performance.md). Remove this to target by route.
		NoRouteAttributes: true,
	}
	o.configure(&cfg, d)
	rt, err := router.New(routes(), cfg)
	if err != nil {
		o.close()
		return nil, nil, err
	}
	side := chi.NewRouter()
	side.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	if err := mountDocs(side, rt, o.roadmap()); err != nil {
		rt.Close()
		o.close()
		return nil, nil, err
	}
	o.mount(side, rt)
	top, err := inFront(side, rt)
	if err != nil {
		rt.Close()
		o.close()
		return nil, nil, err
	}
	h := chi.Chain(o.traceRequests, router.KnownMethods, middleware.Recoverer, limitBody).Handler(top) // limitBody: httpserver.go
	return h, func() { o.close(); rt.Close() }, nil
}

// inFront serves the paths of side (static paths only) in front of rt, and
// everything else with rt, so that an API request is routed once, by the
// router, rather than by a parent chi router and then the router mounted in
// it. A side path asked with a method it does not serve gets the router's
// 404, as a path the API does not declare.
func inFront(side *chi.Mux, rt *router.Router) (http.Handler, error) {
	side.NotFound(rt.NotFound)
	side.MethodNotAllowed(rt.NotFound)
	paths := map[string]bool{}
	err := chi.Walk(side, func(_ string, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.ContainsAny(route, "{*") {
			return fmt.Errorf("demo: %s: only static paths may be served in front of the router", route)
		}
		paths[route] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if paths[r.URL.Path] {
			side.ServeHTTP(w, r)
			return
		}
		rt.ServeHTTP(w, r)
	}), nil
}
