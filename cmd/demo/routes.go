package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/roadmap-go/roadmap/router"
	"github.com/roadmap-go/roadmap/stub"
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
			Responses: map[int]any{http.StatusAccepted: ReportJob{}},
			// Preview for client teams: "Roadmap-Preview: example" gets this.
			Example: &router.Example{Status: http.StatusAccepted,
				Body: []byte(`{"job":"example","status":"queued","href":"/api/reports/export/jobs/example"}` + "\n")},
		},
		{Method: http.MethodGet, Pattern: "/api/feature", Stage: router.Live, Name: "Get feature", Handler: http.HandlerFunc(getFeature), OperationID: "getFeature",
			Responses: map[int]any{http.StatusOK: Feature{}}},
		{Method: http.MethodPost, Pattern: "/api/feature", Stage: router.Live, Name: "Create feature", Handler: http.HandlerFunc(createFeature), OperationID: "createFeature",
			Responses: map[int]any{http.StatusCreated: FeatureResult{}}},
		{Method: http.MethodPut, Pattern: "/api/feature", Stage: router.Planned, Flag: "feature-write", Handler: http.HandlerFunc(writeFeature), OperationID: "replaceFeature",
			Responses: map[int]any{http.StatusOK: FeatureResult{}}},
		{Method: http.MethodDelete, Pattern: "/api/feature", Stage: router.Planned, Flag: "feature-write", Handler: http.HandlerFunc(writeFeature), OperationID: "deleteFeature",
			Responses: map[int]any{http.StatusOK: FeatureResult{}}},
		{Method: http.MethodGet, Pattern: "/api/users/{id}", Stage: router.Live, Name: "Get user", Handler: http.HandlerFunc(getUser), OperationID: "getUser",
			Responses: map[int]any{http.StatusOK: User{}}},
		{Method: http.MethodPut, Pattern: "/api/users/{id}", Stage: router.Live, Name: "Replace user", Handler: http.HandlerFunc(putUser), OperationID: "replaceUser",
			Request: UserInput{}, Responses: map[int]any{http.StatusOK: UserChange{}, http.StatusBadRequest: nil}},
		{
			Method: http.MethodPatch, Pattern: "/api/users/{id}", Stage: router.Beta,
			Flag: "users-patch", Name: "Partial user update", Available: "v1.5",
			Handler: http.HandlerFunc(patchUser), OperationID: "patchUser",
			Request: UserPatch{}, Responses: map[int]any{http.StatusOK: UserChange{}, http.StatusBadRequest: nil},
		},
		{
			Method: http.MethodGet, Pattern: "/api/v0/users/{id}", Stage: router.Deprecated,
			Name: "Get user (v0)", Handler: http.HandlerFunc(getUser), OperationID: "getUserV0",
			Responses:   map[int]any{http.StatusOK: User{}},
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
			Responses: map[int]any{http.StatusOK: Activity{}},
			Off:       router.OffForbidden,
		},
		// A planned route kept secret: 404, as if undeclared, to everyone its
		// flag is off for.
		{
			Method: http.MethodGet, Pattern: "/api/insights", Stage: router.Planned,
			Flag: "insights", Name: "Insights",
			Handler: http.HandlerFunc(insights), OperationID: "getInsights",
			Responses: map[int]any{http.StatusOK: Insights{}},
			Off:       router.OffNotFound,
		},
	}
}

// writeJSON answers v as JSON with status. v is encoded (json.Marshal of one
// of the structs below: plain, and cheap enough that a load test of the demo
// measures the framework rather than the handlers) before anything is
// written, so that an encoding error is still a clean 500.
// internal/baseline.PlainDemo serves the same answers on plain chi.
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

// The demo's bodies, declared on its routes (Request, Responses) and so
// described in its OpenAPI document.
type (
	// ReportJob is the answer of a report export.
	ReportJob struct {
		Href   string `json:"href"`
		Job    string `json:"job"`
		Status string `json:"status"`
	}
	// Feature is the demo feature's state.
	Feature struct {
		Feature string `json:"feature"`
		State   string `json:"state"`
	}
	// FeatureResult is the answer of a write to the demo feature.
	FeatureResult struct {
		Feature string `json:"feature"`
		Result  string `json:"result"`
	}
	// User is a user.
	User struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	// UserInput is the body of a user replacement.
	UserInput struct {
		Name string `json:"name"`
	}
	// UserPatch is the body of a partial user update: the fields to change.
	UserPatch struct {
		Name *string `json:"name,omitempty"`
	}
	// UserChange is the answer of a user write.
	UserChange struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Result string `json:"result"`
	}
	// Activity is a user's activity feed.
	Activity struct {
		ID       string   `json:"id"`
		Activity []string `json:"activity"`
	}
	// Insights are the demo's usage figures.
	Insights struct {
		ActiveUsers int    `json:"active_users"`
		Trend       string `json:"trend"`
	}
)

func exportReport(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusAccepted, ReportJob{Job: "export-1", Status: "queued", Href: "/api/reports/export/jobs/export-1"})
}

func getFeature(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, Feature{Feature: "demo", State: "on"})
}

func createFeature(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusCreated, FeatureResult{Feature: "demo", Result: "created"})
}

func writeFeature(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, FeatureResult{Feature: "demo", Result: r.Method + " applied"})
}

func getUser(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, User{ID: chi.URLParam(r, "id"), Name: "Ada"})
}

// decodeBody decodes r's JSON body, if it has one, into v, and answers 400
// if it is malformed.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if r.ContentLength == 0 {
		return true // the demo's writes tolerate an empty body
	}
	if err := json.NewDecoder(r.Body).Decode(v); err != nil && !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			newTooLarge().ServeHTTP(w, r) // a chunked body over limitBody's bound
			return false
		}
		stub.New(stub.Problem{Status: http.StatusBadRequest, Detail: "The request body is not valid JSON for this operation."}).ServeHTTP(w, r)
		return false
	}
	return true
}

func putUser(w http.ResponseWriter, r *http.Request) {
	in := UserInput{Name: "Ada"}
	if !decodeBody(w, r, &in) {
		return
	}
	writeJSON(w, http.StatusOK, UserChange{ID: chi.URLParam(r, "id"), Name: in.Name, Result: "replaced"})
}

func patchUser(w http.ResponseWriter, r *http.Request) {
	var in UserPatch
	if !decodeBody(w, r, &in) {
		return
	}
	name := "Ada"
	if in.Name != nil {
		name = *in.Name
	}
	writeJSON(w, http.StatusOK, UserChange{ID: chi.URLParam(r, "id"), Name: name, Result: "patched"})
}
