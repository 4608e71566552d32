package router_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"

	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/router"
)

// TestOptInCannotRevealHiddenRoutes: the opt-in header's 400 answers
// (unknown name, too many names) are given only to callers who may see the
// route. A caller the Roadmap predicate rejects, and anyone asking for a
// route that hides when off (OffNotFound), gets exactly what a missing path
// gets, whatever the header says.
func TestOptInCannotRevealHiddenRoutes(t *testing.T) {
	c, _ := memFlags(t, map[string]memprovider.InMemoryFlag{
		"beta-a": boolFlag(false), "secret": boolFlag(false), "plan": boolFlag(false),
	})
	_, srv := servetest.Serve(t, []router.Route{
		{Method: http.MethodGet, Pattern: "/beta", Stage: router.Beta, Flag: "beta-a", Handler: servetest.Served("beta")},
		{Method: http.MethodGet, Pattern: "/secret", Stage: router.Beta, Flag: "secret", Handler: servetest.Served("secret"), Off: router.OffNotFound},
		{Method: http.MethodGet, Pattern: "/plan", Flag: "plan", Handler: servetest.Served("plan"), Name: "Plan"},
	}, router.Config{
		Flags:   c,
		Roadmap: func(r *http.Request) bool { return r.Header.Get("Guest") == "" },
	})
	many := strings.TrimSuffix(strings.Repeat("beta-a, ", 40), ", ")
	tests := []struct {
		name, path string
		hdr        []string
		want       int // 0: like the missing path
	}{
		{name: "guest, unknown name, planned", path: "/plan", hdr: []string{"Guest", "1", "Roadmap-Beta", "nope"}},
		{name: "guest, repeated known name, planned", path: "/plan", hdr: []string{"Guest", "1", "Roadmap-Beta", many}},
		{name: "guest, unknown name, beta", path: "/beta", hdr: []string{"Guest", "1", "Roadmap-Beta", "nope"}},
		{name: "member, unknown name, hidden route", path: "/secret", hdr: []string{"Roadmap-Beta", "nope"}},
		{name: "member, repeated known name, hidden route", path: "/secret", hdr: []string{"Roadmap-Beta", many}},
		{name: "member, unknown name, planned", path: "/plan", hdr: []string{"Roadmap-Beta", "nope"}, want: http.StatusBadRequest},
		{name: "member, repeated known name counts once", path: "/beta", hdr: []string{"Roadmap-Beta", many}, want: http.StatusNotImplemented},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := servetest.Do(t, srv, http.MethodGet, tt.path, tt.hdr...)
			if tt.want != 0 {
				assert.Equal(t, tt.want, got.Status, "got %d, want %d: %s", got.Status, tt.want, got.Body)
				return
			}
			missing := servetest.Do(t, srv, http.MethodGet, "/missing", tt.hdr...)
			assert.Equal(t, missing.Status, got.Status, "got %d, want %d like a missing path: %s", got.Status, missing.Status, got.Body)
			assert.Equal(t, strings.Replace(missing.Body, "/missing", tt.path, 1), got.Body)
			for _, h := range []string{"Content-Type", "Cache-Control", "Allow"} {
				assert.Equal(t, missing.Header.Get(h), got.Header.Get(h), h)
			}
		})
	}
}

// TestDetailOverridesSunsetAnswer: a deprecated route's Detail is the
// message of its 410 once the sunset has passed, as Route.Detail says.
func TestDetailOverridesSunsetAnswer(t *testing.T) {
	_, srv := servetest.Serve(t, []router.Route{{
		Method: http.MethodGet, Pattern: "/v0", Stage: router.Deprecated, Handler: servetest.Served("v0"),
		Deprecation: servetest.Now().AddDate(-2, 0, 0), Sunset: servetest.Now().AddDate(-1, 0, 0),
		Detail: "v0 is gone; see the migration guide.",
	}}, router.Config{})
	got := servetest.Do(t, srv, http.MethodGet, "/v0")
	assert.Equal(t, http.StatusGone, got.Status)
	assert.Equal(t, "v0 is gone; see the migration guide.", servetest.Problem(t, got)["detail"])
}

// TestDuplicateOperationID: operation ids name operations in OpenAPI, where
// they must be unique; a repeated one is a declaration error like any other.
func TestDuplicateOperationID(t *testing.T) {
	_, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/a", Stage: router.Live, Handler: servetest.Served("a"), OperationID: "get"},
		{Method: http.MethodGet, Pattern: "/b", Stage: router.Live, Handler: servetest.Served("b"), OperationID: "get"},
		{Method: http.MethodGet, Pattern: "/c", Stage: router.Live, Handler: servetest.Served("c")},
		{Method: http.MethodGet, Pattern: "/d", Stage: router.Live, Handler: servetest.Served("d")},
	}, router.Config{})
	assert.ErrorIs(t, err, router.ErrDuplicate)
	var re *router.RouteError
	if assert.ErrorAs(t, err, &re) {
		assert.Equal(t, 1, re.Index, "got route %d, want 1", re.Index)
	}
}
