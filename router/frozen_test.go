package router_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/router"
)

// namedHandler is a comparable handler, so that tables holding it compare
// with assert.Equal.
type namedHandler string

func (h namedHandler) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	_, _ = io.WriteString(w, "served "+string(h))
}

// declObserver records the declarations it is told about.
type declObserver struct {
	mu   sync.Mutex
	seen []router.Route
}

func (o *declObserver) ObserveRequest(r *router.Route, _ router.Stage, _ router.Outcome) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seen = append(o.seen, *r)
}

// TestNewKeepsItsOwnTable changes every declaration of the caller's slice
// after New and checks that nothing the router answers or reports changes:
// Routes, Status, OffAnswerOf, the answers and what an Observer is told.
func TestNewKeepsItsOwnTable(t *testing.T) {
	declare := func() []router.Route {
		return []router.Route{
			{Method: http.MethodGet, Pattern: "/plain/{id}", Stage: router.Live, Handler: namedHandler("plain"), Name: "Plain"},
			{Method: http.MethodPost, Pattern: "/plain/{id}", Stage: router.Beta, Flag: "on-beta", Handler: namedHandler("beta")},
			{Method: http.MethodPut, Pattern: "/plain/{id}", Flag: "off-put", Handler: namedHandler("put"), Available: "v2", Docs: "https://example.com/put"},
			{Method: http.MethodDelete, Pattern: "/plain/{id}", Stage: router.Removed, Name: "Delete"},
			{Method: http.MethodHead, Pattern: "/head", Stage: router.Live, Handler: namedHandler("head")},
			{Method: http.MethodGet, Pattern: "/old", Stage: router.Deprecated, Handler: namedHandler("old"),
				Deprecation: servetest.Deprecation(), Sunset: servetest.Sunset(), Successor: "/new", OperationID: "getOld"},
			// Deprecated routes whose declaration the entry gives back.
			{Method: http.MethodPut, Pattern: "/old", Stage: router.Deprecated, Handler: namedHandler("put old"), Name: "Put old",
				Deprecation: servetest.Deprecation().In(time.FixedZone("CET", 3600)), Sunset: servetest.Sunset(), Docs: "https://example.com/old", Successor: "/new"},
			{Method: http.MethodDelete, Pattern: "/old", Stage: router.Deprecated, Handler: namedHandler("delete old"), Deprecation: servetest.Deprecation()},
			{Method: http.MethodPatch, Pattern: "/off", Off: router.OffForbidden, Detail: "Soon.", Name: "Off"},
			{Method: http.MethodPost, Pattern: "/off", Flag: "off-post", Handler: namedHandler("post"), OffHandler: namedHandler("custom off")},
		}
	}
	requests := []struct{ method, path string }{
		{"GET", "/plain/1"}, {"HEAD", "/plain/1"}, {"POST", "/plain/1"}, {"PUT", "/plain/1"}, {"DELETE", "/plain/1"},
		{"PATCH", "/plain/1"}, {"HEAD", "/head"}, {"GET", "/head"}, {"GET", "/old"}, {"PUT", "/old"}, {"DELETE", "/old"}, {"PATCH", "/off"}, {"POST", "/off"},
		{"GET", "/mutated"},
	}
	type answer struct {
		status int
		header http.Header
		body   string
	}
	answers := func(rt *router.Router) []answer {
		var out []answer
		for _, q := range requests {
			w := httptest.NewRecorder()
			rt.ServeHTTP(w, httptest.NewRequest(q.method, q.path, nil))
			out = append(out, answer{w.Code, w.Header(), w.Body.String()})
		}
		return out
	}
	tests := []struct {
		name     string
		observer bool
	}{
		{name: "without observer"},
		{name: "with observer", observer: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes := declare()
			want := declare()
			cfg := router.Config{Flags: &fakeFlags{on: prefixed("on"), reason: openfeature.StaticReason}, Now: servetest.Now}
			var obs *declObserver
			if tt.observer {
				obs = &declObserver{}
				cfg.Observer = obs
			}
			rt, err := router.New(routes, cfg)
			require.NoError(t, err)
			t.Cleanup(rt.Close)
			before := answers(rt)

			for i := range routes {
				routes[i] = router.Route{Method: http.MethodGet, Pattern: "/mutated", Stage: router.Removed, Name: "mutated",
					Detail: "mutated", Docs: "https://example.com/mutated", Off: router.OffNotFound}
			}

			assert.Equal(t, want, rt.Routes())
			var status []router.Route
			for _, s := range rt.Status(httptest.NewRequest(http.MethodGet, "/", nil)) {
				status = append(status, s.Route)
			}
			assert.Equal(t, want, status)
			for _, r := range want {
				mode, custom, ok := rt.OffAnswerOf(r.Method, r.Pattern)
				assert.True(t, ok, "%s %s: got ok false, want true", r.Method, r.Pattern)
				wantMode := r.Off
				if wantMode == router.OffInherit {
					wantMode = router.OffNotImplemented
				}
				assert.Equal(t, wantMode, mode, "%s %s", r.Method, r.Pattern)
				assert.Equal(t, r.OffHandler != nil, custom, "%s %s", r.Method, r.Pattern)
			}
			_, _, ok := rt.OffAnswerOf(http.MethodGet, "/mutated")
			assert.False(t, ok, "got ok true for a pattern declared only after New, want false")
			assert.Equal(t, before, answers(rt))
			if tt.observer {
				obs.mu.Lock()
				defer obs.mu.Unlock()
				require.NotEmpty(t, obs.seen)
				for _, r := range obs.seen {
					assert.True(t, slices.ContainsFunc(want, func(w router.Route) bool { return assert.ObjectsAreEqual(w, r) }),
						"observer got %s %s, not a declared route", r.Method, r.Pattern)
				}
			}
		})
	}
}
