package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/client"
	"github.com/roadmap-go/roadmap/openapi"
	"github.com/roadmap-go/roadmap/roadmappage"
	"github.com/roadmap-go/roadmap/router"
	"github.com/roadmap-go/roadmap/stub"
)

// docsTestFlags switches the beta and secret routes on for the user "ada"
// only (users-activity also needs her opt-in), and everything else off, so
// that tests know what each caller gets.
const docsTestFlags = `{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "flags": {
    "reports-export": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"},
    "feature-write": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"},
    "users-patch": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
      "targeting": {"if": [{"==": [{"var": "targetingKey"}, "ada"]}, "on", "off"]}},
    "users-activity": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
      "targeting": {"if": [{"and": [{"in": ["users-activity", {"var": "roadmapOptIn"}]}, {"==": [{"var": "targetingKey"}, "ada"]}]}, "on", "off"]}},
    "insights": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
      "targeting": {"if": [{"==": [{"var": "targetingKey"}, "ada"]}, "on", "off"]}}
  }
}`

// docsVisibleRoutes returns "METHOD /pattern" of the demo routes a caller
// sees in the roadmap and the OpenAPI document: all of them, less the
// secret ones (OffNotFound) unless their flag is on for the caller.
func docsVisibleRoutes(secretOn bool) []string {
	var ids []string
	for _, r := range routes() {
		if r.Off == router.OffNotFound && !secretOn {
			continue
		}
		ids = append(ids, r.Method+" "+r.Pattern)
	}
	return ids
}

// startDemoForDocs runs the demo (run, as main does) on a free 127.0.0.1
// port with flags as its flag file, and returns its base URL. The demo stops
// when the test ends.
func startDemoForDocs(t *testing.T, flags string) string {
	t.Helper()
	return mtRun(t, mtNoEnv, io.Discard, "-flags", mtFlagFile(t, []byte(flags))).base
}

func getForDocs(t *testing.T, url string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, body
}

func TestDemoOpenAPI(t *testing.T) {
	base := startDemoForDocs(t, docsTestFlags)
	tests := []struct {
		name        string
		user        string
		wantRoutes  []string
		wantPatch   bool
		wantServing bool
	}{
		{name: "anonymous", wantRoutes: docsVisibleRoutes(false), wantPatch: true},
		{name: "ada: beta and secret on", user: "ada", wantRoutes: docsVisibleRoutes(true), wantPatch: true, wantServing: true},
		{name: "guest: may not see the roadmap", user: "guest-1", wantRoutes: []string{
			"GET /api/feature", "POST /api/feature", "GET /api/users/{id}", "PUT /api/users/{id}", "GET /api/v0/users/{id}", "GET /api/v0/reports"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := getForDocs(t, base+"/openapi.json", http.Header{"X-User-Id": {tt.user}})
			require.Equal(t, http.StatusOK, res.StatusCode)
			loader := openapi3.NewLoader()
			doc, err := loader.LoadFromData(body)
			require.NoError(t, err)
			require.NoError(t, doc.Validate(loader.Context))
			assert.Equal(t, "3.1.0", doc.OpenAPI)
			var got []string
			for path, item := range doc.Paths.Map() {
				for method := range item.Operations() {
					got = append(got, method+" "+path)
				}
			}
			// Removed routes are listed apart, out of client generators'
			// reach.
			raw, err := json.Marshal(doc.Extensions[openapi.RemovedExtension])
			require.NoError(t, err)
			removed := openapi3.NewPaths()
			require.NoError(t, json.Unmarshal(raw, removed))
			for path, item := range removed.Map() {
				for method := range item.Operations() {
					got = append(got, method+" "+path)
				}
			}
			assert.ElementsMatch(t, tt.wantRoutes, got)
			assert.True(t, doc.Paths.Find("/api/v0/users/{id}").Get.Deprecated)
			patch := doc.Paths.Find("/api/users/{id}").Patch
			require.Equal(t, tt.wantPatch, patch != nil)
			if patch == nil {
				return
			}
			assert.Equal(t, "patchUser", patch.OperationID)
			lc, err := json.Marshal(patch.Extensions["x-lifecycle"])
			require.NoError(t, err)
			var l struct {
				Stage, Flag, Available string
				Serving                bool
			}
			require.NoError(t, json.Unmarshal(lc, &l))
			assert.Equal(t, "beta", l.Stage)
			assert.Equal(t, "users-patch", l.Flag)
			assert.Equal(t, "v1.5", l.Available)
			assert.Equal(t, tt.wantServing, l.Serving)
		})
	}
}

