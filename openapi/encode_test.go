package openapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/routetable"
	"github.com/roadmap-go/roadmap/router"
)

// TestMarshal: marshal writes exactly what json.Marshal writes, for the
// documents of a table with every stage, static and per request, and for a
// document that kin-openapi loaded (refs, schemas, examples, extensions).
func TestMarshal(t *testing.T) {
	rt, err := router.New(routetable.Routes(400), router.Config{Flags: routetable.StaticEvaluator{}})
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
			got, err := marshal(doc, nil)
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
	rt, err := router.New(routetable.Routes(400), router.Config{Flags: routetable.StaticEvaluator{}})
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
	prune(doc)
	want, err := json.Marshal(doc)
	require.NoError(t, err)
	assert.True(t, string(want) == string(h.public), "public document differs from the one built on its own")
}

// TestMarshalCached: with an opCache, documents built twice (the second
// time from the kept operations and their JSON) are still encoded exactly
// as json.Marshal encodes them, for callers the flags serve and do not.
func TestMarshalCached(t *testing.T) {
	fl := func(_ context.Context, flag string, ec openfeature.EvaluationContext) bool {
		return ec.TargetingKey() == "ada"
	}
	rt, err := router.New(routetable.Routes(400), router.Config{Flags: targeted(fl), Context: flags.FromHeader("User")})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	c := newOpCache()
	for round := range 2 {
		for _, user := range []string{"ada", "bob", ""} {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("User", user)
			for name, doc := range map[string]*openapi3.T{"static": document(rt, Options{}, c), "per request": documentFor(rt, r, Options{}, c)} {
				want, err := json.Marshal(doc)
				require.NoError(t, err)
				got, err := marshal(doc, c)
				require.NoError(t, err)
				assert.True(t, string(want) == string(got), "round %d, %s, user %q: differs from json.Marshal", round, name, user)
			}
		}
	}
	assert.NotEmpty(t, c.json, "operations kept")
}

// targeted is a flags.Evaluator deciding every flag with on, reason
// TARGETING_MATCH (never cached).
type targeted func(ctx context.Context, flag string, ec openfeature.EvaluationContext) bool

func (f targeted) BooleanValueDetails(ctx context.Context, flag string, _ bool, ec openfeature.EvaluationContext, _ ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error) {
	d := openfeature.BooleanEvaluationDetails{Value: f(ctx, flag, ec)}
	d.FlagKey, d.FlagType, d.Reason = flag, openfeature.Boolean, openfeature.TargetingMatchReason
	return d, nil
}

type shapeItem struct {
	ID   string  `json:"id"`
	Note *string `json:"note,omitempty"`
}

type shapeList struct {
	Items []shapeItem `json:"items"`
}

// shapeRoutes declares a route of every shape operation documents: bodies
// (Go values, a reflect.Type, imported schemas), previews, every off answer,
// deprecation with sunset and brownout, removal, regexp and wildcard
// patterns, and a time in force.
func shapeRoutes() []router.Route {
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	teapot := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	imported := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject},
		Properties: openapi3.Schemas{"n": {Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}}}}}}
	return []router.Route{
		{Method: http.MethodGet, Pattern: "/items/{id}", Stage: router.Live, Handler: h, Name: "Get", OperationID: "get", Docs: "https://example.com/d",
			Responses: map[int]any{200: shapeItem{}, 404: nil}},
		{Method: http.MethodPost, Pattern: "/items", Stage: router.Beta, Flag: "post", Handler: h, Request: shapeItem{},
			Responses: map[int]any{201: shapeItem{}, 400: nil}, Off: router.OffForbidden,
			Example: &router.Example{Status: http.StatusCreated, Body: []byte(`{"id":"1"}`)}},
		{Method: http.MethodGet, Pattern: "/items", Stage: router.Live, Handler: h, Responses: map[int]any{200: reflect.TypeFor[shapeList]()}},
		{Method: http.MethodPut, Pattern: "/items/{id}", Stage: router.Planned, Flag: "put", Handler: h, OffHandler: teapot,
			Request: imported, Responses: map[int]any{200: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}}}},
		{Method: http.MethodDelete, Pattern: "/items/{id}", Stage: router.Planned, Available: "v2", Detail: "Soon <b>&</b>.",
			Example: &router.Example{ContentType: "text/plain", Body: []byte("gone")}},
		{Method: http.MethodGet, Pattern: "/secret", Stage: router.Beta, Flag: "secret", Handler: h, Off: router.OffNotFound},
		{Method: http.MethodPut, Pattern: "/reports/{year:[0-9]{4}}", Stage: router.Planned, Flag: "reports", Handler: h, LiveFrom: at,
			Example: &router.Example{Body: []byte(`{"year":2026}`)}, Responses: map[int]any{200: shapeList{}}},
		{Method: http.MethodGet, Pattern: "/files/*", Stage: router.Deprecated, Handler: h, Deprecation: at, Sunset: at.AddDate(4, 0, 0),
			Brownout: "files-brownout", Docs: "https://example.com/migrate", Successor: "/v2/files", Responses: map[int]any{200: shapeList{}}},
		{Method: http.MethodGet, Pattern: "/old", Stage: router.Deprecated, Handler: h, Deprecation: at, Brownout: "old-brownout"},
		{Method: http.MethodGet, Pattern: "/gone", Stage: router.Removed, Detail: "Use /v2.", Docs: "https://example.com/gone", Request: shapeItem{}},
		{Method: http.MethodConnect, Pattern: "/tunnel", Stage: router.Live, Handler: h},
	}
}

// TestMarshalCachedShapes is TestMarshalCached for operations of every
// shape, with and without the opt-in header, for callers served and not.
func TestMarshalCachedShapes(t *testing.T) {
	fl := func(_ context.Context, _ string, ec openfeature.EvaluationContext) bool {
		return ec.TargetingKey() == "ada"
	}
	for _, optIn := range []string{"", "-", "x-try"} {
		rt, err := router.New(shapeRoutes(), router.Config{Flags: targeted(fl), Context: flags.FromHeader("User"), Roadmap: func(r *http.Request) bool {
			return r.Header.Get("User") != ""
		}})
		require.NoError(t, err)
		t.Cleanup(rt.Close)
		opts := Options{OptInHeader: optIn}
		c := newOpCache()
		require.NoError(t, c.bodies(rt.Routes()).err)
		for round := range 2 {
			for _, user := range []string{"ada", "bob", ""} {
				r := httptest.NewRequest(http.MethodGet, "/", nil)
				r.Header.Set("User", user)
				for name, doc := range map[string]*openapi3.T{"static": document(rt, opts, c), "per request": documentFor(rt, r, opts, c)} {
					want, err := json.Marshal(doc)
					require.NoError(t, err)
					got, err := marshal(doc, c)
					require.NoError(t, err)
					assert.True(t, string(want) == string(got), "opt-in %q, round %d, %s, user %q: differs from json.Marshal:\n%s\n%s", optIn, round, name, user, want, got)
				}
			}
		}
		for _, op := range c.ops {
			assert.IsType(t, &operationJSON{}, c.json[op], "%s: encoded from operationJSON", op.OperationID)
		}
	}
}
