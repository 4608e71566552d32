package openapi

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"

	"github.com/roadmap-go/roadmap/router"
)

// schemas turns the bodies declared by routes (router.Route Request and
// Responses) into JSON Schemas in one document's components.schemas, with
// kin-openapi's openapi3gen: every Go struct type becomes a component named
// after the type, shared by every operation that uses it.
//
// A declared value may be a reflect.Type instead of a value of the type, or
// a schema already: a *openapi3.SchemaRef (as
// [Routes] declares from an imported document) or a *openapi3.Schema. Its
// references to "#/components/schemas/..." are copied in with it, so that a
// document regenerated from an imported one is whole.
type schemas struct {
	gen   *openapi3gen.Generator
	comps openapi3.Schemas
	errs  []error
}

func newSchemas(comps openapi3.Schemas) *schemas {
	return &schemas{
		gen: openapi3gen.NewGenerator(
			openapi3gen.CreateComponentSchemas(openapi3gen.ExportComponentSchemasOptions{
				ExportComponentSchemas: true, ExportTopLevelSchema: true,
			}),
		),
		comps: comps,
	}
}

const componentPrefix = "#/components/schemas/"

// ErrSchema: a declared body (Route.Request or Route.Responses) cannot be
// described as a JSON Schema. [NewHandler] returns it, wrapped, for every
// such body.
var ErrSchema = errors.New("cannot describe body")

// ref returns the schema of a declared value v (not nil): a Go value, a
// reflect.Type, or a schema.
func (s *schemas) ref(v any, where string) *openapi3.SchemaRef {
	if t, ok := v.(reflect.Type); ok {
		v = reflect.Zero(t).Interface()
	}
	switch v := v.(type) {
	case *openapi3.SchemaRef:
		s.copyRefs(v, map[*openapi3.Schema]bool{})
		if v.Ref != "" {
			return &openapi3.SchemaRef{Ref: v.Ref}
		}
		return v
	case *openapi3.Schema:
		s.copyRefs(&openapi3.SchemaRef{Value: v}, map[*openapi3.Schema]bool{})
		return &openapi3.SchemaRef{Value: v}
	}
	gen := openapi3.Schemas{}
	ref, err := s.gen.NewSchemaRefForValue(v, gen)
	if err != nil {
		s.errs = append(s.errs, fmt.Errorf("openapi: %s: %w %T: %w", where, ErrSchema, v, err))
		return &openapi3.SchemaRef{Value: &openapi3.Schema{Description: "Not described: " + err.Error()}}
	}
	structs := map[string]reflect.Type{}
	collectStructs(reflect.TypeOf(v), structs)
	for name, sc := range gen {
		if t, ok := structs[name]; ok && sc.Value != nil {
			sc.Value.Required = requiredFields(t)
		}
		if name == problemSchema {
			s.errs = append(s.errs, fmt.Errorf("openapi: %s: %w %T: it is named %q like the lifecycle answers' schema; rename it", where, ErrSchema, v, name))
			continue
		}
		nullableToType(sc, map[*openapi3.Schema]bool{})
		s.comps[name] = sc
	}
	nullableToType(ref, map[*openapi3.Schema]bool{})
	if t := reflect.TypeOf(v); ref.Ref == "" && ref.Value != nil && t.Kind() == reflect.Struct {
		ref.Value.Required = requiredFields(t)
	}
	return ref
}

// collectStructs records the named struct types reachable from t by the
// names openapi3gen gives their components.
func collectStructs(t reflect.Type, seen map[string]reflect.Type) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	if t.Name() != "" {
		if _, ok := seen[t.Name()]; ok {
			return
		}
		seen[t.Name()] = t
	}
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			collectStructs(f.Type, seen)
		}
	}
}

// requiredFields returns the JSON names of the fields of struct type t that
// encoding/json always writes: tagged, and neither omitempty nor omitzero.
// openapi3gen documents the fields with a json tag only, and marks none
// required.
func requiredFields(t reflect.Type) []string {
	var req []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("json")
		if !f.IsExported() || !ok || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		omit := false
		for o := range strings.SplitSeq(opts, ",") {
			omit = omit || o == "omitempty" || o == "omitzero"
		}
		if !omit {
			req = append(req, name)
		}
	}
	return req
}