func TestDemoRoadmapJSON(t *testing.T) {
	base := startDemoForDocs(t, docsTestFlags)
	declared := map[string]router.Route{}
	for _, r := range routes() {
		declared[r.Method+" "+r.Pattern] = r
	}
	for _, user := range []string{"", "ada"} {
		t.Run("user "+user, func(t *testing.T) {
			res, body := getForDocs(t, base+"/roadmap.json", http.Header{"X-User-Id": {user}})
			require.Equal(t, http.StatusOK, res.StatusCode)
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
			var doc roadmappage.Document
			require.NoError(t, json.Unmarshal(body, &doc))
			var got []string
			for _, route := range doc.Routes {
				id := route.Method + " " + route.Pattern
				got = append(got, id)
				r := declared[id]
				assert.Equal(t, r.Stage.String(), route.Stage, id)
				assert.Equal(t, r.Flag, route.Flag, id)
				assert.Equal(t, r.Available, route.Available, id)
				assert.Equal(t, r.Docs, route.Docs, id)
				if r.Method == http.MethodPatch {
					assert.Equal(t, user == "ada", route.Serving, "beta PATCH served to ada only")
				}
				if r.Stage == router.Deprecated {
					require.NotNil(t, route.Sunset)
					assert.True(t, r.Sunset.Equal(*route.Sunset))
				}
			}
			assert.Equal(t, docsVisibleRoutes(user == "ada"), got, "declaration order; the secret route only for ada")
		})
	}
	t.Run("guest gets the 404 of an undeclared path", func(t *testing.T) {
		_, notFound := getForDocs(t, base+"/nowhere", nil)
		for _, path := range []string{"/roadmap.json", "/roadmap"} {
			res, body := getForDocs(t, base+path, http.Header{"X-User-Id": {"guest-1"}})
			assert.Equal(t, http.StatusNotFound, res.StatusCode)
			assert.Equal(t, strings.Replace(string(notFound), "/nowhere", path, 1), string(body))
		}
	})
}

// TestDemoPreview checks preview stubs over real HTTP: the planned report
// export answers its example, marked as such, only to clients that ask.
func TestDemoPreview(t *testing.T) {
	base := startDemoForDocs(t, docsTestFlags)
	tests := []struct {
		name        string
		method      string
		header      http.Header
		wantStatus  int
		wantExample string
		wantType    string
	}{
		{name: "no preview asked", method: http.MethodPut, wantStatus: http.StatusNotImplemented, wantType: "application/problem+json"},
		{name: "preview", method: http.MethodPut, header: http.Header{"Roadmap-Preview": {"example"}}, wantStatus: http.StatusAccepted, wantExample: "true", wantType: "application/json"},
		{name: "other preview value", method: http.MethodPut, header: http.Header{"Roadmap-Preview": {"real"}}, wantStatus: http.StatusNotImplemented, wantType: "application/problem+json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, base+"/api/reports/export", strings.NewReader(`{}`))
			require.NoError(t, err)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.wantStatus, res.StatusCode)
			assert.Equal(t, tt.wantType, res.Header.Get("Content-Type"))
			assert.Equal(t, tt.wantExample, res.Header.Get("Roadmap-Example"))
			if tt.wantExample != "" {
				assert.JSONEq(t, `{"job":"example","status":"queued","href":"/api/reports/export/jobs/example"}`, string(body))
				assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
				assert.Contains(t, res.Header.Values("Vary"), "Roadmap-Preview")
			}
		})
	}
}

