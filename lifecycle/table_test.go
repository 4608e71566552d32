package lifecycle_test

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/lifecycle"
	"github.com/roadmap-go/roadmap/router"
)

func TestReadTable(t *testing.T) {
	yaml := `openapi: 3.1.0
info: {title: t, version: "2"}
paths:
  /a:
    get:
      responses: {default: {description: x}}
      x-lifecycle: {stage: live, declaredStage: beta, flag: f, liveFrom: "2026-03-01T00:00:00Z", betaSince: "2026-01-01"}
    post:
      responses: {default: {description: x}}
`
	tab, err := lifecycle.ReadTable("api.yaml", []byte(yaml))
	require.NoError(t, err)
	assert.Equal(t, &lifecycle.Table{Source: "api.yaml", Title: "t", Version: "2", Operations: []lifecycle.Operation{
		{Method: "GET", Path: "/a", Stage: router.Beta, Flag: "f",
			LiveFrom: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), BetaSince: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Method: "POST", Path: "/a", Stage: router.Planned},
	}}, tab)
	assert.Equal(t, router.Beta, tab.Operations[0].StageAt(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, router.Live, tab.Operations[0].StageAt(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)))
}

// TestReadTableRemoved: the removed operations, which openapi.Document
// lists under x-removed rather than in paths, are read too.
func TestReadTableRemoved(t *testing.T) {
	yaml := `openapi: 3.1.0
info: {title: t, version: "2"}
paths:
  /b:
    get:
      responses: {default: {description: x}}
      x-lifecycle: {stage: live}
x-removed:
  /a:
    get:
      responses: {"410": {description: gone}}
      x-lifecycle: {stage: removed, successor: /b}
`
	tab, err := lifecycle.ReadTable("api.yaml", []byte(yaml))
	require.NoError(t, err)
	assert.Equal(t, []lifecycle.Operation{
		{Method: "GET", Path: "/a", Stage: router.Removed, Successor: "/b"},
		{Method: "GET", Path: "/b", Stage: router.Live},
	}, tab.Operations)
}

func TestReadTableErrors(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		wantErr error
		msg     string
	}{
		{"empty", "  ", lifecycle.ErrDocument, "doc: not a valid OpenAPI document: empty"},
		{"syntax", "{\n  \"openapi\": \"3.1.0\",,\n}", lifecycle.ErrDocument, "doc:2:22: not a valid OpenAPI document: invalid character ','"},
		{"no info", `{"openapi": "3.1.0", "paths": {}}`, lifecycle.ErrDocument, "doc: not a valid OpenAPI document: invalid info: must be an object"},
		{"stage", "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {\"/a\": {\n\"get\": {\"responses\": {\"default\": {\"description\": \"x\"}}, \"x-lifecycle\": {\"stage\": \"gone\"}}}}}",
			lifecycle.ErrLifecycle, "doc:2: GET /a: invalid x-lifecycle"},
		{"lifecycle type", `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"responses": {"default": {"description": "x"}}, "x-lifecycle": "beta"}}}}`,
			lifecycle.ErrLifecycle, "doc:1: GET /a: invalid x-lifecycle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lifecycle.ReadTable("doc", []byte(tt.data))
			require.ErrorIs(t, err, tt.wantErr)
			assert.ErrorContains(t, err, tt.msg)
		})
	}
}

// FuzzReadTable: ReadTable never panics, and what it accepts it accepts
// again the same. Seeds: the demo's document and a bad one.
func FuzzReadTable(f *testing.F) {
	for _, path := range []string{"../cmd/roadmap/testdata/demo-openapi-v1.json", "../cmd/roadmap/testdata/bad/doc-stage.json"} {
		data, err := os.ReadFile(path)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {/a: {get: {responses: {default: {description: x}}, x-lifecycle: {stage: beta}}}}\n"))
	f.Add([]byte(`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a/{id}": {"get": {"responses": {"200": {"description": "x"}}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := lifecycle.ReadTable("doc", data)
		if err != nil {
			assert.Nil(t, tab)
			return
		}
		again, err := lifecycle.ReadTable("doc", data)
		require.NoError(t, err)
		assert.Equal(t, tab, again)
		assert.Empty(t, lifecycle.Diff(tab, again).Changes, "a table differs from itself")
	})
}
