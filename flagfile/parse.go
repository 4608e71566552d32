package flagfile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Flag is one flag of a flag file, as [Parse] returns it.
type Flag struct {
	// Key is the flag key.
	Key string
	// State is "ENABLED" or "DISABLED". flagd serves no value for a
	// disabled flag: OpenFeature clients get their default.
	State string
	// Variants maps each variant name to its value, decoded from JSON
	// (bool, string, float64, map[string]any or []any).
	Variants map[string]any
	// DefaultVariant names the variant served when targeting picks none.
	DefaultVariant string
	// Targeting is the flag's targeting rule (JSONLogic) as written, "$ref"s
	// to the file's $evaluators left as they are; nil when the flag has
	// none.
	Targeting json.RawMessage
	// Line is the line (counted from 1) of the flag's key in the file.
	Line int
}

// Kind returns the JSON type of the flag's variants ([ValueKind]; [Parse]
// rejects flags that mix types), or "" for a flag without variants.
func (f Flag) Kind() string {
	for _, v := range f.Variants {
		return ValueKind(v)
	}
	return ""
}

// ValueKind returns the JSON type of a decoded JSON value: "boolean",
// "string", "number", "object", "array", or "" (null or another Go type).
func ValueKind(v any) string {
	switch v.(type) {
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		return "number"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return ""
}

// Definition is a flag file that [Parse] accepted: its flags, and flagd's
// evaluator loaded with them. A Definition is not safe for concurrent use.
type Definition struct {
	// Flags lists the file's flags, sorted by key.
	Flags []Flag
	v     *validator
}

// Parse validates data exactly as [Validate] does (same errors), and returns
// its flags with flagd's evaluator loaded with them, for tools that inspect a
// flag file rather than serve it.
func Parse(data []byte, boolean ...string) (*Definition, error) {
	v, err := newValidator(boolean)
	if err != nil {
		return nil, err
	}
	if err := v.check(data); err != nil {
		return nil, err
	}
	var doc struct {
		Flags json.RawMessage `json:"flags"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSchema, err)
	}
	type rawFlag struct {
		Key            string          `json:"key"`
		State          string          `json:"state"`
		Variants       map[string]any  `json:"variants"`
		DefaultVariant *string         `json:"defaultVariant"`
		Targeting      json.RawMessage `json:"targeting"`
	}
	var list []rawFlag
	if t := bytes.TrimSpace(doc.Flags); len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(t, &list); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrSchema, err)
		}
	} else if len(t) > 0 {
		var m map[string]rawFlag
		if err := json.Unmarshal(t, &m); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrSchema, err)
		}
		for k, f := range m {
			f.Key = k
			list = append(list, f)
		}
	}
	lines := keyLines(data)
	d := &Definition{v: v}
	for _, r := range list {
		f := Flag{Key: r.Key, State: r.State, Variants: r.Variants, Line: lines[r.Key]}
		if r.DefaultVariant != nil {
			f.DefaultVariant = *r.DefaultVariant
		}
		if t := bytes.TrimSpace(r.Targeting); len(t) > 0 && !bytes.Equal(t, []byte("null")) && !bytes.Equal(t, []byte("{}")) {
			f.Targeting = slices.Clone(t)
		}
		d.Flags = append(d.Flags, f)
	}
	slices.SortFunc(d.Flags, func(a, b Flag) int { return strings.Compare(a.Key, b.Key) })
	return d, nil
}

// Flag returns the flag with the given key.
func (d *Definition) Flag(key string) (Flag, bool) {
	i, ok := slices.BinarySearchFunc(d.Flags, key, func(f Flag, k string) int { return strings.Compare(f.Key, k) })
	if !ok {
		return Flag{}, false
	}
	return d.Flags[i], true
}

// Evaluate evaluates the flag key with flagd's evaluator, as flagd's
// in-process provider does, for the evaluation context evalCtx: the
// attributes by name and the targeting key as "targetingKey", the way
// OpenFeature providers flatten an evaluation context. It returns the value
// and the variant, or flagd's error (for example for an unknown or disabled
// flag).
func (d *Definition) Evaluate(ctx context.Context, key string, evalCtx map[string]any) (value any, variant string, err error) {
	defer func() {
		// flagd's evaluator runs JSONLogic on file contents; whatever it
		// does, an evaluation is only ever an error.
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: evaluator panicked: %v", ErrRejected, p)
		}
	}()
	res := d.v.eval.ResolveAsAnyValue(ctx, "roadmap", key, evalCtx)
	return res.Value, res.Variant, res.Error
}

// keyLines returns the line of each flag key in a flag file: the keys of
// the "flags" object, or the "key" members of the "flags" array.
func keyLines(data []byte) map[string]int {
	type frame struct {
		obj, wantKey bool
		key          string // the member being read, in an object
		role         int    // 0 other, 1 the flags container, 2 a flag in a flags array
	}
	lines := map[string]int{}
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []frame
	line, counted := 1, int64(0) // the line at offset counted
	for {
		tok, err := dec.Token()
		if err != nil {
			return lines
		}
		off := dec.InputOffset()
		line += bytes.Count(data[counted:off], []byte("\n"))
		counted = off
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].wantKey {
			if k, ok := tok.(string); ok {
				top := &stack[n-1]
				top.key, top.wantKey = k, false
				if top.role == 1 {
					lines[k] = line
				}
				continue
			}
		}
		// A value, or the end of a container.
		var parent *frame
		if n := len(stack); n > 0 {
			parent = &stack[n-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				f := frame{obj: t == '{', wantKey: t == '{'}
				switch {
				case len(stack) == 1 && parent.key == "flags":
					f.role = 1
				case parent != nil && parent.role == 1 && !parent.obj && t == '{':
					f.role = 2
				}
				stack = append(stack, f)
				continue
			default:
				stack = stack[:len(stack)-1]
				if n := len(stack); n > 0 {
					stack[n-1].wantKey = stack[n-1].obj
				}
				continue
			}
		case string:
			if parent != nil && parent.role == 2 && parent.key == "key" {
				lines[t] = line
			}
		}
		if parent != nil {
			parent.wantKey = parent.obj
		}
	}
}

// position returns the line and column (counted from 1, in bytes) of offset
// off in data.
func position(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// schemaLine returns the line of the deepest value a schema validation error
// is about (the most specific of its causes), or 0.
func schemaLine(data []byte, err error) int {
	ve, ok := errors.AsType[*jsonschema.ValidationError](err)
	if !ok {
		return 0
	}
	var deepest []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.InstanceLocation) > len(deepest) {
			deepest = e.InstanceLocation
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return pointerLine(data, deepest)
}

// pointerLine returns the line (counted from 1) of the JSON value at the
// path ptr (object keys and array indexes) in data, or 0.
func pointerLine(data []byte, ptr []string) int {
	type frame struct {
		obj, wantKey bool
		key          string
		index        int
	}
	var stack []frame
	at := func() bool {
		if len(stack) != len(ptr) {
			return false
		}
		for i, f := range stack {
			seg := f.key
			if !f.obj {
				seg = strconv.Itoa(f.index)
			}
			if seg != ptr[i] {
				return false
			}
		}
		return true
	}
	done := func() { // the value of the innermost container ended
		if n := len(stack); n > 0 {
			f := &stack[n-1]
			if f.obj {
				f.wantKey = true
			} else {
				f.index++
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	line, counted := 1, int64(0) // the line at offset counted
	for {
		tok, err := dec.Token()
		if err != nil {
			return 0
		}
		off := dec.InputOffset()
		line += bytes.Count(data[counted:off], []byte("\n"))
		counted = off
		n := len(stack)
		if n > 0 && stack[n-1].obj && stack[n-1].wantKey {
			if k, ok := tok.(string); ok {
				stack[n-1].key, stack[n-1].wantKey = k, false
				continue
			}
		}
		d, isDelim := tok.(json.Delim)
		if isDelim && (d == '}' || d == ']') {
			stack = stack[:n-1]
			done()
			continue
		}
		if at() { // a value starts here
			return line
		}
		if isDelim {
			stack = append(stack, frame{obj: d == '{', wantKey: d == '{'})
			continue
		}
		done()
	}
}
