package main

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/roadmap-go/roadmap/router"
)

// Dates of the deprecated v0 API, fixed so that the demo's answers are
// reproducible: deprecated since 2026-01-01, sunset on 2030-01-01.
var (
	v0Deprecation = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	v0Sunset      = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
)

// routes is the demo's whole API, declared in one place.
func routes() []router.Route {
	return []router.Route{
		{
			Method: http.MethodPut, Pattern: "/api/reports/export", Stage: router.Planned,
			Flag: "reports-export", Name: "Report export", Available: "v2.0",
			Handler: http.HandlerFunc(exportReport), OperationID: "exportReport",
			// Preview for client teams: "Roadmap-Preview: example" gets this.
			Example: &router.Example{Status: http.StatusAccepted,
				Body: []byte(`{"job":"example","status":"queued","href":"/api/reports/export/jobs/example"}` + "\n")},
		},
		{Method: http.MethodGet, Pattern: "/api/feature", Stage: router.Live, Handler: http.HandlerFunc(getFeature), OperationID: "getFeature"},
		{Method: http.MethodPost, Pattern: "/api/feature", Stage: router.Live, Handler: http.HandlerFunc(createFeature), OperationID: "createFeature"},
		{Method: http.MethodPut, Pattern: "/api/feature", Stage: router.Planned, Flag: "feature-write", Handler: http.HandlerFunc(writeFeature), OperationID: "replaceFeature"},
		{Method: http.MethodDelete, Pattern: "/api/feature", Stage: router.Planned, Flag: "feature-write", Handler: http.HandlerFunc(writeFeature), OperationID: "deleteFeature"},
		{Method: http.MethodGet, Pattern: "/api/users/{id}", Stage: router.Live, Name: "Get user", Handler: http.HandlerFunc(getUser), OperationID: "getUser"},
		{Method: http.MethodPut, Pattern: "/api/users/{id}", Stage: router.Live, Name: "Replace user", Handler: http.HandlerFunc(putUser), OperationID: "replaceUser"},
		{
			Method: http.MethodPatch, Pattern: "/api/users/{id}", Stage: router.Beta,
			Flag: "users-patch", Name: "Partial user update", Available: "v1.5",
			Handler: http.HandlerFunc(patchUser), OperationID: "patchUser",
		},
		{
			Method: http.MethodGet, Pattern: "/api/v0/users/{id}", Stage: router.Deprecated,
			Name: "Get user (v0)", Handler: http.HandlerFunc(getUser), OperationID: "getUserV0",
			Deprecation: v0Deprecation, Sunset: v0Sunset,
			Docs: "https://example.com/docs/migrate-v0", Successor: "/api/users/{id}",
			// Where this flag is on, the route answers 410 as if removed
			// (docs/retiring-routes.md); off in flags.json.
			Brownout: "users-v0-brownout",
		},
		{Method: http.MethodGet, Pattern: "/api/v0/reports", Stage: router.Removed, Name: "Reports (v0)", OperationID: "listReportsV0"},
		// Rollout examples (docs/rollout.md). A beta that needs the opt-in
		// "Roadmap-Beta: users-activity" and is restricted to named users by
		// its flag; others get 403 rather than 501.
		{
			Method: http.MethodGet, Pattern: "/api/users/{id}/activity", Stage: router.Beta,
			Flag: "users-activity", Name: "User activity feed", Available: "v1.6",
			Handler: http.HandlerFunc(userActivity), OperationID: "getUserActivity",
			Off: router.OffForbidden,
		},
		// A planned route kept secret: 404, as if undeclared, to everyone its
		// flag is off for.
		{
			Method: http.MethodGet, Pattern: "/api/insights", Stage: router.Planned,
			Flag: "insights", Name: "Insights",
			Handler: http.HandlerFunc(insights), OperationID: "getInsights",
			Off: router.OffNotFound,
		},
	}
}

// The demo's answers are small structs encoded with json.Marshal: plain, and
// cheap enough that a load test of the demo measures the framework rather
// than the handlers (a map through json.NewEncoder costs six allocations
// more). Fields are in the order of their names, as the map answers of
// earlier versions were (the README shows the bytes). internal/bench.PlainDemo
// serves the same answers on plain chi.
type (
	userAnswer struct {
		ID     string `json:"id"`
		Name   string `json:"name,omitempty"`
		Result string `json:"result,omitempty"`
	}
	featureAnswer struct {
		Feature string `json:"feature"`
		State   string `json:"state,omitempty"`
		Result  string `json:"result,omitempty"`
	}
	jobAnswer struct {
		Href   string `json:"href"`
		Job    string `json:"job"`
		Status string `json:"status"`
	}
)

// writeJSON answers v as JSON with status. v is encoded before anything is
// written, so that an encoding error is still a clean 500.
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

func exportReport(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusAccepted, jobAnswer{Job: "export-1", Status: "queued", Href: "/api/reports/export/jobs/export-1"})
}

func getFeature(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, featureAnswer{Feature: "demo", State: "on"})
}

func createFeature(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusCreated, featureAnswer{Feature: "demo", Result: "created"})
}

func writeFeature(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, featureAnswer{Feature: "demo", Result: r.Method + " applied"})
}

func getUser(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, userAnswer{ID: chi.URLParam(r, "id"), Name: "Ada"})
}

func putUser(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, userAnswer{ID: chi.URLParam(r, "id"), Result: "replaced"})
}

func patchUser(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, userAnswer{ID: chi.URLParam(r, "id"), Result: "patched"})
}
