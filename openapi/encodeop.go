package openapi

import (
	"encoding/json"
	"errors"

	"github.com/getkin/kin-openapi/openapi3"
)

// The structs below are the path items, operations and responses this
// package generates, shaped as json.Marshal writes kin-openapi's: kin-openapi
// writes each of them as a map, whose keys json.Marshal sorts, so the fields
// are declared in that order. A Handler's documents are mostly operations,
// kept from one document to the next. Kept as these structs, they are
// encoded without sorting keys. Kept as JSON (json.RawMessage), encoding/json
// would validate and copy each one again, byte by byte, in every document:
// no faster per document (measured), and NewHandler would encode every
// operation twice. What the structs do not describe (schemas, parameter values,
// request bodies) is encoded as kin-openapi encodes it, once per kept
// operation; an operation or response with anything else set is encoded
// entirely as kin-openapi encodes it. TestMarshalCached and
// TestMarshalCachedShapes check that the bytes are the same.

// pathItemJSON is an *openapi3.PathItem with operations only.
type pathItemJSON struct {
	Connect any `json:"connect,omitempty"`
	Delete  any `json:"delete,omitempty"`
	Get     any `json:"get,omitempty"`
	Head    any `json:"head,omitempty"`
	Options any `json:"options,omitempty"`
	Patch   any `json:"patch,omitempty"`
	Post    any `json:"post,omitempty"`
	Put     any `json:"put,omitempty"`
	Query   any `json:"query,omitempty"`
	Trace   any `json:"trace,omitempty"`
}

// pathItem returns what json.Marshal encodes as item, which has operations
// only, is encoded.
func (c *opCache) pathItem(item *openapi3.PathItem) (*pathItemJSON, error) {
	out := &pathItemJSON{}
	for _, f := range []struct {
		op  *openapi3.Operation
		dst *any
	}{
		{item.Connect, &out.Connect}, {item.Delete, &out.Delete}, {item.Get, &out.Get}, {item.Head, &out.Head},
		{item.Options, &out.Options}, {item.Patch, &out.Patch}, {item.Post, &out.Post}, {item.Put, &out.Put},
		{item.Query, &out.Query}, {item.Trace, &out.Trace},
	} {
		if f.op == nil {
			continue
		}
		e, err := plain(f.op, false, c)
		if err != nil {
			return nil, err
		}
		*f.dst = e
	}
	return out, nil
}

// operationJSON is an *openapi3.Operation made by operation.
type operationJSON struct {
	Deprecated   bool                     `json:"deprecated,omitempty"`
	Description  string                   `json:"description,omitempty"`
	ExternalDocs *externalDocsJSON        `json:"externalDocs,omitempty"`
	OperationID  string                   `json:"operationId,omitempty"`
	Parameters   []any                    `json:"parameters,omitempty"`
	RequestBody  any                      `json:"requestBody,omitempty"`
	Responses    map[string]*responseJSON `json:"responses"`
	Summary      string                   `json:"summary,omitempty"`
	Tags         []string                 `json:"tags,omitempty"`
	Lifecycle    Lifecycle                `json:"x-lifecycle"`
	Stability    string                   `json:"x-stability-level"`
	Sunset       string                   `json:"x-sunset,omitempty"`
}

// externalDocsJSON is an *openapi3.ExternalDocs without extensions.
type externalDocsJSON struct {
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
}

// responseJSON is the value of an *openapi3.ResponseRef without $ref.
type responseJSON struct {
	Content     map[string]*mediaTypeJSON `json:"content,omitempty"`
	Description *string                   `json:"description,omitempty"`
	Headers     map[string]refJSON        `json:"headers,omitempty"`
	Answer      string                    `json:"x-lifecycle-answer,omitempty"`
}

// mediaTypeJSON is an *openapi3.MediaType with an example and a schema at
// most.
type mediaTypeJSON struct {
	Example any `json:"example,omitempty"`
	Schema  any `json:"schema,omitempty"`
}

// refJSON is a reference (*openapi3.SchemaRef, HeaderRef, ParameterRef ...)
// with nothing beside its $ref.
type refJSON struct {
	Ref string `json:"$ref"`
}

// errNotPlain: an operation has more than operationJSON describes.
var errNotPlain = errors.New("not an operation as generated")

// encodeOperation returns what json.Marshal encodes as op is encoded: an
// *operationJSON, or op's JSON when op has more than operation sets.
func (c *opCache) encodeOperation(op *openapi3.Operation) (any, error) {
	e, err := c.operationJSON(op)
	if errors.Is(err, errNotPlain) {
		m, err := op.MarshalYAML()
		if err != nil {
			return nil, err
		}
		return c.rawJSON(m, true)
	}
	return e, err
}

