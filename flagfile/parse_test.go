package flagfile_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flagfile"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		wantErr error
		want    []flagfile.Flag
	}{
		{
			name: "map form, with lines",
			data: "{\n  \"flags\": {\n    \"b\": {\"state\": \"ENABLED\", \"variants\": {\"on\": true, \"off\": false}, \"defaultVariant\": \"off\",\n      \"targeting\": {\"if\": [true, \"on\"]}},\n    \"a\": {\"state\": \"DISABLED\", \"variants\": {\"x\": \"s\"}, \"defaultVariant\": \"x\", \"targeting\": {}}\n  }\n}\n",
			want: []flagfile.Flag{
				{Key: "a", State: "DISABLED", Variants: map[string]any{"x": "s"}, DefaultVariant: "x", Line: 5},
				{Key: "b", State: "ENABLED", Variants: map[string]any{"on": true, "off": false}, DefaultVariant: "off", Targeting: []byte(`{"if": [true, "on"]}`), Line: 3},
			},
		},
		{
			name: "array form",
			data: `{"flags": [` + "\n" + `{"key": "z", "state": "ENABLED", "variants": {"n": 1}, "defaultVariant": "n"}]}`,
			want: []flagfile.Flag{{Key: "z", State: "ENABLED", Variants: map[string]any{"n": 1.0}, DefaultVariant: "n", Line: 2}},
		},
		{name: "syntax", data: "{\"flags\": {\n\"a\": }}", wantErr: flagfile.ErrSyntax},
		{name: "schema", data: `{"flags": {"a": {"state": "MAYBE", "variants": {"on": true}, "defaultVariant": "on"}}}`, wantErr: flagfile.ErrSchema},
		{name: "mixed types", data: `{"flags": {"a": {"state": "ENABLED", "variants": {"on": true, "n": 1}, "defaultVariant": "on"}}}`, wantErr: flagfile.ErrType},
		{name: "empty", data: " \n", wantErr: flagfile.ErrEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := flagfile.Parse([]byte(tt.data))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Equal(t, flagfile.Validate([]byte(tt.data)).Error(), err.Error(), "Parse and Validate disagree")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, d.Flags)
		})
	}
}

func TestParseSyntaxPosition(t *testing.T) {
	_, err := flagfile.Parse([]byte("{\"flags\": {\n  \"a\": }}"))
	assert.ErrorContains(t, err, "line 2, column 8: invalid character '}'")
}

func TestEvaluate(t *testing.T) {
	data, err := os.ReadFile("../cmd/demo/flags.json")
	require.NoError(t, err)
	d, err := flagfile.Parse(data, "users-patch")
	require.NoError(t, err)
	f, ok := d.Flag("users-patch")
	require.True(t, ok)
	assert.Equal(t, "boolean", f.Kind())
	_, ok = d.Flag("nope")
	assert.False(t, ok)

	tests := []struct {
		name    string
		key     string
		ctx     map[string]any
		want    any
		variant string
		wantErr string
	}{
		{"listed user", "users-patch", map[string]any{"targetingKey": "grace"}, true, "on", ""},
		{"anonymous", "users-patch", map[string]any{}, false, "off", ""},
		{"no targeting", "reports-export", map[string]any{"targetingKey": "grace"}, false, "off", ""},
		{"unknown flag", "nope", map[string]any{}, nil, "", "FLAG_NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, variant, err := d.Evaluate(t.Context(), tt.key, tt.ctx)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, tt.wantErr, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, v)
			assert.Equal(t, tt.variant, variant)
		})
	}
}

// FuzzParse: Parse never panics, agrees with Validate, and returns flags
// whose lines are inside the file and that evaluate without panicking.
// Seeds: the project's flag files.
func FuzzParse(f *testing.F) {
	for _, path := range []string{"../cmd/demo/flags.json", "../cmd/roadmap/testdata/check-flags.json"} {
		data, err := os.ReadFile(path)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte(`{"flags": [{"key": "a", "state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"}]}`))
	f.Add([]byte(`{"flags": {"a": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on", "targeting": {"$ref": "e"}}}, "$evaluators": {"e": {"==": [1, 1]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := flagfile.Parse(data)
		if verr := flagfile.Validate(data); err != nil || verr != nil {
			// The schema validator lists the failures of a oneOf/anyOf in no
			// set order, so the messages are compared as sets of parts.
			require.Equal(t, errorParts(verr), errorParts(err), "Parse and Validate disagree")
			return
		}
		lines := 1 + bytes.Count(data, []byte("\n"))
		for _, fl := range d.Flags {
			assert.True(t, fl.Line >= 1 && fl.Line <= lines, "flag %q at line %d of %d", fl.Key, fl.Line, lines)
			_, _, _ = d.Evaluate(t.Context(), fl.Key, map[string]any{"targetingKey": "k"})
		}
	})
}

// errorParts splits err's message into its " - at " parts, sorted; nil for
// no error.
func errorParts(err error) []string {
	if err == nil {
		return nil
	}
	parts := strings.Split(err.Error(), " - at ")
	slices.Sort(parts)
	return parts
}
