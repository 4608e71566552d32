package flagfile

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzKeyLines fuzzes what Parse adds to Validate on any bytes, valid flag
// file or not, fast: the line of each flag (it found keyLines quadratic in
// the file's size) and the position of a syntax error. Seeds: the project's
// flag files.
func FuzzKeyLines(f *testing.F) {
	for _, path := range []string{"../cmd/demo/flags.json", "../cmd/roadmap/testdata/check-flags.json"} {
		data, err := os.ReadFile(path)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte(`{"flags": [{"key": "a", "state": "ENABLED"}, {"key": 3}], "key": "top"}`))
	f.Add([]byte(`{"flags": {"a": {"flags": {"b": 1}}}}`))
	f.Add([]byte(`[{"flags": {"a": 1}}]`))
	f.Add([]byte(`{"flags": {`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := 1 + bytes.Count(data, []byte("\n"))
		for key, line := range keyLines(data) {
			assert.True(t, line >= 1 && line <= lines, "key %q at line %d of %d", key, line, lines)
		}
		for _, ptr := range [][]string{{"flags"}, {"flags", "a"}, {"flags", "0", "key"}, {"0"}} {
			line := pointerLine(data, ptr)
			assert.True(t, line >= 0 && line <= lines, "%v at line %d of %d", ptr, line, lines)
		}
		var x any
		if se, ok := json.Unmarshal(data, &x).(*json.SyntaxError); ok {
			line, col := position(data, se.Offset-1)
			assert.True(t, line >= 1 && line <= lines && col >= 1, "syntax error at %d:%d of %d lines", line, col, lines)
		}
		if json.Valid(data) {
			var doc map[string]json.RawMessage // exact key: flagd's schema wants "flags"
			if json.Unmarshal(data, &doc) == nil {
				var m map[string]json.RawMessage
				if json.Unmarshal(doc["flags"], &m) == nil {
					got := keyLines(data)
					for k := range m {
						assert.Contains(t, got, k, "no line for flag %q", k)
					}
				}
			}
		}
	})
}

func TestPointerLine(t *testing.T) {
	data := []byte("{\n  \"flags\": {\n    \"a\": {\"state\": 1},\n    \"b\": [\n      10,\n      {\"x\": true}\n    ]\n  }\n}\n")
	tests := []struct {
		ptr  []string
		want int
	}{
		{nil, 1},
		{[]string{"flags"}, 2},
		{[]string{"flags", "a"}, 3},
		{[]string{"flags", "a", "state"}, 3},
		{[]string{"flags", "b"}, 4},
		{[]string{"flags", "b", "0"}, 5},
		{[]string{"flags", "b", "1", "x"}, 6},
		{[]string{"flags", "c"}, 0},
		{[]string{"flags", "b", "2"}, 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, pointerLine(data, tt.ptr), "%v", tt.ptr)
	}
}
