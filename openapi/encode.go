package openapi

import (
	"encoding/json"
	"reflect"

	"github.com/getkin/kin-openapi/openapi3"
)

// marshal returns json.Marshal(doc), about three times faster for a large
// document. Each kin-openapi MarshalJSON method encodes its MarshalYAML
// value with json.Marshal, and encoding/json then validates and compacts
// that output again at every level above it: a document costs its size
// times its depth, most of the time of a 10,000-route document. marshal
// calls the MarshalYAML methods itself, down the tree, and encodes the
// result once. TestMarshal checks that it writes the same bytes.
func marshal(doc *openapi3.T) ([]byte, error) {
	v, err := plain(doc, false)
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
func plain(v any, fresh bool) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, float64, int, json.RawMessage:
		return v, nil
	case map[string]any:
		out := x
		if !fresh {
			out = make(map[string]any, len(x))
		}
		for k, e := range x {
			p, err := plain(e, false)
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
			p, err := plain(e, false)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
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
		return plain(m, true)
	}
	switch rv.Kind() {
	case reflect.Map:
		if rv.IsNil() || rv.Type().Key().Kind() != reflect.String {
			return v, nil
		}
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			p, err := plain(it.Value().Interface(), false)
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
			p, err := plain(rv.Index(i).Interface(), false)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	}
	return v, nil
}
