package lifecycle_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/lifecycle"
)

// TestJudge reads one flag per row: static where the rules decide, sampled
// with flagd's evaluator where they do not.
func TestJudge(t *testing.T) {
	tests := []struct {
		name      string
		state     string
		dflt      string
		targeting string
		want      lifecycle.Verdict
	}{
		{"default on", "ENABLED", "on", "", lifecycle.Verdict{Reach: lifecycle.Everyone, How: "static"}},
		{"default off", "ENABLED", "off", "", lifecycle.Verdict{Reach: lifecycle.Nobody, How: "static"}},
		{"disabled", "DISABLED", "on", "", lifecycle.Verdict{Reach: lifecycle.Nobody, How: "static"}},
		{"empty targeting", "ENABLED", "on", `{}`, lifecycle.Verdict{Reach: lifecycle.Everyone, How: "static"}},
		{"fractional 100/0", "ENABLED", "off", `{"fractional": [["on", 100], ["off", 0]]}`, lifecycle.Verdict{Reach: lifecycle.Everyone, How: "static"}},
		{"fractional with bucketing", "ENABLED", "off", `{"fractional": [{"var": "email"}, ["on", 1], ["on", 2]]}`, lifecycle.Verdict{Reach: lifecycle.Everyone, How: "static"}},
		{"fractional 0/100", "ENABLED", "on", `{"fractional": [["on", 0], ["off", 100]]}`, lifecycle.Verdict{Reach: lifecycle.Nobody, How: "static"}},
		{"if all on", "ENABLED", "off", `{"if": [{"==": [{"var": "a"}, 1]}, "on", {"var": "b"}, "on", "on"]}`, lifecycle.Verdict{Reach: lifecycle.Everyone, How: "static"}},
		{"if without else falls to default", "ENABLED", "on", `{"if": [{"var": "a"}, "on"]}`, lifecycle.Verdict{Reach: lifecycle.Everyone, How: "static"}},
		{"if nested", "ENABLED", "off", `{"if": [{"var": "a"}, {"fractional": [["on", 50], ["on", 50]]}, "on"]}`, lifecycle.Verdict{Reach: lifecycle.Everyone, How: "static"}},
		{"opaque, on for all samples", "ENABLED", "off", `{"if": [{"!=": [{"var": "targetingKey"}, "x-never"]}, "on", "off"]}`,
			lifecycle.Verdict{Reach: lifecycle.Everyone, How: "sampled", Samples: 50, On: 50}},
		{"opaque, nobody", "ENABLED", "off", `{"if": [{"==": [{"var": "targetingKey"}, "x-never"]}, "on", "off"]}`,
			lifecycle.Verdict{Reach: lifecycle.Nobody, How: "sampled", Samples: 50}},
		{"opaque, anonymous only off", "ENABLED", "off", `{"if": [{"var": "targetingKey"}, "on", "off"]}`,
			lifecycle.Verdict{Reach: lifecycle.Some, How: "sampled", Samples: 50, On: 49}},
		{"computed variant", "ENABLED", "off", `{"if": [true, {"var": "v"}, "off"]}`,
			lifecycle.Verdict{Reach: lifecycle.Nobody, How: "sampled", Samples: 50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			targeting := ""
			if tt.targeting != "" {
				targeting = `, "targeting": ` + tt.targeting
			}
			file := fmt.Sprintf(`{"flags": {"f": {"state": %q, "variants": {"on": true, "off": false}, "defaultVariant": %q%s}}}`, tt.state, tt.dflt, targeting)
			flags, err := lifecycle.ReadFlagFile("flags.json", []byte(file))
			require.NoError(t, err)
			assert.Equal(t, tt.want, flags.Judge(t.Context(), "f", 50))
		})
	}
}

func TestJudgeFractionalSplit(t *testing.T) {
	flags, err := lifecycle.ReadFlagFile("flags.json", []byte(`{"flags": {"f": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
		"targeting": {"fractional": [["on", 50], ["off", 50]]}}}}`))
	require.NoError(t, err)
	v := flags.Judge(t.Context(), "f", 400)
	assert.Equal(t, lifecycle.Some, v.Reach)
	assert.Equal(t, "sampled", v.How)
	assert.InDelta(t, 200, v.On, 60, "a 50/50 split is on for about half the samples")
}

func TestJudgeMissingAndType(t *testing.T) {
	flags, err := lifecycle.ReadFlagFile("flags.json", []byte(`{"flags": {"s": {"state": "ENABLED", "variants": {"a": "x"}, "defaultVariant": "a"}}}`))
	require.NoError(t, err)
	assert.Equal(t, lifecycle.Verdict{Reach: lifecycle.Unknown, How: "static", Missing: true}, flags.Judge(t.Context(), "nope", 10))
	assert.Equal(t, lifecycle.Verdict{Reach: lifecycle.Unknown, How: "static", Kind: "string"}, flags.Judge(t.Context(), "s", 10))
}
