package baseline

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/roadmap-go/roadmap/stub"
)

// PlainDemo returns the baseline of the stack load test (scripts/loadtest.sh):
// the demo's API paths that the load test requests, written by hand on a
// plain chi router with the demo's ordinary middleware (Recoverer, the 1 MiB
// body limit) and the demo's handlers (the same structs through
// json.Marshal, the same bytes; the demo's writes decode a body only when
// there is one, and the load test sends none). What roadmap adds on the demo's side, it
// does here by hand, with fixed strings:
//
//   - GET /api/users/{id} (live in the demo) and PUT /api/users/{id};
//   - PATCH /api/users/{id} (beta in the demo, its flag on): the same answer
//     with Cache-Control: no-store, as for every flag-dependent answer;
//   - GET /api/v0/users/{id} (deprecated, with a brownout flag): the user
//     with the demo's Deprecation, Sunset and Link headers (the successor's
//     path with the request's id) and no-store;
//   - PUT /api/reports/export (planned, flag off): the demo's 501 problem
//     body, pre-rendered.
//
// Other methods on these paths get chi's own 405 (with Allow) and unknown
// methods too: that is what plain chi does. The demo answers unknown methods
// 501, and its 405 has a problem body.
func PlainDemo() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.Recoverer, limitBody)
	r.Get("/api/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, demoUser{ID: chi.URLParam(r, "id"), Name: "Ada"})
	})
	r.Put("/api/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, demoUserChange{ID: chi.URLParam(r, "id"), Name: "Ada", Result: "replaced"})
	})
	noStore := []string{"no-store"}
	r.Patch("/api/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Cache-Control"] = noStore
		var in struct {
			Name *string `json:"name,omitempty"`
		}
		if r.ContentLength != 0 && json.NewDecoder(r.Body).Decode(&in) != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		name := "Ada"
		if in.Name != nil {
			name = *in.Name
		}
		writeJSON(w, http.StatusOK, demoUserChange{ID: chi.URLParam(r, "id"), Name: name, Result: "patched"})
	})
	dep, sunset := []string{"@1767225600"}, []string{"Tue, 01 Jan 2030 00:00:00 GMT"}
	r.Get("/api/v0/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		id := chi.URLParam(r, "id")
		h["Deprecation"], h["Sunset"], h["Cache-Control"] = dep, sunset, noStore
		h["Link"] = []string{`<https://example.com/docs/migrate-v0>; rel="deprecation"; type="text/html", </api/users/` + id + `>; rel="successor-version"`}
		writeJSON(w, http.StatusOK, demoUser{ID: id, Name: "Ada"})
	})
	r.Put("/api/reports/export", Prerendered(stub.New(ReportExportStub), "/api/reports/export"))
	return r
}

// demoUser and demoUserChange are the demo's User and UserChange
// (cmd/demo/routes.go).
type (
	demoUser struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	demoUserChange struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Result string `json:"result"`
	}
)

// writeJSON is the demo's writeJSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	_, _ = io.WriteString(w, "\n")
}
