package router_test

import (
	"net/http"
	"testing"

	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"

	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/router"
)

// TestPreviewOverHTTP checks the preview stubs over real HTTP: the example
// only for clients that ask for it and may see the roadmap, never instead of
// the real handler, marked with Roadmap-Example, HEAD without a body.
func TestPreviewOverHTTP(t *testing.T) {
	client, _ := memFlags(t, map[string]memprovider.InMemoryFlag{"on": boolFlag(true), "off": boolFlag(false)})
	example := func(status int, ctype string) *router.Example {
		return &router.Example{Status: status, ContentType: ctype, Body: []byte(`{"id":"example"}`)}
	}
	_, srv := servetest.Serve(t, []router.Route{
		{Method: http.MethodGet, Pattern: "/planned", Stage: router.Planned, Example: example(0, "")},
		{Method: http.MethodPost, Pattern: "/planned", Stage: router.Planned, Example: example(http.StatusCreated, "application/vnd.example+json")},
		{Method: http.MethodGet, Pattern: "/beta-off", Stage: router.Beta, Flag: "off", Handler: servetest.Served("beta-off"), Example: example(0, "")},
		{Method: http.MethodGet, Pattern: "/beta-on", Stage: router.Beta, Flag: "on", Handler: servetest.Served("beta-on"), Example: example(0, "")},
		{Method: http.MethodGet, Pattern: "/hidden", Stage: router.Planned, Off: router.OffNotFound, Example: example(0, "")},
		{Method: http.MethodGet, Pattern: "/forbidden", Stage: router.Planned, Off: router.OffForbidden, Example: example(0, "")},
	}, router.Config{Flags: client, Roadmap: func(r *http.Request) bool { return r.Header.Get("X-Staff") != "no" }})

	tests := []struct {
		name        string
		method      string
		path        string
		hdr         []string
		wantStatus  int
		wantType    string
		wantExample bool
		wantBody    string
	}{
		{name: "planned asks", method: "GET", path: "/planned", hdr: []string{"Roadmap-Preview", "example"}, wantStatus: 200, wantType: "application/json", wantExample: true, wantBody: `{"id":"example"}`},
		{name: "planned HEAD asks", method: "HEAD", path: "/planned", hdr: []string{"Roadmap-Preview", "example"}, wantStatus: 200, wantType: "application/json", wantExample: true, wantBody: ""},
		{name: "planned status and type", method: "POST", path: "/planned", hdr: []string{"Roadmap-Preview", "example"}, wantStatus: 201, wantType: "application/vnd.example+json", wantExample: true, wantBody: `{"id":"example"}`},
		{name: "planned does not ask", method: "GET", path: "/planned", wantStatus: 501, wantType: "application/problem+json"},
		{name: "other preview value", method: "GET", path: "/planned", hdr: []string{"Roadmap-Preview", "data"}, wantStatus: 501, wantType: "application/problem+json"},
		{name: "beta off asks", method: "GET", path: "/beta-off", hdr: []string{"Roadmap-Preview", "example"}, wantStatus: 200, wantType: "application/json", wantExample: true, wantBody: `{"id":"example"}`},
		{name: "beta on asks: real handler, no example", method: "GET", path: "/beta-on", hdr: []string{"Roadmap-Preview", "example"}, wantStatus: 200, wantType: "text/plain", wantBody: "served beta-on"},
		{name: "caller may not see the roadmap", method: "GET", path: "/planned", hdr: []string{"Roadmap-Preview", "example", "X-Staff", "no"}, wantStatus: 404, wantType: "application/problem+json"},
		{name: "hidden route never previews", method: "GET", path: "/hidden", hdr: []string{"Roadmap-Preview", "example"}, wantStatus: 404, wantType: "application/problem+json"},
		{name: "forbidden route previews to who asks", method: "GET", path: "/forbidden", hdr: []string{"Roadmap-Preview", "example"}, wantStatus: 200, wantType: "application/json", wantExample: true, wantBody: `{"id":"example"}`},
		{name: "forbidden route without asking", method: "GET", path: "/forbidden", wantStatus: 403, wantType: "application/problem+json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := servetest.Do(t, srv, tt.method, tt.path, tt.hdr...)
			assert.Equal(t, tt.wantStatus, a.Status, "body: %s", a.Body)
			assert.Equal(t, tt.wantType, a.Header.Get("Content-Type"))
			assert.Equal(t, tt.wantExample, a.Header.Get(router.ExampleHeader) == "true")
			if tt.wantExample {
				assert.Equal(t, "no-store", a.Header.Get("Cache-Control"))
				assert.Contains(t, a.Header.Values("Vary"), router.PreviewHeader)
			}
			if tt.wantBody != "" || tt.method == http.MethodHead {
				assert.Equal(t, tt.wantBody, a.Body)
			}
		})
	}
}
