package openapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// operations returns the operations of doc: in paths, and under
// RemovedExtension when doc was generated here.
func operations(doc *openapi3.T) []*openapi3.Operation {
	var ops []*openapi3.Operation
	all := []*openapi3.Paths{doc.Paths}
	if removed, ok := doc.Extensions[RemovedExtension].(*openapi3.Paths); ok {
		all = append(all, removed)
	}
	for _, paths := range all {
		for _, item := range paths.Map() {
			eachOperation(item, func(_ string, op *openapi3.Operation) { ops = append(ops, op) })
		}
	}
	return ops
}

// eachOperation calls f with each operation of item and its method, as
// item.Operations() lists them, without making a map for each item.
func eachOperation(item *openapi3.PathItem, f func(method string, op *openapi3.Operation)) {
	type methodOp struct {
		method string
		op     *openapi3.Operation
	}
	fixed := [...]methodOp{
		{http.MethodConnect, item.Connect}, {http.MethodDelete, item.Delete}, {http.MethodGet, item.Get},
		{http.MethodHead, item.Head}, {http.MethodOptions, item.Options}, {http.MethodPatch, item.Patch},
		{http.MethodPost, item.Post}, {http.MethodPut, item.Put}, {http.MethodTrace, item.Trace},
		{openapi3.MethodQuery, item.Query},
	}
	for _, m := range fixed {
		if m.op != nil {
			f(m.method, m.op)
		}
	}
	for method, op := range item.AdditionalOperations {
		// A fixed field wins over an additional operation of its method.
		shadowed := slices.ContainsFunc(fixed[:], func(m methodOp) bool { return m.method == method && m.op != nil })
		if op != nil && !shadowed {
			f(method, op)
		}
	}
}

// prune drops the components no operation of doc refers to.
func prune(doc *openapi3.T) { pruneWith(doc, nil) }

// pruneWith is prune, with the references of the operations c keeps found
// once (see refsOf).
func pruneWith(doc *openapi3.T, c *opCache) {
	headers, params, direct := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, op := range operations(doc) {
		r := c.refs(op)
		for _, name := range r.headers {
			headers[name] = true
		}
		for _, name := range r.params {
			params[name] = true
		}
		for _, name := range r.schemas {
			direct[name] = true
		}
	}
	for name := range doc.Components.Headers {
		if !headers[name] {
			delete(doc.Components.Headers, name)
		}
	}
	// And the opt-in parameter, if no operation shown reads it.
	for name := range doc.Components.Parameters {
		if !params[name] {
			delete(doc.Components.Parameters, name)
		}
	}
	if len(doc.Components.Parameters) == 0 {
		doc.Components.Parameters = nil
	}
	// The schema components the operations refer to, and those they refer
	// to in turn: a document for a caller lists no type of a route it does
	// not show.
	comps := doc.Components.Schemas
	used := map[string]bool{}
	var use func(name string)
	use = func(name string) {
		if used[name] {
			return
		}
		used[name] = true
		for _, n := range schemaNames(comps[name], nil) {
			use(n)
		}
	}
	for name := range direct {
		use(name)
	}
	for name := range comps {
		if !used[name] {
			delete(comps, name)
		}
	}
}

// refs are the names of the components an operation refers to: headers (of
// its responses) and parameters directly, schemas from its own schemas.
type refs struct {
	headers, params, schemas []string
}

// refsOf returns the components op refers to.
func refsOf(op *openapi3.Operation) refs {
	var r refs
	content := func(c openapi3.Content) {
		for _, mt := range c {
			if mt != nil {
				r.schemas = schemaNames(mt.Schema, r.schemas)
			}
		}
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		content(op.RequestBody.Value.Content)
	}
	for _, resp := range op.Responses.Map() {
		if resp.Value == nil {
			continue
		}
		for _, h := range resp.Value.Headers {
			r.headers = append(r.headers, strings.TrimPrefix(h.Ref, "#/components/headers/"))
		}
		content(resp.Value.Content)
	}
	for _, p := range op.Parameters {
		r.params = append(r.params, strings.TrimPrefix(p.Ref, "#/components/parameters/"))
		if p.Value != nil {
			r.schemas = schemaNames(p.Value.Schema, r.schemas)
		}
	}
	return r
}

// schemaNames appends to names the schema components ref refers to: itself
// when it is a reference to one, else those its inline schemas refer to.
func schemaNames(ref *openapi3.SchemaRef, names []string) []string {
	if ref == nil {
		return names
	}
	if name, ok := strings.CutPrefix(ref.Ref, componentPrefix); ok {
		return append(names, name)
	}
	v := ref.Value
	if v == nil {
		return names
	}
	for _, p := range v.Properties {
		names = schemaNames(p, names)
	}
	for _, list := range [][]*openapi3.SchemaRef{v.AllOf, v.AnyOf, v.OneOf, {v.Items, v.Not}} {
		for _, r := range list {
			names = schemaNames(r, names)
		}
	}
	return schemaNames(v.AdditionalProperties.Schema, names)
}

// refs returns the components op refers to, found once for the
// operations c keeps.
func (c *opCache) refs(op *openapi3.Operation) refs {
	if c == nil {
		return refsOf(op)
	}
	c.mu.Lock()
	r, ok := c.opRefs[op]
	c.mu.Unlock()
	if !ok {
		r = refsOf(op)
	}
	return r
}
