package flags_test

// Which flagd fractional rules keep a percentage rollout monotonic (every
// user who is on stays on when the percentage rises)? flagd hashes
// flagKey+targetingKey (or the bucketing expression) with murmur3 to a point
// in [0, 1) and walks the variants in the order they are listed, each taking
// a slice proportional to its weight. docs/rollout.md draws the rules.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	flagd "github.com/open-feature/go-sdk-contrib/providers/flagd/pkg"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/rollouttest"
)

// fracClient starts a flagd in-process provider on a temporary file holding
// flag key with the given targeting rule, under its own domain.
func fracClient(t *testing.T, domain, key, targeting string) *openfeature.Client {
	t.Helper()
	doc := fmt.Sprintf(`{"flags": {%q: {"state": "ENABLED",
		"variants": {"on": true, "off": false, "holdout": false, "canary": true},
		"defaultVariant": "off", "targeting": %s}}}`, key, targeting)
	require.True(t, json.Valid([]byte(doc)), "not JSON: %s", doc)
	path := filepath.Join(t.TempDir(), "flags.json")
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o644))
	p, err := flagd.NewProvider(flagd.WithFileResolver(), flagd.WithOfflineFilePath(path))
	require.NoError(t, err)
	require.NoError(t, openfeature.SetNamedProviderAndWait(domain, p))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(domain, openfeature.NoopProvider{}) })
	return openfeature.NewClient(domain)
}

// fracOn evaluates flag for every key through a fail-closed Gate, as the
// router does, and returns which keys are on.
func fracOn(t *testing.T, client *openfeature.Client, flag string, keys []string) []bool {
	t.Helper()
	g := flags.NewGate(client, flags.Options{Timeout: -1, NoCache: true})
	defer g.Close()
	on := make([]bool, len(keys))
	for i, k := range keys {
		d := g.Evaluate(context.Background(), flag, openfeature.NewEvaluationContext(k, nil))
		require.False(t, d.Failed(), "key %s: evaluation failed: %s", k, d.ErrorCode)
		on[i] = d.On
	}
	return on
}

// TestFractionalBucketingOrder raises a rollout from 10% to 25% in
// different shapes and reports which keep every user that was on at 10%.
// Each step runs on its own provider instance, as after an edit or a
// restart: the hash depends only on the bucketing value.
func TestFractionalBucketingOrder(t *testing.T) {
	frac := func(dist string) string { return `{"fractional": ` + dist + `}` }
	tests := []struct {
		name           string
		beforeKey      string
		before         string
		afterKey       string
		after          string
		wantMonotonic  bool
		wantAfterShare float64
	}{
		{
			name:      "on first, off second",
			beforeKey: "f", before: frac(`[["on", 10], ["off", 90]]`),
			afterKey: "f", after: frac(`[["on", 25], ["off", 75]]`),
			wantMonotonic: true, wantAfterShare: 25,
		},
		{
			name:      "off first, on last",
			beforeKey: "f", before: frac(`[["off", 90], ["on", 10]]`),
			afterKey: "f", after: frac(`[["off", 75], ["on", 25]]`),
			wantMonotonic: true, wantAfterShare: 25,
		},
		{
			name:      "weights that do not sum to 100",
			beforeKey: "f", before: frac(`[["on", 1], ["off", 9]]`),
			afterKey: "f", after: frac(`[["on", 1], ["off", 3]]`),
			wantMonotonic: true, wantAfterShare: 25,
		},
		{
			name:      "order swapped between steps",
			beforeKey: "f", before: frac(`[["on", 10], ["off", 90]]`),
			afterKey: "f", after: frac(`[["off", 75], ["on", 25]]`),
			wantMonotonic: false, wantAfterShare: 25,
		},
		{
			name:      "third variant listed before on grows",
			beforeKey: "f", before: frac(`[["holdout", 5], ["on", 10], ["off", 85]]`),
			afterKey: "f", after: frac(`[["holdout", 10], ["on", 25], ["off", 65]]`),
			wantMonotonic: false, wantAfterShare: 25,
		},
		{
			name:      "third variant listed after on",
			beforeKey: "f", before: frac(`[["on", 10], ["holdout", 5], ["off", 85]]`),
			afterKey: "f", after: frac(`[["on", 25], ["holdout", 5], ["off", 70]]`),
			wantMonotonic: true, wantAfterShare: 25,
		},
		{
			name:      "on-valued canary variant inserted before on",
			beforeKey: "f", before: frac(`[["on", 10], ["off", 90]]`),
			afterKey: "f", after: frac(`[["canary", 5], ["on", 20], ["off", 75]]`),
			wantMonotonic: true, wantAfterShare: 25, // the true-valued prefix still grows
		},
		{
			name:      "flag key renamed",
			beforeKey: "f", before: frac(`[["on", 10], ["off", 90]]`),
			afterKey: "f-v2", after: frac(`[["on", 25], ["off", 75]]`),
			wantMonotonic: false, wantAfterShare: 25,
		},
		{
			name:      "bucketing seed changed",
			beforeKey: "f", before: frac(`[{"cat": ["seed-1", {"var": "targetingKey"}]}, ["on", 10], ["off", 90]]`),
			afterKey: "f", after: frac(`[{"cat": ["seed-2", {"var": "targetingKey"}]}, ["on", 25], ["off", 75]]`),
			wantMonotonic: false, wantAfterShare: 25,
		},
		{
			name:      "explicit bucketing by targeting key, seed kept",
			beforeKey: "f", before: frac(`[{"cat": ["seed-1", {"var": "targetingKey"}]}, ["on", 10], ["off", 90]]`),
			afterKey: "f", after: frac(`[{"cat": ["seed-1", {"var": "targetingKey"}]}, ["on", 25], ["off", 75]]`),
			wantMonotonic: true, wantAfterShare: 25,
		},
	}
	keys := rollouttest.Keys(3000, 7) // 20,000 evaluations per row would take a minute under -race
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fracOn(t, fracClient(t, t.Name()+"/before", tt.beforeKey, tt.before), tt.beforeKey, keys)
			after := fracOn(t, fracClient(t, t.Name()+"/after", tt.afterKey, tt.after), tt.afterKey, keys)
			lost := rollouttest.Lost(before, after)
			on10 := int(rollouttest.Share(before) * float64(len(keys)) / 100)
			t.Logf("on before: %.2f%%, on after: %.2f%%, on before and off after: %d of %d on", rollouttest.Share(before), rollouttest.Share(after), lost, on10)
			assert.InDelta(t, 10, rollouttest.Share(before), 1.5, "share before")
			assert.InDelta(t, tt.wantAfterShare, rollouttest.Share(after), 1.5, "share after")
			if tt.wantMonotonic {
				assert.Zero(t, lost, "got %d users switched off by raising the percentage, want 0", lost)
			} else {
				assert.Greater(t, lost, on10/10, "got %d users switched off, want this shape to break monotonicity", lost)
			}
		})
	}
}
