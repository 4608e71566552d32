package stub_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/stub"
)

func TestTypes(t *testing.T) {
	seen := map[string]bool{}
	for _, uri := range stub.Types() {
		assert.True(t, strings.HasPrefix(uri, stub.TypeBase), uri)
		assert.False(t, seen[uri], "duplicate %s", uri)
		seen[uri] = true
		title, ok := stub.TypeTitle(uri)
		require.True(t, ok)
		assert.NotEmpty(t, title)
	}
	_, ok := stub.TypeTitle("about:blank")
	assert.False(t, ok)
}

func TestTyped(t *testing.T) {
	tests := []struct {
		name      string
		p         stub.Problem
		uri       string
		wantTitle string
	}{
		{name: "the type's title", p: stub.Problem{Status: 501}, uri: stub.TypeNotYetAvailable, wantTitle: "Not yet available"},
		{name: "a title of its own is kept", p: stub.Problem{Status: 501, Title: "Soon"}, uri: stub.TypeNotYetAvailable, wantTitle: "Soon"},
		{name: "an unknown type keeps the status text", p: stub.Problem{Status: 409}, uri: "https://example.com/conflict", wantTitle: "Conflict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := stub.New(stub.Typed(tt.p, tt.uri)).Body("/x")
			var m map[string]any
			require.NoError(t, json.Unmarshal(body, &m))
			assert.Equal(t, tt.uri, m["type"])
			assert.Equal(t, tt.wantTitle, m["title"])
		})
	}
}
