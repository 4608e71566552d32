package router_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/internal/logtest"
	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/router"
)

// TestUserCodePanics: a panicking ContextFunc or Config.Roadmap predicate
// never turns into a 500. The gated route answers as if its flag were off,
// the predicate's caller is treated as one who may not see the roadmap
// (a hidden route answers like a missing one), live routes are unaffected,
// Status reports CONTEXT_PANIC, and each place is logged once.
func TestUserCodePanics(t *testing.T) {
	client, _ := memFlags(t, nil) // the flag is never evaluated: the ContextFunc panics first
	var logs logtest.Buffer
	rt, srv := servetest.Serve(t, []router.Route{
		{Method: http.MethodPatch, Pattern: "/items/{id}", Stage: router.Beta, Flag: "items-patch", Name: "Item patch", Handler: servetest.Served("patch")},
		{Method: http.MethodGet, Pattern: "/items/{id}", Stage: router.Live, Handler: servetest.Served("get")},
		{Method: http.MethodPost, Pattern: "/reports", Stage: router.Planned, Name: "Reports"},
	}, router.Config{
		Flags:   client,
		Context: func(r *http.Request) openfeature.EvaluationContext { panic("ContextFunc bug") },
		Roadmap: func(r *http.Request) bool {
			if r.Header.Get("Panic") != "" {
				panic("predicate bug")
			}
			return true
		},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})

	tests := []struct {
		name   string
		method string
		path   string
		hdr    []string
		want   int
	}{
		{name: "ContextFunc panics: off", method: http.MethodPatch, path: "/items/1", want: http.StatusNotImplemented},
		{name: "live route unaffected", method: http.MethodGet, path: "/items/1", want: http.StatusOK},
		{name: "predicate panics: planned route hidden", method: http.MethodPost, path: "/reports", hdr: []string{"Panic", "1"}, want: http.StatusNotFound},
		{name: "predicate panics: Allow lists public methods", method: http.MethodDelete, path: "/items/1", hdr: []string{"Panic", "1"}, want: http.StatusMethodNotAllowed},
		{name: "predicate fine: planned route 501", method: http.MethodPost, path: "/reports", want: http.StatusNotImplemented},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 3 {
				got := servetest.Do(t, srv, tt.method, tt.path, tt.hdr...)
				require.Equal(t, tt.want, got.Status, "body: %s", got.Body)
				if tt.want == http.StatusMethodNotAllowed {
					assert.Equal(t, "GET, HEAD", got.Header.Get("Allow"))
				}
			}
		})
	}

	status := rt.Status(httptest.NewRequest(http.MethodGet, "/", nil))
	assert.Equal(t, router.ContextPanicCode, status[0].Decision.ErrorCode)
	assert.False(t, status[0].Serving)

	out := logs.String()
	assert.Equal(t, 1, strings.Count(out, "ContextFunc of PATCH /items/{id}"), "logged once:\n%s", out)
	assert.Equal(t, 1, strings.Count(out, "in=Config.Roadmap"), "logged once:\n%s", out)
	assert.Contains(t, out, "predicate bug")
}
