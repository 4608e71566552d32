package router_test

import (
	"net/http"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/router"
)

// TestNoRouteAttributes: with Config.NoRouteAttributes the provider sees
// the ContextFunc's context alone, plus the opt-ins when there are some;
// without it, the route attributes too.
func TestNoRouteAttributes(t *testing.T) {
	seen := make(chan openfeature.FlattenedContext, 1)
	client := targetedClient(t, func(fc openfeature.FlattenedContext) bool {
		seen <- fc
		return true
	})
	routes := []router.Route{{Method: http.MethodPatch, Pattern: "/items/{id}", Stage: router.Beta, Flag: "f", Name: "Item patch", Handler: servetest.Served("patch")}}
	tests := []struct {
		name   string
		noAttr bool
		hdr    []string
		want   openfeature.FlattenedContext
	}{
		{name: "route attributes by default", hdr: []string{"X-User-ID", "ada"}, want: openfeature.FlattenedContext{
			openfeature.TargetingKey: "ada", router.AttrRoute: "Item patch", router.AttrMethod: "PATCH",
			router.AttrPattern: "/items/{id}", router.AttrStage: "beta", router.AttrOptIn: []any{}}},
		{name: "none: the targeting key alone", noAttr: true, hdr: []string{"X-User-ID", "ada"},
			want: openfeature.FlattenedContext{openfeature.TargetingKey: "ada"}},
		{name: "none but the opt-ins", noAttr: true, hdr: []string{"X-User-ID", "ada", router.DefaultOptInHeader, "f"},
			want: openfeature.FlattenedContext{openfeature.TargetingKey: "ada", router.AttrOptIn: []any{"f"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := servetest.Serve(t, routes, router.Config{Flags: client, Context: flags.FromHeader("X-User-ID"), NoRouteAttributes: tt.noAttr})
			got := servetest.Do(t, srv, http.MethodPatch, "/items/1", tt.hdr...)
			require.Equal(t, http.StatusOK, got.Status, "body: %s", got.Body)
			assert.Equal(t, tt.want, <-seen)
		})
	}
}
