package stub

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceProblem renders p the way New did before appendProblem: two
// json.Marshal calls spliced around "instance".
func referenceProblem(t *testing.T, p Problem) (prefix, suffix []byte) {
	t.Helper()
	head := struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail,omitempty"`
	}{p.Type, p.Title, p.Status, p.Detail}
	tail := struct {
		Stage     string `json:"stage,omitempty"`
		Route     string `json:"route,omitempty"`
		Available string `json:"available,omitempty"`
		Docs      string `json:"docs,omitempty"`
	}{p.Stage, p.Route, p.Available, p.Docs}
	hb, err := json.Marshal(head)
	require.NoError(t, err)
	tb, err := json.Marshal(tail)
	require.NoError(t, err)
	prefix = append(hb[:len(hb)-1:len(hb)-1], `,"instance":"`...)
	suffix = []byte(`"`)
	if len(tb) > 2 {
		suffix = append(suffix, ',')
		suffix = append(suffix, tb[1:]...)
	} else {
		suffix = append(suffix, '}')
	}
	return prefix, append(suffix, '\n')
}

var renderSeeds = []string{
	"", "plain", `quote " and backslash \`, "<script>&amp;</script>", "tab\tnew\nline\rret",
	"\b\f\x00\x01\x1f\x7f", "héllo wörld ✓ 🚀", "\u2028\u2029", "bad \xff\xfe utf8 \xc3", "\xe2\x80",
	"https://example.com/docs?a=1&b=<2>", "PATCH /api/users/{id}",
}

func TestAppendProblemMatchesEncodingJSON(t *testing.T) {
	tests := []struct {
		name string
		p    Problem
	}{
		{name: "minimal", p: Problem{Status: 501, Type: "about:blank", Title: "Not Implemented"}},
		{name: "all members", p: Problem{Status: 501, Type: "about:blank", Title: "Not Implemented", Detail: "Report export is not yet available.",
			Stage: "planned", Route: "PUT /api/reports/export", Available: "v2.0", Docs: "https://example.com/docs?a=1&b=2"}},
		{name: "tail only", p: Problem{Status: 410, Type: "t", Title: "Gone", Stage: "removed"}},
		{name: "detail only", p: Problem{Status: 404, Type: "t", Title: "Not Found", Detail: "No <resource>."}},
	}
	for _, s := range renderSeeds {
		tests = append(tests, struct {
			name string
			p    Problem
		}{name: "seed " + s, p: Problem{Status: 599, Type: s, Title: s, Detail: s, Stage: s, Route: s, Available: s, Docs: s}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPrefix, wantSuffix := referenceProblem(t, tt.p)
			body, mid := appendProblem(&tt.p)
			gotPrefix, gotSuffix := body[:mid], body[mid:]
			assert.Equal(t, string(wantPrefix), string(gotPrefix))
			assert.Equal(t, string(wantSuffix), string(gotSuffix))
		})
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range renderSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}

// TestSafePrefix checks the word-at-a-time scan against safeBytes for every
// byte value at every position of the first two words and the tail.
func TestSafePrefix(t *testing.T) {
	const safe = "abcdefghijklmnopqrst" // 20 safe bytes: two words and a tail
	for c := range 256 {
		for at := range len(safe) {
			s := []byte(safe)
			s[at] = byte(c)
			want := len(safe)
			if safeBytes[c] == 0 {
				want = at
			}
			if got := safePrefix(string(s)); got != want {
				t.Fatalf("safePrefix with %#x at %d = %d, want %d", c, at, got, want)
			}
		}
	}
	assert.Equal(t, 0, safePrefix(""))
}
