package main

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/routertest"
)

// TestDemoConformance checks every route of the demo against its stage's
// contract with routertest, flipping each flag through an isolated
// in-memory provider.
func TestDemoConformance(t *testing.T) {
	t.Parallel()
	fl := routertest.NewFlags(t, nil)
	h, cleanup, err := newServer(deps{Flags: fl.Client(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(cleanup)
	c := routertest.New(t, h, routertest.Options{
		Flags:  fl,
		Header: http.Header{"X-User-ID": {"conformance-user"}},
		Params: map[string]string{"id": "42"},
	})
	c.Table(t, routes())
}
