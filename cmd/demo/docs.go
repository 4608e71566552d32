package main

import (
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-chi/chi/v5"

	"github.com/roadmap-go/roadmap/openapi"
	"github.com/roadmap-go/roadmap/roadmappage"
	"github.com/roadmap-go/roadmap/router"
)

// mountDocs serves what clients and people read about the API:
// GET /openapi.json (OpenAPI 3.1, flag state of the caller), GET /problems
// (the problem types), GET /roadmap.json
// and GET /roadmap, with the demand options of roadmap. The library serves none of them unless mounted.
func mountDocs(r chi.Router, rt *router.Router, roadmap roadmappage.Options) error {
	spec, err := openapi.NewHandler(rt, openapi.Options{
		Info: &openapi3.Info{
			Title:       "roadmap demo",
			Version:     "1.0.0",
			Description: "Routes declared with their lifecycle stage. x-lifecycle tells each operation's stage, flag and target release, and whether it is served to the caller.",
			Contact:     &openapi3.Contact{Name: "roadmap", URL: "https://github.com/roadmap-go/roadmap"},
		},
		// Relative to the document's own URL: wherever the demo runs.
		Servers:    openapi3.Servers{{URL: "/", Description: "This server."}},
		PerRequest: true,
	})
	if err != nil {
		return err
	}
	r.Method(http.MethodGet, "/openapi.json", spec)
	r.Method(http.MethodHead, "/openapi.json", spec)
	// The problem types' page, as the router's answers name them
	// (docs/problems.md has the same sections).
	types := roadmappage.ProblemTypesHandler()
	r.Method(http.MethodGet, "/problems", types)
	r.Method(http.MethodHead, "/problems", types)
	roadmap.Title = "roadmap demo: API roadmap"
	roadmappage.New(rt, roadmap).Mount(r)
	return nil
}