// copyRefs copies into s.comps the components that an imported schema
// refers to, as the loader resolved them.
func (s *schemas) copyRefs(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	seen[ref.Value] = true
	if name, ok := strings.CutPrefix(ref.Ref, componentPrefix); ok {
		if _, have := s.comps[name]; !have {
			s.comps[name] = &openapi3.SchemaRef{Value: ref.Value}
		}
	}
	v := ref.Value
	for _, p := range v.Properties {
		s.copyRefs(p, seen)
	}
	for _, list := range [][]*openapi3.SchemaRef{v.AllOf, v.AnyOf, v.OneOf, {v.Items, v.Not}} {
		for _, r := range list {
			s.copyRefs(r, seen)
		}
	}
	if v.AdditionalProperties.Schema != nil {
		s.copyRefs(v.AdditionalProperties.Schema, seen)
	}
}

// nullableToType rewrites OpenAPI 3.0's "nullable: true", which openapi3gen
// writes for pointer fields, as JSON Schema 2020-12 does it for OpenAPI 3.1:
// "null" among the types.
func nullableToType(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	v := ref.Value
	seen[v] = true
	if v.Nullable {
		v.Nullable = false
		if v.Type != nil && !slices.Contains(*v.Type, openapi3.TypeNull) {
			t := append(openapi3.Types{}, *v.Type...)
			t = append(t, openapi3.TypeNull)
			v.Type = &t
		}
	}
	for _, p := range v.Properties {
		nullableToType(p, seen)
	}
	for _, list := range [][]*openapi3.SchemaRef{v.AllOf, v.AnyOf, v.OneOf, {v.Items, v.Not}} {
		for _, r := range list {
			nullableToType(r, seen)
		}
	}
	if v.AdditionalProperties.Schema != nil {
		nullableToType(v.AdditionalProperties.Schema, seen)
	}
}

// Path returns the OpenAPI path template that documents the chi pattern p,
// as [Document] writes it: "/users/{id:[0-9]+}" is "/users/{id}", and a
// trailing "*" is "{wildcard}".
func Path(p string) string {
	path, _ := convertPattern(p)
	return path
}

// tableBodies are the schemas of the bodies a route table declares: the
// components they share, and each route's request and response schemas by
// its index in the table. They depend on the table only, so a Handler
// describes them once.
type tableBodies struct {
	comps     openapi3.Schemas
	requests  []*openapi3.SchemaRef
	responses []map[int]*openapi3.SchemaRef
	err       error // every body that could not be described
}

// describeBodies describes the bodies all declare.
func describeBodies(all []router.Route) *tableBodies {
	s := newSchemas(openapi3.Schemas{})
	b := &tableBodies{comps: s.comps, requests: make([]*openapi3.SchemaRef, len(all)), responses: make([]map[int]*openapi3.SchemaRef, len(all))}
	for i, r := range all {
		where := r.Method + " " + r.Pattern
		if r.Request != nil {
			b.requests[i] = s.ref(r.Request, where+" Request")
		}
		for code, v := range r.Responses {
			if v == nil {
				continue
			}
			if b.responses[i] == nil {
				b.responses[i] = map[int]*openapi3.SchemaRef{}
			}
			b.responses[i][code] = s.ref(v, fmt.Sprintf("%s Responses[%d]", where, code))
		}
	}
	b.err = errors.Join(s.errs...)
	return b
}

// request returns the request body schema of route i, or nil.
func (b *tableBodies) request(i int) *openapi3.SchemaRef {
	if i < 0 || i >= len(b.requests) {
		return nil
	}
	return b.requests[i]
}

// response returns the schema of route i's response with status code, or
// nil.
func (b *tableBodies) response(i, code int) *openapi3.SchemaRef {
	if i < 0 || i >= len(b.responses) {
		return nil
	}
	return b.responses[i][code]
}

// bodies returns the bodies of the table all, described once per opCache
// (a nil one describes them every time).
func (c *opCache) bodies(all []router.Route) *tableBodies {
	if c == nil {
		return describeBodies(all)
	}
	c.bodiesOnce.Do(func() { c.tb = describeBodies(all) })
	return c.tb
}
