package openapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/internal/bench"
	"github.com/roadmap-go/roadmap/router"
)

// TestMarshal: marshal writes exactly what json.Marshal writes, for the
// documents of a table with every stage, static and per request, and for a
// document that kin-openapi loaded (refs, schemas, examples, extensions).
func TestMarshal(t *testing.T) {
	rt, err := router.New(bench.Routes(400), router.Config{Flags: bench.StaticEvaluator{}})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	loaded, err := openapi3.NewLoader().LoadFromData([]byte(`{"openapi":"3.1.0","info":{"title":"t","version":"1"},
	"paths":{"/a/{id}":{"get":{"parameters":[{"$ref":"#/components/parameters/id"}],"responses":{"200":{"description":"ok",
	"content":{"application/json":{"schema":{"type":["object","null"],"properties":{"n":{"type":"integer","minimum":1}}},
	"example":{"n":2}}}}},"x-thing":{"k":[1,2]}}}},"components":{"parameters":{"id":{"name":"id","in":"path","required":true,
	"schema":{"type":"string"}}}}}`))
	require.NoError(t, err)
	docs := map[string]*openapi3.T{
		"static":      Document(rt, Options{}),
		"public":      Document(rt, Options{HidePlanned: true}),
		"per request": DocumentFor(rt, httptest.NewRequest(http.MethodGet, "/", nil), Options{}),
		"loaded":      loaded,
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(doc)
			require.NoError(t, err)
			got, err := marshal(doc)
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(got))
			assert.Equal(t, string(want), string(got), "byte for byte")
		})
	}
}

// TestPublicDocument: the public document NewHandler derives from the full
// one is the document of the routes a caller who may not see the roadmap
// is told of, built on its own, with the header components only the
// removed operations referred to pruned.
func TestPublicDocument(t *testing.T) {
	rt, err := router.New(bench.Routes(400), router.Config{Flags: bench.StaticEvaluator{}})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	h, err := NewHandler(rt, Options{})
	require.NoError(t, err)
	doc := Document(rt, Options{HidePlanned: true})
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Extensions[LifecycleExtension].(Lifecycle).Stage == router.Beta.String() {
				item.SetOperation(method, nil)
			}
		}
		if len(item.Operations()) == 0 {
			doc.Paths.Delete(path)
		}
	}
	pruneHeaders(doc)
	want, err := json.Marshal(doc)
	require.NoError(t, err)
	assert.True(t, string(want) == string(h.public), "public document differs from the one built on its own")
}
