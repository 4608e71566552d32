package openapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/roadmap-go/roadmap/openapi"
	"github.com/roadmap-go/roadmap/router"
)

func ExampleDocument() {
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/users/{id}", Stage: router.Live, Handler: http.HandlerFunc(ok), OperationID: "getUser"},
		{Method: http.MethodDelete, Pattern: "/users/{id}", Stage: router.Planned, Available: "v2.0", OperationID: "deleteUser"},
	}, router.Config{})
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	doc := openapi.Document(rt, openapi.Options{Info: &openapi3.Info{Title: "Users", Version: "1.0.0"}})
	fmt.Println(doc.OpenAPI)
	del := doc.Paths.Find("/users/{id}").Delete
	lc, _ := json.Marshal(del.Extensions[openapi.LifecycleExtension])
	fmt.Println(del.OperationID, string(lc))
	var codes []string
	for code := range del.Responses.Map() {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	fmt.Println(codes)
	// Output:
	// 3.1.0
	// deleteUser {"stage":"planned","available":"v2.0"}
	// [2XX 405 501]
}

func ExampleLoad() {
	spec := []byte(`{
	  "openapi": "3.1.0",
	  "info": {"title": "Users", "version": "1.0.0"},
	  "paths": {"/users/{id}": {
	    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
	    "get": {"operationId": "getUser", "x-lifecycle": {"stage": "live"},
	            "responses": {"200": {"description": "The user."}}},
	    "delete": {"operationId": "deleteUser", "x-lifecycle": {"stage": "planned", "available": "v2.0"},
	               "responses": {"204": {"description": "Deleted."}}}
	  }}
	}`)
	routes, err := openapi.Load(spec, map[string]http.Handler{"getUser": http.HandlerFunc(ok)})
	if err != nil {
		panic(err)
	}
	rt, err := router.New(routes, router.Config{})
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	for _, path := range []string{"GET", "DELETE"} {
		w := httptest.NewRecorder()
		rt.ServeHTTP(w, httptest.NewRequest(path, "/users/7", nil))
		fmt.Println(path, w.Code)
	}
	_, err = openapi.Load(spec, map[string]http.Handler{"getUser": http.HandlerFunc(ok), "getUsers": http.HandlerFunc(ok)})
	fmt.Println(err)
	// Output:
	// GET 200
	// DELETE 501
	// openapi: handlers with no operation in the document: getUsers
}

func ExampleNewHandler() {
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/users/{id}", Stage: router.Live, Handler: http.HandlerFunc(ok), OperationID: "getUser"},
	}, router.Config{})
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	spec, err := openapi.NewHandler(rt, openapi.Options{})
	if err != nil {
		panic(err)
	}
	w := httptest.NewRecorder()
	spec.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	var doc struct {
		OpenAPI string `json:"openapi"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &doc)
	fmt.Println(w.Code, w.Header().Get("Content-Type"), doc.OpenAPI)
	// Output:
	// 200 application/json 3.1.0
}

// A route that declares its bodies documents them as shared components.
func ExampleDocument_typed() {
	type User struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	type UserPatch struct {
		Name *string `json:"name,omitempty"`
	}
	rt, err := router.New([]router.Route{
		{Method: http.MethodPatch, Pattern: "/users/{id}", Stage: router.Planned, OperationID: "patchUser",
			Request: UserPatch{}, Responses: map[int]any{http.StatusOK: User{}}},
	}, router.Config{})
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	doc := openapi.Document(rt, openapi.Options{})
	op := doc.Paths.Find("/users/{id}").Patch
	fmt.Println(op.RequestBody.Value.Content.Get("application/json").Schema.Ref)
	fmt.Println(op.Responses.Status(http.StatusOK).Value.Content.Get("application/json").Schema.Ref)
	fmt.Println(doc.Components.Schemas["User"].Value.Required)
	fmt.Println(*doc.Components.Schemas["UserPatch"].Value.Properties["name"].Value.Type)
	// Output:
	// #/components/schemas/UserPatch
	// #/components/schemas/User
	// [id name]
	// [string null]
}

func ExamplePath() {
	fmt.Println(openapi.Path("/users/{id:[0-9]+}/files/*"))
	// Output:
	// /users/{id}/files/{wildcard}
}

// Removed routes answer only 410: a generated document lists them under
// x-removed, out of the paths client generators read.
func ExampleRemovedPaths() {
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/v1/reports", Stage: router.Live, Handler: http.HandlerFunc(ok)},
		{Method: http.MethodGet, Pattern: "/v0/reports", Stage: router.Removed, Successor: "/v1/reports"},
	}, router.Config{})
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	doc := openapi.Document(rt, openapi.Options{})
	removed, err := openapi.RemovedPaths(doc)
	if err != nil {
		panic(err)
	}
	fmt.Println(doc.Paths.Find("/v0/reports") == nil, removed.Find("/v0/reports").Get.Responses.Status(http.StatusGone) != nil)
	// Output:
	// true true
}
