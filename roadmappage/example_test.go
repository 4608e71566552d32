package roadmappage_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/go-chi/chi/v5"

	"github.com/roadmap-go/roadmap/roadmappage"
	"github.com/roadmap-go/roadmap/router"
)

func ExampleHandler_Mount() {
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/users", Stage: router.Live, Handler: http.HandlerFunc(ok)},
		{Method: http.MethodDelete, Pattern: "/users/{id}", Stage: router.Planned, Available: "v2.0"},
	}, router.Config{})
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	mux := chi.NewRouter()
	mux.NotFound(rt.NotFound)
	roadmappage.New(rt, roadmappage.Options{}).Mount(mux)
	mux.Mount("/", rt)

	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/roadmap.json", nil))
	var doc roadmappage.Document
	_ = json.Unmarshal(w.Body.Bytes(), &doc)
	for _, r := range doc.Routes {
		fmt.Printf("%s %s: %s, %s, target %q\n", r.Method, r.Pattern, r.Stage, r.State, r.Available)
	}
	// Output:
	// GET /users: live, available, target ""
	// DELETE /users/{id}: planned, unavailable, target "v2.0"
}
