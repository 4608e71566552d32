package openapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/openapi"
	"github.com/roadmap-go/roadmap/router"
)

// TestDocumentedOffAnswer: an off route is documented with the answer it
// really gives: 501 by default, 403 with OffForbidden (per route or from
// Config.Off), the handler's answer with an OffHandler.
func TestDocumentedOffAnswer(t *testing.T) {
	teapot := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	tests := []struct {
		name     string
		route    router.Route
		cfg      router.Config
		want     string
		wantNone string
	}{
		{name: "default 501", route: router.Route{}, want: "501", wantNone: "403"},
		{name: "route forbidden", route: router.Route{Off: router.OffForbidden}, want: "403", wantNone: "501"},
		{name: "config forbidden", cfg: router.Config{Off: router.OffForbidden}, want: "403", wantNone: "501"},
		{name: "route says 501 over config", route: router.Route{Off: router.OffNotImplemented}, cfg: router.Config{Off: router.OffForbidden}, want: "501", wantNone: "403"},
		{name: "off handler", route: router.Route{OffHandler: teapot}, want: "default", wantNone: "501"},
		{name: "config off handler", cfg: router.Config{OffHandler: teapot}, want: "default", wantNone: "501"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.route
			r.Method, r.Pattern, r.OperationID, r.Name = http.MethodPut, "/export", "export", "Export"
			rt, err := router.New([]router.Route{r}, tt.cfg)
			require.NoError(t, err)
			t.Cleanup(rt.Close)
			op := openapi.Document(rt, openapi.Options{}).Paths.Value("/export").Put
			require.NotNil(t, op)
			assert.NotNil(t, op.Responses.Value(tt.want), "got no %s response", tt.want)
			assert.Nil(t, op.Responses.Value(tt.wantNone), "got a %s response", tt.wantNone)
		})
	}
}