func (c *opCache) operationJSON(op *openapi3.Operation) (*operationJSON, error) {
	l, okL := op.Extensions[LifecycleExtension].(Lifecycle)
	stab, okS := op.Extensions[StabilityExtension].(string)
	sunsetV, hasSunset := op.Extensions[SunsetExtension]
	sunset, okSun := sunsetV.(string)
	n := 2
	if hasSunset {
		n++
	}
	if !okL || !okS || stab == "" || hasSunset && (!okSun || sunset == "") || len(op.Extensions) != n ||
		len(op.Callbacks) != 0 || op.Security != nil || op.Servers != nil ||
		op.Responses == nil || op.Responses.Len() == 0 || len(op.Responses.Extensions) != 0 {
		return nil, errNotPlain
	}
	out := &operationJSON{
		Deprecated:  op.Deprecated,
		Description: op.Description,
		OperationID: op.OperationID,
		Responses:   make(map[string]*responseJSON, op.Responses.Len()),
		Summary:     op.Summary,
		Tags:        op.Tags,
		Lifecycle:   l,
		Stability:   stab,
		Sunset:      sunset,
	}
	var err error
	if d := op.ExternalDocs; d != nil {
		if len(d.Extensions) != 0 {
			return nil, errNotPlain
		}
		out.ExternalDocs = &externalDocsJSON{Description: d.Description, URL: d.URL}
	}
	if op.RequestBody != nil {
		if out.RequestBody, err = c.rawJSON(op.RequestBody, false); err != nil {
			return nil, err
		}
	}
	for _, p := range op.Parameters {
		e, err := c.parameterJSON(p)
		if err != nil {
			return nil, err
		}
		out.Parameters = append(out.Parameters, e)
	}
	for code, ref := range op.Responses.Map() {
		e, ok, err := c.encoded(ref) // a shared answer
		if !ok && err == nil {
			e, err = c.encodeResponse(ref)
		}
		if err != nil {
			return nil, err
		}
		r, ok := e.(*responseJSON)
		if !ok {
			return nil, errNotPlain
		}
		out.Responses[code] = r
	}
	return out, nil
}

// encodeResponse returns what json.Marshal encodes as ref is encoded: a
// *responseJSON, or ref's JSON when it has more than operation sets.
func (c *opCache) encodeResponse(ref *openapi3.ResponseRef) (any, error) {
	e, err := c.responseJSON(ref)
	if errors.Is(err, errNotPlain) {
		return c.rawJSON(ref, false)
	}
	return e, err
}

func (c *opCache) responseJSON(ref *openapi3.ResponseRef) (*responseJSON, error) {
	r := ref.Value
	if ref.Ref != "" || r == nil || len(r.Links) != 0 {
		return nil, errNotPlain
	}
	answer, okA := r.Extensions[AnswerExtension].(string)
	if len(r.Extensions) > 1 || len(r.Extensions) == 1 && (!okA || answer == "") {
		return nil, errNotPlain
	}
	out := &responseJSON{Description: r.Description, Answer: answer}
	if len(r.Headers) != 0 {
		out.Headers = make(map[string]refJSON, len(r.Headers))
		for name, h := range r.Headers {
			if h == nil {
				return nil, errNotPlain
			}
			m, err := h.MarshalYAML()
			if err != nil {
				return nil, err
			}
			ref, ok := bareRef(m)
			if !ok {
				return nil, errNotPlain
			}
			out.Headers[name] = ref
		}
	}
	if len(r.Content) != 0 {
		out.Content = make(map[string]*mediaTypeJSON, len(r.Content))
		for ctype, mt := range r.Content {
			if mt == nil || len(mt.Extensions) != 0 || mt.ItemSchema != nil || len(mt.Examples) != 0 || len(mt.Encoding) != 0 {
				return nil, errNotPlain
			}
			e := &mediaTypeJSON{}
			var err error
			if mt.Example != nil {
				if e.Example, err = plain(mt.Example, false, c); err != nil {
					return nil, err
				}
			}
			if mt.Schema != nil {
				if e.Schema, err = c.rawJSON(mt.Schema, false); err != nil {
					return nil, err
				}
			}
			out.Content[ctype] = e
		}
	}
	return out, nil
}

// bareRef returns the reference that m, kin-openapi's MarshalYAML value of
// a reference, is when it has nothing beside $ref.
func bareRef(m any) (refJSON, bool) {
	if m, ok := m.(map[string]any); ok && len(m) == 1 {
		if ref, ok := m["$ref"].(string); ok {
			return refJSON{Ref: ref}, true
		}
	}
	return refJSON{}, false
}

// rawJSON returns v encoded as json.Marshal encodes it: a refJSON when that
// is a bare reference, else its JSON. fresh is plain's.
func (c *opCache) rawJSON(v any, fresh bool) (any, error) {
	var y yamlMarshaler // a reference, written without plain's reflection
	switch x := v.(type) {
	case *openapi3.SchemaRef:
		if x != nil && x.Ref != "" {
			y = x
		}
	case *openapi3.ParameterRef:
		if x != nil && x.Ref != "" {
			y = x
		}
	}
	if y != nil {
		m, err := y.MarshalYAML()
		if err != nil {
			return nil, err
		}
		if ref, ok := bareRef(m); ok {
			return ref, nil
		}
	}
	p, err := plain(v, fresh, c)
	if err != nil {
		return nil, err
	}
	if ref, ok := bareRef(p); ok {
		return ref, nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return json.RawMessage(b), nil
}

// parameterJSON is rawJSON of p, kept for the path parameters that c
// shares between the operations of a pattern (see opCache.pattern).
func (c *opCache) parameterJSON(p *openapi3.ParameterRef) (any, error) {
	c.mu.Lock()
	e, shared := c.params[p]
	c.mu.Unlock()
	if e != nil {
		return e, nil
	}
	e, err := c.rawJSON(p, false)
	if err != nil || !shared {
		return e, err
	}
	c.mu.Lock()
	c.params[p] = e
	c.mu.Unlock()
	return e, nil
}
