package baseline

import (
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/router"
	"github.com/roadmap-go/roadmap/stub"
)

// ReportExportStub is the problem the demo's planned route PUT
// /api/reports/export answers with while its flag is off.
var ReportExportStub = stub.Typed(stub.Problem{
	Status:    http.StatusNotImplemented,
	Detail:    "Report export is not yet available. Check back in a future release.",
	Stage:     "planned",
	Route:     "PUT /api/reports/export",
	Available: "v2.0",
}, stub.TypeNotYetAvailable)

// Prerendered returns a plain handler that writes the answer of responder
// for path as fixed bytes: the baseline of a 501 stub, with nothing computed
// per request.
func Prerendered(s *stub.Responder, path string) http.HandlerFunc {
	body := s.Body(path)
	status := s.Status()
	ct, cc, ns := []string{stub.ContentType}, []string{"no-store"}, []string{"nosniff"}
	return func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h["Content-Type"] = ct
		h["Cache-Control"] = cc
		h["X-Content-Type-Options"] = ns
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

// PlainChi returns the load test's baseline server: a chi router with the
// demo's middleware and, on the routes the load test requests, handlers that
// do the same work as the demo's (JSON encoded per request), without the
// roadmap router. The planned route answers the demo's 501 body, pre-rendered.
func PlainChi() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.Recoverer, limitBody)
	r.Get("/api/users/{id}", userAnswer("name", "Ada"))
	r.Patch("/api/users/{id}", userAnswer("result", "patched"))
	r.Put("/api/reports/export", Prerendered(stub.New(ReportExportStub), "/api/reports/export"))
	return r
}

// LoadRoutes declares the routes of PlainChi as the demo declares them: GET
// /api/users/{id} live, PATCH /api/users/{id} beta behind flag users-patch,
// PUT /api/reports/export planned behind flag reports-export.
func LoadRoutes() []router.Route {
	return []router.Route{
		{Method: http.MethodGet, Pattern: "/api/users/{id}", Stage: router.Live, Name: "Get user", Handler: userAnswer("name", "Ada")},
		{Method: http.MethodPatch, Pattern: "/api/users/{id}", Stage: router.Beta, Flag: "users-patch", Name: "Partial user update",
			Available: "v1.5", Handler: userAnswer("result", "patched")},
		{Method: http.MethodPut, Pattern: "/api/reports/export", Stage: router.Planned, Flag: "reports-export", Name: "Report export",
			Available: "v2.0", Handler: userAnswer("job", "export-1")},
	}
}

// Roadmap returns the same server as PlainChi with the routes served by the
// roadmap router (LoadRoutes), behind the same middleware, with flags
// evaluated by ev and the targeting key read from X-User-ID. Call the
// returned function to release the router.
//
// The router is the server's handler, as the plain chi router is
// PlainChi's. Mounted under a parent chi router instead (as the demo does,
// to serve other paths beside it), a request also pays chi's sub-router
// routing, about 0.4 µs and 3 allocations here: the price of any chi
// sub-router, which BenchmarkServe leaves out too.
func Roadmap(ev flags.Evaluator) (http.Handler, func(), error) {
	rt, err := router.New(LoadRoutes(), router.Config{Flags: ev, Context: flags.FromHeader("X-User-ID")})
	if err != nil {
		return nil, nil, err
	}
	return chi.Chain(middleware.Recoverer, limitBody).Handler(rt), rt.Close, nil
}

// limitBody bounds request bodies to 1 MiB, as the demo does.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		req.Body = http.MaxBytesReader(w, req.Body, 1<<20)
		next.ServeHTTP(w, req)
	})
}

// userAnswer encodes {"id": <id>, key: value} per request, as the demo's user
// handlers do.
func userAnswer(key, value string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_ = json.NewEncoder(w).Encode(map[string]string{"id": chi.URLParam(r, "id"), key: value})
	}
}
