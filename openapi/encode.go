package openapi

import (
	"encoding/binary"
	"encoding/json"
	"reflect"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/roadmap-go/roadmap/router"
)

// marshal returns json.Marshal(doc), about three times faster for a large
// document. Each kin-openapi MarshalJSON method encodes its MarshalYAML
// value with json.Marshal, and encoding/json then validates and compacts
// that output again at every level above it: a document costs its size
// times its depth, most of the time of a 10,000-route document. marshal
// calls the MarshalYAML methods itself, down the tree, and encodes the
// result once. The operations c keeps are turned once into the structs of
// encodeop.go, which every document encodes. TestMarshal and
// TestMarshalCached check that it writes the same bytes.
func marshal(doc *openapi3.T, c *opCache) ([]byte, error) {
	v, err := plain(doc, false, c)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// yamlMarshaler is what kin-openapi's types implement besides
// json.Marshaler; their MarshalJSON is json.Marshal of MarshalYAML.
type yamlMarshaler interface {
	MarshalYAML() (any, error)
}

var kinPackage = reflect.TypeFor[openapi3.T]().PkgPath()

// plain returns v with every kin-openapi value replaced by its MarshalYAML
// value, recursively, and typed maps and slices holding them replaced by
// map[string]any and []any; json.Marshal encodes the result as it encodes v.
// fresh reports that v was just made by a MarshalYAML method, which makes
// new maps and slices: they are then changed in place.
func plain(v any, fresh bool, c *opCache) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, float64, int, json.RawMessage:
		return v, nil
	case map[string]any:
		out := x
		if !fresh {
			out = make(map[string]any, len(x))
		}
		for k, e := range x {
			p, err := plain(e, false, c)
			if err != nil {
				return nil, err
			}
			out[k] = p
		}
		return out, nil
	case []any:
		out := x
		if !fresh {
			out = make([]any, len(x))
		}
		for i, e := range x {
			p, err := plain(e, false, c)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	}
	if c != nil {
		switch x := v.(type) {
		case *openapi3.Operation, *openapi3.ResponseRef:
			if b, ok, err := c.encoded(x.(yamlMarshaler)); ok || err != nil {
				return b, err
			}
		case *openapi3.PathItem:
			if x != nil && x.Ref == "" && x.Summary == "" && x.Description == "" && len(x.Extensions) == 0 &&
				len(x.AdditionalOperations) == 0 && len(x.Servers) == 0 && len(x.Parameters) == 0 {
				return c.pathItem(x)
			}
		}
	}
	rv := reflect.ValueOf(v)
	t := rv.Type()
	if t.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return v, nil // null, as json.Marshal writes it
		}
		t = t.Elem()
	}
	if y, ok := v.(yamlMarshaler); ok && t.PkgPath() == kinPackage {
		m, err := y.MarshalYAML()
		if err != nil {
			return nil, err
		}
		return plain(m, true, c)
	}
	switch rv.Kind() {
	case reflect.Map:
		if rv.IsNil() || rv.Type().Key().Kind() != reflect.String {
			return v, nil
		}
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			p, err := plain(it.Value().Interface(), false, c)
			if err != nil {
				return nil, err
			}
			out[it.Key().String()] = p
		}
		return out, nil
	case reflect.Slice:
		if rv.IsNil() || rv.Type().Elem().Kind() == reflect.Uint8 {
			return v, nil
		}
		out := make([]any, rv.Len())
		for i := range out {
			p, err := plain(rv.Index(i).Interface(), false, c)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	}
	return v, nil
}

// opCache keeps the operations of a Handler's documents, each built once per
// route, stage in force and serving state, turned into the structs of
// encodeop.go on first use: a document for a request then costs the
// selection of its operations and one encoding of them. It holds at most a few operations per route
// (a stage changes only by LiveFrom or Sunset), whatever the traffic. The
// operations it hands out are never changed. A nil *opCache keeps nothing.
type opCache struct {
	mu  sync.Mutex
	ops map[opKey]*openapi3.Operation
	// opRefs are the components each kept operation refers to.
	opRefs map[*openapi3.Operation]refs
	// patterns are the path templates and path parameters of the
	// patterns of kept operations; pathParams the parameters, shared by
	// every operation with the same one; params their encodings (nil
	// until encoded).
	patterns   map[string]pathParams
	pathParams map[pathParam]*openapi3.ParameterRef
	params     map[*openapi3.ParameterRef]any
	// json holds the encoding of the kept operations and shared answers
	// (see encodeOperation), by pointer (*openapi3.Operation or
	// *openapi3.ResponseRef); nil until encoded.
	json map[any]any
	// answers are the lifecycle answers every document of the Handler
	// shares, made once.
	answers *answers

	// The schemas of the table's declared bodies, described once.
	bodiesOnce sync.Once
	tb         *tableBodies

	// docs keeps the per-request documents rendered last, by viewsKey of
	// the operations they show: most callers see the same ones (flags off
	// or on for everyone), so they get the same bytes without a new
	// document. At most maxDocuments are kept.
	docs map[string][]byte
}

