package main

import (
	"log/slog"
	"net/http"

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

// newServer builds the demo's handler: the roadmap router mounted in a chi
// router with ordinary middleware, plus /healthz, and /metrics and /readyz
// (ops.go). The returned cleanup
// releases the router's provider subscription.
func newServer(d deps) (http.Handler, func(), error) {
	o, err := newOps(d)
	if err != nil {
		return nil, nil, err
	}
	cfg := router.Config{
		Flags:   d.Flags,
		Context: flags.FromHeader("X-User-ID"),
		Logger:  d.Logger,
		Roadmap: roadmapViewer, // rollout.go
	}
	o.configure(&cfg, d)
	rt, err := router.New(routes(), cfg)
	if err != nil {
		o.close()
		return nil, nil, err
	}
	r := chi.NewRouter()
	r.Use(o.traceRequests)
	r.Use(router.KnownMethods)
	r.Use(middleware.Recoverer)
	r.Use(limitBody) // 413 over maxBodyBytes (httpserver.go)
	r.NotFound(rt.NotFound)
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	if err := mountDocs(r, rt, o.roadmap()); err != nil {
		rt.Close()
		o.close()
		return nil, nil, err
	}
	o.mount(r, rt)
	r.Mount("/", rt)
	return r, func() { o.close(); rt.Close() }, nil
}
