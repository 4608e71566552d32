package flagfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	schema "github.com/open-feature/flagd-schemas/json"
	"github.com/open-feature/flagd/core/pkg/evaluator"
	flaglogger "github.com/open-feature/flagd/core/pkg/logger"
	"github.com/open-feature/flagd/core/pkg/store"
	flagdsync "github.com/open-feature/flagd/core/pkg/sync"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.uber.org/zap"
)

// Problems a flag file can have. [Validate], [Source.Reload] and
// [Source.Problem] return them wrapped; test with errors.Is.
var (
	// ErrMissing: the file does not exist (it was deleted, or is being
	// replaced). It wraps fs.ErrNotExist as well.
	ErrMissing = errors.New("flag file missing")
	// ErrEmpty: the file is empty or only white space (typically a write in
	// progress).
	ErrEmpty = errors.New("flag file empty")
	// ErrTooLarge: the file is larger than MaxBytes.
	ErrTooLarge = errors.New("flag file too large")
	// ErrSyntax: the file is not JSON (for example a truncated write).
	ErrSyntax = errors.New("flag file is not valid JSON")
	// ErrSchema: the file is JSON but not a flagd flag definition
	// (https://flagd.dev/schema/v0/flags.json).
	ErrSchema = errors.New("flag file does not match the flagd schema")
	// ErrType: a flag has variants of different JSON types, or a flag listed
	// in Options.Boolean has a variant that is not a boolean.
	ErrType = errors.New("flag of the wrong type")
	// ErrRejected: flagd's own evaluator rejects the definition (for
	// example a defaultVariant that names no variant).
	ErrRejected = errors.New("flag file rejected by the flagd evaluator")
)

// MaxBytes is the largest flag file a [Source] reads.
const MaxBytes = 16 << 20

// emptyFlags is the definition served before any good file has been read
// (Options.AllowMissing): no flags, so every evaluation fails closed.
const emptyFlags = `{"flags":{}}`

// schemaURL is the root of the flagd definition schema.
const schemaURL = "https://flagd.dev/schema/v0/flagd.json"

// validator checks flag files the way flagd would read them, and more
// strictly: flagd only warns about schema violations, a validator rejects
// them. It is not safe for concurrent use.
type validator struct {
	schema  *jsonschema.Schema
	eval    *evaluator.JSON
	boolean []string
}

func newValidator(boolean []string) (*validator, error) {
	c := jsonschema.NewCompiler()
	for url, doc := range map[string]string{
		schemaURL:                                    schema.FlagdSchema,
		"https://flagd.dev/schema/v0/flags.json":     schema.FlagSchema,
		"https://flagd.dev/schema/v0/targeting.json": schema.TargetingSchema,
	} {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			return nil, fmt.Errorf("flagfile: schema %s: %w", url, err)
		}
		if err := c.AddResource(url, v); err != nil {
			return nil, fmt.Errorf("flagfile: schema %s: %w", url, err)
		}
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("flagfile: schema: %w", err)
	}
	log := flaglogger.NewLogger(zap.NewNop(), false)
	st, err := store.NewStore(log, []string{"validate"})
	if err != nil {
		return nil, fmt.Errorf("flagfile: %w", err)
	}
	return &validator{schema: sch, eval: evaluator.NewJSON(log, st), boolean: slices.Clone(boolean)}, nil
}

// Validate reports whether data is a flag file a [Source] would apply: a
// flagd flag definition that matches the flagd schema, that flagd's
// evaluator accepts, whose flags each have variants of one JSON type, and
// whose flags named in boolean (if present) have only boolean variants. The
// error wraps one of ErrEmpty, ErrTooLarge, ErrSyntax, ErrSchema, ErrType or
// ErrRejected.
//
// Validate is safe for concurrent use. Each call compiles the schema and
// loads a flagd evaluator of its own, and drops them when it returns.
func Validate(data []byte, boolean ...string) error {
	v, err := newValidator(boolean)
	if err != nil {
		return err
	}
	return v.check(data)
}

func (v *validator) check(data []byte) (err error) {
	defer func() {
		// The checks below run third-party parsers on untrusted input;
		// whatever they do, a bad file is only ever a rejected file.
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: evaluator panicked: %v", ErrRejected, p)
		}
	}()
	if len(data) > MaxBytes {
		return fmt.Errorf("%w: %d bytes (at most %d)", ErrTooLarge, len(data), MaxBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return ErrEmpty
	}
	if !json.Valid(data) {
		var x any
		err := json.Unmarshal(data, &x)
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			line, col := position(data, se.Offset-1)
			return fmt.Errorf("%w: line %d, column %d: %v", ErrSyntax, line, col, err)
		}
		return fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	if err := v.types(data); err != nil {
		return err
	}
	if err := v.schema.Validate(inst); err != nil {
		if line := schemaLine(data, err); line > 0 {
			return fmt.Errorf("%w: line %d: %v", ErrSchema, line, oneLine(err.Error()))
		}
		return fmt.Errorf("%w: %v", ErrSchema, oneLine(err.Error()))
	}
	if err := v.eval.SetState(flagdsync.DataSync{FlagData: string(data), Source: "validate"}); err != nil {
		return fmt.Errorf("%w: %v", ErrRejected, err)
	}
	return nil
}

// flagDef is the part of a flagd flag the type checks read.
type flagDef struct {
	Key      string                     `json:"key"`
	Variants map[string]json.RawMessage `json:"variants"`
}

func (v *validator) types(data []byte) error {
	var doc struct {
		Flags json.RawMessage `json:"flags"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%w: %v", ErrSchema, err)
	}
	var list []flagDef
	if t := bytes.TrimSpace(doc.Flags); len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(t, &list); err != nil {
			return fmt.Errorf("%w: %v", ErrSchema, err)
		}
	} else if len(t) > 0 {
		var m map[string]flagDef
		if err := json.Unmarshal(t, &m); err != nil {
			return fmt.Errorf("%w: %v", ErrSchema, err)
		}
		for k, f := range m {
			f.Key = k
			list = append(list, f)
		}
	}
	slices.SortFunc(list, func(a, b flagDef) int { return strings.Compare(a.Key, b.Key) })
	for _, f := range list {
		kind := ""
		names := make([]string, 0, len(f.Variants))
		for n := range f.Variants {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			k := jsonKind(f.Variants[n])
			if kind == "" {
				kind = k
			} else if k != kind {
				return fmt.Errorf("%w: flag %q mixes %s and %s variants", ErrType, f.Key, kind, k)
			}
		}
		if kind != "" && kind != "boolean" && slices.Contains(v.boolean, f.Key) {
			return fmt.Errorf("%w: flag %q must be boolean, its variants are %s", ErrType, f.Key, kind)
		}
	}
	return nil
}

func jsonKind(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "empty"
	}
	switch t[0] {
	case 't', 'f':
		return "boolean"
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 'n':
		return "null"
	}
	return "number"
}

// oneLine folds a multi-line validation report into one log-friendly line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