// maxDocuments bounds opCache.docs: a document of 10,000 routes is a few
// megabytes, and targeted flags can make many distinct views.
const maxDocuments = 4

// viewsKey identifies a per-request document by what it is made of: the
// route index, stage in force and serving state of each view shown.
func viewsKey(views []view) string {
	b := make([]byte, 0, 6*len(views))
	for _, v := range views {
		s := byte(0)
		if v.serving != nil {
			s = 1
			if *v.serving {
				s = 2
			}
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(v.index))
		b = append(b, byte(v.stage), s)
	}
	return string(b)
}

// document returns the per-request document kept for key.
func (c *opCache) document(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.docs[key]
	return b, ok
}

// keepDocument keeps the per-request document b for key, forgetting the
// others when maxDocuments are kept already.
func (c *opCache) keepDocument(key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.docs) >= maxDocuments {
		clear(c.docs)
	}
	c.docs[key] = b
}

type opKey struct {
	index   int
	stage   router.Stage
	serving int8 // 0 static document, 1 served, 2 not served
}

func newOpCache() *opCache {
	return &opCache{ops: map[opKey]*openapi3.Operation{}, opRefs: map[*openapi3.Operation]refs{},
		patterns: map[string]pathParams{}, pathParams: map[pathParam]*openapi3.ParameterRef{}, params: map[*openapi3.ParameterRef]any{}, json: map[any]any{}, docs: map[string][]byte{}}
}

// operation returns the operation of v, made by build if c has none.
func (c *opCache) operation(v view, build func() *openapi3.Operation) *openapi3.Operation {
	if c == nil {
		return build()
	}
	k := opKey{index: v.index, stage: v.stage}
	if v.serving != nil {
		k.serving = 2
		if *v.serving {
			k.serving = 1
		}
	}
	c.mu.Lock()
	op, ok := c.ops[k]
	c.mu.Unlock()
	if ok {
		return op
	}
	op = build()
	r := refsOf(op)
	c.mu.Lock()
	defer c.mu.Unlock()
	if kept, ok := c.ops[k]; ok {
		return kept
	}
	c.ops[k] = op
	c.opRefs[op] = r
	c.json[op] = nil // kept, not encoded yet
	return op
}

// encoded returns the encoding of v, a kept operation or shared answer, if c
// keeps it (ok), made the first time (see encodeOperation): an operation's
// shared answers are encoded once, for all of them.
func (c *opCache) encoded(v yamlMarshaler) (any, bool, error) {
	c.mu.Lock()
	e, kept := c.json[v]
	c.mu.Unlock()
	if !kept || e != nil {
		return e, kept, nil
	}
	var err error
	switch x := v.(type) {
	case *openapi3.Operation:
		e, err = c.encodeOperation(x)
	case *openapi3.ResponseRef:
		e, err = c.encodeResponse(x)
	}
	if err != nil {
		return nil, true, err
	}
	c.mu.Lock()
	c.json[v] = e
	c.mu.Unlock()
	return e, true, nil
}

// pathParams are a pattern's path template and path parameters.
type pathParams struct {
	path   string
	params openapi3.Parameters
}

// pattern returns convertPattern(p), made once per pattern by c (a nil
// *opCache makes it every time), with one parameter for all the patterns
// that have the same. The parameters are shared: operation appends to a
// copy.
func (c *opCache) pattern(p string) (string, openapi3.Parameters) {
	if c == nil {
		return convertPattern(p)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	pp, ok := c.patterns[p]
	if !ok {
		pp.path, pp.params = convertPatternWith(p, func(p pathParam) *openapi3.ParameterRef {
			param, ok := c.pathParams[p]
			if !ok {
				param = p.parameter()
				c.pathParams[p] = param
				c.params[param] = nil // shared, not encoded yet
			}
			return param
		})
		c.patterns[p] = pp
	}
	return pp.path, pp.params
}

// sharedAnswers returns the lifecycle answers of the documents of c, made
// once (optIn is the Handler's, the same for each of them); a nil *opCache
// makes new ones.
func (c *opCache) sharedAnswers(optIn string) *answers {
	if c == nil {
		return newAnswers(optIn)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.answers == nil {
		c.answers = newAnswers(optIn)
		for _, a := range []*openapi3.ResponseRef{c.answers.hidden404, c.answers.offNotFound, c.answers.notAllowed, c.answers.unknownOptIn} {
			c.json[a] = nil // kept, not encoded yet
		}
	}
	return c.answers
}