// TestDemoClient drives the demo with the client package over real HTTP.
func TestDemoClient(t *testing.T) {
	base := startDemoForDocs(t, docsTestFlags)
	var notices []client.Notice
	newClient := func(fallback map[string]string) *http.Client {
		return &http.Client{Transport: &client.Transport{Fallback: fallback, OnDeprecation: func(n client.Notice) { notices = append(notices, n) }}}
	}
	tests := []struct {
		name          string
		method        string
		path          string
		user          string
		fallback      map[string]string
		wantStatus    int
		wantResult    string
		wantErr       error
		wantStage     string
		wantAvailable string
		wantType      string
	}{
		{name: "beta off: typed error", method: http.MethodPatch, path: "/api/users/7", wantErr: client.ErrNotImplemented, wantStage: "beta", wantAvailable: "v1.5", wantType: stub.TypeNotEnabled},
		{name: "beta off: PATCH falls back to PUT", method: http.MethodPatch, path: "/api/users/7", fallback: map[string]string{"PATCH": "PUT"}, wantStatus: 200, wantResult: "replaced"},
		{name: "beta on: PATCH served", method: http.MethodPatch, path: "/api/users/7", user: "ada", fallback: map[string]string{"PATCH": "PUT"}, wantStatus: 200, wantResult: "patched"},
		{name: "planned: typed error", method: http.MethodPut, path: "/api/reports/export", wantErr: client.ErrNotImplemented, wantStage: "planned", wantAvailable: "v2.0", wantType: stub.TypeNotYetAvailable},
		{name: "removed: gone", method: http.MethodGet, path: "/api/v0/reports", wantErr: client.ErrGone, wantStage: "removed", wantType: stub.TypeRemoved},
		{name: "live", method: http.MethodGet, path: "/api/users/7", wantStatus: 200},
		{name: "beta answering 403 is not a lifecycle answer", method: http.MethodGet, path: "/api/users/7/activity", wantStatus: 403},
		{name: "secret planned route answers 404", method: http.MethodGet, path: "/api/insights", wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, base+tt.path, strings.NewReader(`{"name":"Ada"}`))
			require.NoError(t, err)
			if tt.user != "" {
				req.Header.Set("X-User-ID", tt.user)
			}
			res, err := newClient(tt.fallback).Do(req)
			if tt.wantErr != nil {
				require.Error(t, err)
				assert.True(t, errors.Is(err, tt.wantErr), "got %v, want %v", err, tt.wantErr)
				var lerr *client.LifecycleError
				require.True(t, errors.As(err, &lerr))
				assert.Equal(t, tt.wantStage, lerr.Stage())
				assert.Equal(t, tt.wantAvailable, lerr.Available())
				assert.Equal(t, tt.wantType, lerr.Type())
				assert.Equal(t, tt.method+" "+strings.Replace(tt.path, "/7", "/{id}", 1), lerr.Route())
				return
			}
			require.NoError(t, err)
			defer res.Body.Close()
			assert.Equal(t, tt.wantStatus, res.StatusCode)
			if tt.wantResult != "" {
				var got struct{ Result string }
				require.NoError(t, json.NewDecoder(res.Body).Decode(&got))
				assert.Equal(t, tt.wantResult, got.Result)
			}
		})
	}

	notices = nil
	res, err := newClient(nil).Get(base + "/api/v0/users/7")
	require.NoError(t, err)
	_ = res.Body.Close()
	require.Len(t, notices, 1)
	assert.True(t, v0Deprecation.Equal(notices[0].Deprecation))
	assert.True(t, v0Sunset.Equal(notices[0].Sunset))
	assert.Equal(t, "https://example.com/docs/migrate-v0", notices[0].Docs)
	assert.Equal(t, "/api/users/7", notices[0].Successor)
}

// TestDemoProblemTypes: the type of a lifecycle answer names a section of
// the problem types' page the demo serves.
func TestDemoProblemTypes(t *testing.T) {
	base := startDemoForDocs(t, docsTestFlags)
	req, err := http.NewRequest(http.MethodPut, base+"/api/reports/export", nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var p struct{ Type, Title string }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&p))
	require.NoError(t, res.Body.Close())
	require.Equal(t, http.StatusNotImplemented, res.StatusCode)
	assert.Equal(t, stub.TypeNotYetAvailable, p.Type)
	assert.Equal(t, "Not yet available", p.Title)

	page, body := getForDocs(t, base+"/problems", nil)
	require.Equal(t, http.StatusOK, page.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", page.Header.Get("Content-Type"))
	_, slug, _ := strings.Cut(p.Type, "#")
	assert.Contains(t, string(body), `<section id="`+slug+`">`)
}
