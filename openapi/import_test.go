package openapi_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/openapi"
	"github.com/roadmap-go/roadmap/router"
)

const importSpec = `
openapi: 3.1.0
info: {title: Users, version: "1.0"}
paths:
  /users/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getUser
      summary: Get user
      x-lifecycle: {stage: live}
      responses:
        "200": {description: ok}
    patch:
      operationId: patchUser
      summary: Patch user
      x-lifecycle: {stage: beta, flag: users-patch, available: v1.5}
      responses:
        "200": {description: ok}
    delete:
      operationId: deleteUser
      summary: Delete user
      externalDocs: {url: "https://example.com/delete"}
      x-lifecycle: {stage: planned, available: "2027-03"}
      responses:
        "202":
          description: accepted
          content:
            application/json:
              examples:
                b: {value: {deleted: "b"}}
                a: {value: {deleted: "42", status: queued}}
  /reports:
    get:
      operationId: listReports
      x-lifecycle: {stage: live}
      responses:
        "200":
          description: ok
          content:
            text/csv:
              example: "year,total\n2026,3\n"
    post:
      operationId: createReport
      responses:
        "201": {description: created}
  /v0/reports:
    get:
      operationId: listReportsV0
      x-lifecycle: {stage: removed, successor: /reports}
      responses:
        "410": {description: gone}
`

func TestLoad(t *testing.T) {
	h := http.HandlerFunc(ok)
	routes, err := openapi.Load([]byte(importSpec), map[string]http.Handler{"getUser": h, "patchUser": h})
	require.NoError(t, err)
	byID := map[string]router.Route{}
	for _, r := range routes {
		byID[r.OperationID] = r
	}
	tests := []struct {
		name        string
		id          string
		method      string
		pattern     string
		stage       router.Stage
		flag        string
		available   string
		handler     bool
		wantExample string
	}{
		{name: "live with handler", id: "getUser", method: "GET", pattern: "/users/{id}", stage: router.Live, handler: true},
		{name: "beta with handler", id: "patchUser", method: "PATCH", pattern: "/users/{id}", stage: router.Beta, flag: "users-patch", available: "v1.5", handler: true},
		{name: "planned with example", id: "deleteUser", method: "DELETE", pattern: "/users/{id}", stage: router.Planned, available: "2027-03", wantExample: `{"deleted":"42","status":"queued"}`},
		{name: "live without handler becomes planned", id: "listReports", method: "GET", pattern: "/reports", stage: router.Planned, wantExample: "year,total\n2026,3\n"},
		{name: "no x-lifecycle is planned", id: "createReport", method: "POST", pattern: "/reports", stage: router.Planned},
		{name: "removed", id: "listReportsV0", method: "GET", pattern: "/v0/reports", stage: router.Removed},
	}
	require.Len(t, routes, len(tests))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, found := byID[tt.id]
			require.True(t, found)
			assert.Equal(t, tt.method, r.Method)
			assert.Equal(t, tt.pattern, r.Pattern)
			assert.Equal(t, tt.stage, r.Stage)
			assert.Equal(t, tt.flag, r.Flag)
			assert.Equal(t, tt.available, r.Available)
			assert.Equal(t, tt.handler, r.Handler != nil)
			if tt.wantExample == "" {
				assert.Nil(t, r.Example)
			} else {
				require.NotNil(t, r.Example)
				assert.Equal(t, tt.wantExample, string(r.Example.Body))
			}
		})
	}
	assert.Equal(t, "https://example.com/delete", byID["deleteUser"].Docs)
	assert.Equal(t, "/reports", byID["listReportsV0"].Successor)
}

func TestLoadErrors(t *testing.T) {
	h := http.HandlerFunc(ok)
	tests := []struct {
		name    string
		spec    string
		h       map[string]http.Handler
		wantErr error
		wantMsg string
	}{
		{name: "handlers with no operation", spec: importSpec, h: map[string]http.Handler{"getUser": h, "zapUser": h, "getUsr": h},
			wantErr: openapi.ErrNoOperation, wantMsg: "openapi: handlers with no operation in the document: getUsr, zapUser"},
		{name: "unknown stage", spec: `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"x-lifecycle":{"stage":"gamma"},"responses":{"200":{"description":"ok"}}}}}}`,
			wantErr: openapi.ErrLifecycle},
		{name: "bad date", spec: `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"x-lifecycle":{"stage":"deprecated","sunset":"soon"},"responses":{"200":{"description":"ok"}}}}}}`,
			wantErr: openapi.ErrLifecycle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes, err := openapi.Load([]byte(tt.spec), tt.h)
			require.Error(t, err)
			assert.Nil(t, routes)
			assert.True(t, errors.Is(err, tt.wantErr), "got %v, want %v", err, tt.wantErr)
			if tt.wantMsg != "" {
				assert.Equal(t, tt.wantMsg, err.Error())
			}
		})
	}
}

