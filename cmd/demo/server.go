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
}

// maxBodyBytes bounds request bodies.
const maxBodyBytes = 1 << 20

// newServer builds the demo's handler: the roadmap router mounted in a chi
// router with ordinary middleware, plus /healthz. The returned cleanup
// releases the router's provider subscription.
func newServer(d deps) (http.Handler, func(), error) {
	rt, err := router.New(routes(), router.Config{
		Flags:   d.Flags,
		Context: flags.FromHeader("X-User-ID"),
		Logger:  d.Logger,
		Roadmap: roadmapViewer, // rollout.go
	})
	if err != nil {
		return nil, nil, err
	}
	r := chi.NewRouter()
	r.Use(router.KnownMethods)
	r.Use(middleware.Recoverer)
	r.Use(limitBody) // 413 over maxBodyBytes (httpserver.go)
	r.NotFound(rt.NotFound)
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	if err := mountDocs(r, rt); err != nil {
		rt.Close()
		return nil, nil, err
	}
	r.Mount("/", rt)
	return r, rt.Close, nil
}
