package openapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/openapi"
	"github.com/roadmap-go/roadmap/router"
)

type Address struct {
	City string `json:"city"`
}

type Account struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Nick    *string   `json:"nick,omitempty"`
	Home    Address   `json:"home"`
	Created time.Time `json:"created"`
}

type AccountPatch struct {
	Name *string `json:"name,omitempty"`
}

// typedRoutes declares bodies on a live, a beta and a planned route (the
// planned one without a handler: its contract comes first).
func typedRoutes() []router.Route {
	h := http.HandlerFunc(ok)
	return []router.Route{
		{Method: http.MethodGet, Pattern: "/accounts/{id}", Stage: router.Live, Handler: h, OperationID: "getAccount",
			Responses: map[int]any{200: Account{}, 404: nil}},
		{Method: http.MethodPatch, Pattern: "/accounts/{id}", Stage: router.Beta, Flag: "accounts-patch", Handler: h, OperationID: "patchAccount",
			Request: AccountPatch{}, Responses: map[int]any{200: Account{}}},
		{Method: http.MethodPost, Pattern: "/accounts", Stage: router.Planned, OperationID: "createAccount", Available: "v2",
			Request: Account{}, Responses: map[int]any{201: Account{}}},
		{Method: http.MethodGet, Pattern: "/accounts", Stage: router.Live, Handler: h, OperationID: "listAccounts",
			Responses: map[int]any{200: reflect.TypeFor[[]Account]()}},
		{Method: http.MethodGet, Pattern: "/v0/accounts", Stage: router.Removed, OperationID: "listAccountsV0"},
	}
}

func TestDocumentSchemas(t *testing.T) {
	rt, err := router.New(typedRoutes(), router.Config{Flags: userFlags(t)})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	doc, _ := load(t, openapi.Document(rt, openapi.Options{}))

	account := doc.Components.Schemas["Account"]
	require.NotNil(t, account, "named types are shared components")
	assert.ElementsMatch(t, []string{"id", "name", "home", "created"}, account.Value.Required, "fields without omitempty are required")
	assert.Equal(t, &openapi3.Types{"string", "null"}, account.Value.Properties["nick"].Value.Type, "a pointer is nullable the 3.1 way")
	assert.False(t, account.Value.Properties["nick"].Value.Nullable)
	assert.Equal(t, "#/components/schemas/Address", account.Value.Properties["home"].Ref)
	assert.NotNil(t, doc.Components.Schemas["Address"])
	assert.Equal(t, "date-time", account.Value.Properties["created"].Value.Format)

	tests := []struct {
		name    string
		path    string
		method  string
		request string // component the JSON request body refers to
		status  int
		body    string // component the JSON response body refers to, "" for none
	}{
		{name: "live read", path: "/accounts/{id}", method: "GET", status: 200, body: "#/components/schemas/Account"},
		{name: "live read, declared status without body", path: "/accounts/{id}", method: "GET", status: 404},
		{name: "beta write", path: "/accounts/{id}", method: "PATCH", request: "#/components/schemas/AccountPatch", status: 200, body: "#/components/schemas/Account"},
		{name: "planned without handler", path: "/accounts", method: "POST", request: "#/components/schemas/Account", status: 201, body: "#/components/schemas/Account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := doc.Paths.Find(tt.path).GetOperation(tt.method)
			require.NotNil(t, op)
			if tt.request != "" {
				require.NotNil(t, op.RequestBody)
				assert.True(t, op.RequestBody.Value.Required)
				assert.Equal(t, tt.request, op.RequestBody.Value.Content.Get("application/json").Schema.Ref)
			} else {
				assert.Nil(t, op.RequestBody)
			}
			resp := op.Responses.Status(tt.status)
			require.NotNil(t, resp)
			if tt.body == "" {
				assert.Empty(t, resp.Value.Content)
				return
			}
			assert.Equal(t, tt.body, resp.Value.Content.Get("application/json").Schema.Ref)
		})
	}
	list := doc.Paths.Find("/accounts").Get.Responses.Status(200).Value.Content.Get("application/json").Schema
	assert.Equal(t, "#/components/schemas/Account", list.Value.Items.Ref, "a slice of a named type (declared as a reflect.Type) refers to it")
}

