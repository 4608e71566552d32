package lifecycle_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/lifecycle"
)

// TestBrownoutFlagIsReferenced: a deprecated route's brownout flag
// (x-lifecycle brownout) is a flag a route references, not an unused one.
func TestBrownoutFlagIsReferenced(t *testing.T) {
	doc := []byte(`{"openapi": "3.1.0", "info": {"title": "API", "version": "1"}, "paths": {
  "/v0/users": {"get": {"responses": {"default": {"description": "ok"}},
    "x-lifecycle": {"stage": "deprecated", "brownout": "v0-brownout", "deprecation": "2026-01-01T00:00:00Z"}}}}}`)
	flagFile := []byte(`{"flags": {
  "v0-brownout": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"},
  "old-experiment": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}}}`)
	table, err := lifecycle.ReadTable("openapi.json", doc)
	require.NoError(t, err)
	require.Len(t, table.Operations, 1)
	assert.Equal(t, "v0-brownout", table.Operations[0].Brownout)
	flags, err := lifecycle.ReadFlagFile("flags.json", flagFile)
	require.NoError(t, err)
	var unused []string
	for _, f := range lifecycle.Check(context.Background(), table, flags, lifecycle.CheckOptions{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}) {
		if f.Kind == lifecycle.KindUnusedFlag {
			unused = append(unused, f.Flag)
		}
	}
	assert.Equal(t, []string{"old-experiment"}, unused)
}