// TestImportedServe serves imported routes over HTTP: bound handlers answer,
// unbound operations answer the 501 stub, and examples are preview stubs.
func TestImportedServe(t *testing.T) {
	routes, err := openapi.Load([]byte(importSpec), map[string]http.Handler{"getUser": http.HandlerFunc(ok), "patchUser": http.HandlerFunc(ok)})
	require.NoError(t, err)
	rt, err := router.New(routes, router.Config{Flags: userFlags(t)})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)

	tests := []struct {
		name        string
		method      string
		path        string
		preview     bool
		wantStatus  int
		wantType    string
		wantExample bool
		wantBody    string
		wantStage   string
	}{
		{name: "bound live handler", method: "GET", path: "/users/1", wantStatus: 200, wantType: "application/json", wantBody: `{"ok":true}`},
		{name: "planned stub", method: "DELETE", path: "/users/1", wantStatus: 501, wantType: "application/problem+json", wantStage: "planned"},
		{name: "planned preview", method: "DELETE", path: "/users/1", preview: true, wantStatus: 202, wantType: "application/json", wantExample: true, wantBody: `{"deleted":"42","status":"queued"}`},
		{name: "csv preview", method: "GET", path: "/reports", preview: true, wantStatus: 200, wantType: "text/csv", wantExample: true, wantBody: "year,total\n2026,3\n"},
		{name: "unbound live operation answers 501", method: "GET", path: "/reports", wantStatus: 501, wantType: "application/problem+json", wantStage: "planned"},
		{name: "removed", method: "GET", path: "/v0/reports", wantStatus: 410, wantType: "application/problem+json", wantStage: "removed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			require.NoError(t, err)
			if tt.preview {
				req.Header.Set(router.PreviewHeader, "example")
			}
			res, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.wantStatus, res.StatusCode)
			assert.Equal(t, tt.wantType, res.Header.Get("Content-Type"))
			assert.Equal(t, tt.wantExample, res.Header.Get(router.ExampleHeader) == "true")
			if tt.wantBody != "" {
				assert.Equal(t, tt.wantBody, string(body))
			}
			if tt.wantStage != "" {
				var p struct{ Stage string }
				require.NoError(t, json.Unmarshal(body, &p))
				assert.Equal(t, tt.wantStage, p.Stage)
			}
		})
	}
}

// TestRoundTrip documents a router, imports the document with the same
// handlers, and checks that the routes come back the same.
func TestRoundTrip(t *testing.T) {
	rt := newRouter(t, router.Config{})
	_, raw := load(t, openapi.Document(rt, openapi.Options{}))
	handlers := map[string]http.Handler{}
	var documented []router.Route
	for _, r := range testRoutes() {
		if r.Off == router.OffNotFound {
			continue // not documented: secret while off
		}
		documented = append(documented, r)
		if r.Handler != nil {
			handlers[r.OperationID] = r.Handler
		}
	}
	routes, err := openapi.Load(raw, handlers)
	require.NoError(t, err)
	want := map[string]router.Route{}
	for _, r := range documented {
		want[r.OperationID] = r
	}
	require.Len(t, routes, len(want))
	for _, got := range routes {
		w := want[got.OperationID]
		t.Run(got.OperationID, func(t *testing.T) {
			assert.Equal(t, w.Method, got.Method)
			assert.Equal(t, w.Pattern, got.Pattern)
			assert.Equal(t, w.Stage, got.Stage)
			assert.Equal(t, w.Flag, got.Flag)
			assert.Equal(t, w.Available, got.Available)
			assert.Equal(t, w.Name, got.Name)
			assert.Equal(t, w.Docs, got.Docs)
			assert.Equal(t, w.Successor, got.Successor)
			assert.Equal(t, w.Brownout, got.Brownout)
			assert.True(t, w.Deprecation.Equal(got.Deprecation))
			assert.True(t, w.Sunset.Equal(got.Sunset))
			if w.Example == nil {
				assert.Nil(t, got.Example)
			} else {
				require.NotNil(t, got.Example)
				assert.Equal(t, w.Example.Status, got.Example.Status)
				assert.Equal(t, "application/json", got.Example.ContentType)
				assert.JSONEq(t, string(w.Example.Body), string(got.Example.Body))
			}
		})
	}
	rt2, err := router.New(routes, router.Config{Flags: userFlags(t)})
	require.NoError(t, err)
	rt2.Close()
}
