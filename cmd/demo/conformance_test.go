package main

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/router"
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

// TestDemoContracts checks every route of the demo that has a handler
// against its own OpenAPI operation with routertest's Contract: the
// request, and the handler's answer with its flag forced on, validated by
// kin-openapi. A beta cannot be switched on while it breaks the contract
// its declaration publishes.
func TestDemoContracts(t *testing.T) {
	t.Parallel()
	fl := routertest.NewFlags(t, nil)
	// The demo's router, as newServer configures it.
	rt, err := router.New(routes(), router.Config{
		Flags: fl.Client(), Context: flags.FromHeader("X-User-ID"), Roadmap: roadmapViewer,
		Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	c := routertest.New(t, rt, routertest.Options{
		Flags:  fl,
		Header: http.Header{"X-User-ID": {"contract-user"}},
		Params: map[string]string{"id": "42"},
	})
	// Writes with a body of their own, besides the zero value of the
	// declared type that Contract sends by default.
	calls := map[string][]routertest.Call{
		"replaceUser": {{}, {Body: UserInput{Name: "Grace"}, Status: http.StatusOK}},
		"patchUser":   {{}, {Body: map[string]any{"name": "Linus"}, Status: http.StatusOK}},
	}
	checked := 0
	for _, r := range routes() {
		if r.Handler == nil {
			continue
		}
		checked++
		t.Run(r.Method+" "+r.Pattern, func(t *testing.T) {
			assert.True(t, c.Contract(t, rt, r, calls[r.OperationID]...))
		})
	}
	assert.Equal(t, 11, checked, "every route with a handler")
}