// TestLoadKeepsSchemas: a document generated from typed routes, loaded back
// with Load and generated again, documents the same bodies (the round trip
// of an API-first team that imports its document).
func TestLoadKeepsSchemas(t *testing.T) {
	rt, err := router.New(typedRoutes(), router.Config{Flags: userFlags(t)})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	first, err := json.Marshal(openapi.Document(rt, openapi.Options{}))
	require.NoError(t, err)

	h := http.HandlerFunc(ok)
	routes, err := openapi.Load(first, map[string]http.Handler{"getAccount": h, "patchAccount": h, "listAccounts": h})
	require.NoError(t, err)
	byID := map[string]router.Route{}
	for _, r := range routes {
		byID[r.OperationID] = r
	}
	require.Contains(t, byID, "listAccountsV0", "x-removed is read back")
	assert.Equal(t, router.Removed, byID["listAccountsV0"].Stage)
	require.IsType(t, &openapi3.SchemaRef{}, byID["patchAccount"].Request)
	assert.Equal(t, "#/components/schemas/AccountPatch", byID["patchAccount"].Request.(*openapi3.SchemaRef).Ref)
	assert.Contains(t, byID["getAccount"].Responses, 404)
	assert.Nil(t, byID["getAccount"].Responses[404])
	assert.NotContains(t, byID["patchAccount"].Responses, 501, "lifecycle answers are not the handler's")
	assert.NotContains(t, byID["patchAccount"].Responses, 400)

	rt2, err := router.New(routes, router.Config{Flags: userFlags(t)})
	require.NoError(t, err)
	t.Cleanup(rt2.Close)
	second, err := json.Marshal(openapi.Document(rt2, openapi.Options{}))
	require.NoError(t, err)
	a, _ := load(t, mustParse(t, first))
	b, _ := load(t, mustParse(t, second))
	for _, name := range []string{"Account", "AccountPatch", "Address"} {
		assert.Equal(t, jsonOf(t, a.Components.Schemas[name]), jsonOf(t, b.Components.Schemas[name]), "component %s", name)
	}
	for _, path := range []string{"/accounts/{id}", "/accounts"} {
		for method, op := range a.Paths.Find(path).Operations() {
			op2 := b.Paths.Find(path).GetOperation(method)
			require.NotNil(t, op2, "%s %s", method, path)
			assert.Equal(t, jsonOf(t, op.RequestBody), jsonOf(t, op2.RequestBody), "%s %s request", method, path)
			assert.Equal(t, jsonOf(t, op.Responses), jsonOf(t, op2.Responses), "%s %s responses", method, path)
		}
	}
	assert.Equal(t, jsonOf(t, a.Extensions[openapi.RemovedExtension]), jsonOf(t, b.Extensions[openapi.RemovedExtension]))
}

func TestNewHandlerRejectsUndescribableBodies(t *testing.T) {
	type Problem struct {
		X string `json:"x"`
	}
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/a", Stage: router.Live, Handler: http.HandlerFunc(ok), Responses: map[int]any{200: Problem{}}},
	}, router.Config{})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	_, err = openapi.NewHandler(rt, openapi.Options{})
	assert.ErrorIs(t, err, openapi.ErrSchema)
}

func mustParse(t *testing.T, b []byte) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(b)
	require.NoError(t, err)
	return doc
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

type SecretReport struct {
	Total int `json:"total"`
}

// TestSchemasOfHiddenRoutesLeftOut: a caller who does not see a route does
// not see the components only it uses either, in a per-request document or
// in the static public one.
func TestSchemasOfHiddenRoutesLeftOut(t *testing.T) {
	routes := []router.Route{
		{Method: http.MethodGet, Pattern: "/accounts/{id}", Stage: router.Live, Handler: http.HandlerFunc(ok), Responses: map[int]any{200: Account{}}},
		{Method: http.MethodGet, Pattern: "/reports", Stage: router.Planned, Responses: map[int]any{200: SecretReport{}}},
	}
	rt, err := router.New(routes, router.Config{Roadmap: func(r *http.Request) bool { return r.Header.Get("X-Staff") == "1" }})
	require.NoError(t, err)
	t.Cleanup(rt.Close)

	staff := httptest.NewRequest(http.MethodGet, "/openapi.json", nil)
	staff.Header.Set("X-Staff", "1")
	assert.Contains(t, openapi.DocumentFor(rt, staff, openapi.Options{}).Components.Schemas, "SecretReport")
	guest := openapi.DocumentFor(rt, httptest.NewRequest(http.MethodGet, "/openapi.json", nil), openapi.Options{})
	assert.NotContains(t, guest.Components.Schemas, "SecretReport")
	assert.Contains(t, guest.Components.Schemas, "Account")
	assert.Contains(t, guest.Components.Schemas, "Address", "components referred to by components are kept")

	h, err := openapi.NewHandler(rt, openapi.Options{})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	res, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	defer res.Body.Close()
	doc := mustParse(t, readAll(t, res.Body))
	assert.NotContains(t, doc.Components.Schemas, "SecretReport")
	assert.Contains(t, doc.Components.Schemas, "Account")
}

func readAll(t *testing.T, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return b
}
