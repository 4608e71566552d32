package roadmappage_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/roadmap-go/roadmap/roadmappage"
)

// ExampleProblemTypesHandler serves the page the problem type URIs of the
// router's answers describe, as the demo does at GET /problems: one section
// per type, with its slug as id.
func ExampleProblemTypesHandler() {
	mux := chi.NewRouter()
	mux.Method(http.MethodGet, "/problems", roadmappage.ProblemTypesHandler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	res, err := http.Get(srv.URL + "/problems")
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	fmt.Println(res.Header.Get("Content-Type"))
	for _, t := range roadmappage.ProblemTypes()[:3] {
		fmt.Printf("%s (%s, %d): %v\n", t.Slug, t.Title, t.Status, strings.Contains(string(page), `<section id="`+t.Slug+`">`))
	}
	// Output:
	// text/html; charset=utf-8
	// not-yet-available (Not yet available, 501): true
	// not-enabled (Not enabled for this caller, 501): true
	// removed (Removed, 410): true
}
