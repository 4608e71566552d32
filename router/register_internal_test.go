package router

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSharedPaths(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		want     []bool
	}{
		{name: "literal patterns", patterns: []string{"/users", "/users/me", "/"}, want: []bool{false, false, false}},
		{name: "parameter and literal on one path", patterns: []string{"/users/me", "/users/{id}", "/users"}, want: []bool{true, true, false}},
		{name: "different literal segment", patterns: []string{"/orgs/{org}/repos", "/orgs/{org}/teams", "/orgs/{org}"}, want: []bool{false, false, false}},
		{name: "parameters in different segments", patterns: []string{"/a/{x}/c", "/a/b/{y}", "/a/b/d/e"}, want: []bool{true, true, false}},
		{name: "parameter with suffix", patterns: []string{"/files/{name}.json", "/files/{name}", "/files/{name}/raw"}, want: []bool{true, true, false}},
		{name: "parameter and empty segment", patterns: []string{"/a/{x}/b", "/a//b"}, want: []bool{true, true}},
		{name: "three in one run", patterns: []string{"/a/{x}", "/b/{x}", "/a/{x}.j", "/a/{x}.k"}, want: []bool{true, false, true, true}},
		{name: "literal matched by two layouts", patterns: []string{"/a/b", "/{x}/b", "/a/{y}", "/c/d"}, want: []bool{true, true, true, false}},
		{name: "wildcard shares with its prefix", patterns: []string{"/files/*", "/files", "/files/{id}", "/filesystem", "/other"}, want: []bool{true, true, true, false, false}},
		{name: "regular expression", patterns: []string{"/r/{id:[0-9]+}", "/r/new", "/s/{id}"}, want: []bool{true, true, false}},
		{name: "root wildcard shares with all", patterns: []string{"/*", "/a", "/b/{c}"}, want: []bool{true, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, sharedPaths(tt.patterns))
		})
	}
}

func TestSharedPathsLimits(t *testing.T) {
	var many []string
	for i := range maxOddPatterns + 1 {
		many = append(many, fmt.Sprintf("/odd%d/*", i))
	}
	many = append(many, "/plain")
	for k, shared := range sharedPaths(many) {
		assert.True(t, shared, "pattern %q: got false, want true past the limit", many[k])
	}

	var layouts []string // maxMasks+1 layouts of 6 segments
	for i := range maxMasks + 1 {
		segs := []string{"a", "b", "c", "d", "e", "f"}
		for bit := range 6 {
			if (i+1)&(1<<bit) != 0 {
				segs[bit] = "{p}"
			}
		}
		layouts = append(layouts, "/"+strings.Join(segs, "/"))
	}
	for k, shared := range sharedPaths(layouts) {
		assert.True(t, shared, "pattern %q: got false, want true past the limit", layouts[k])
	}
}

// regFlags switches on the flags whose name starts with "on".
type regFlags struct{}

func (regFlags) BooleanValueDetails(_ context.Context, flag string, _ bool, _ openfeature.EvaluationContext, _ ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error) {
	return openfeature.BooleanEvaluationDetails{Value: strings.HasPrefix(flag, "on"), EvaluationDetails: openfeature.EvaluationDetails{
		FlagKey: flag, FlagType: openfeature.Boolean, ResolutionDetail: openfeature.ResolutionDetail{Reason: openfeature.StaticReason},
	}}, nil
}

// echoRoute answers with the route context chi and the router give it.
var echoRoute = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	rctx := chi.RouteContext(r.Context())
	fmt.Fprintf(w, "%s %s pattern=%q params=%q/%q", r.Method, rctx.RoutePattern(), r.Pattern, rctx.URLParams.Keys, rctx.URLParams.Values)
})

// allMethodsMux registers every path handler of rt for every method, as
// the router did before it registered only the methods a pattern serves:
// the reference the registration must answer like.
func allMethodsMux(rt *Router) *chi.Mux {
	mux := chi.NewRouter()
	mux.NotFound(rt.notFound.ServeHTTP)
	mux.MethodNotAllowed(rt.notFound.ServeHTTP)
	for k := range rt.paths {
		mux.Handle(rt.paths[k].pattern, rt.paths[k])
	}
	return mux
}

// answer is everything a request observes: the response, and the route
// context and request a parent router sees afterwards.
type answer struct {
	status  int
	header  http.Header
	body    string
	after   string
	pattern string
}

func serveRecorded(h http.Handler, method, target string, mounted bool, see bool) answer {
	r := httptest.NewRequest(method, target, nil)
	if see {
		r.Header.Set("Roadmap-See", "yes")
	}
	rctx := chi.NewRouteContext()
	if mounted { // as a parent router that mounted the router at "/" leaves it
		rctx.RoutePatterns = []string{"/*"}
		rctx.URLParams.Add("*", strings.TrimPrefix(r.URL.Path, "/"))
		rctx.RoutePath = r.URL.Path
		r = r.WithContext(context.WithValue(r.Context(), chi.RouteCtxKey, rctx))
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	a := answer{status: w.Code, header: w.Header(), body: w.Body.String(), pattern: r.Pattern}
	if mounted {
		a.after = fmt.Sprintf("%q %q/%q %q", rctx.RoutePattern(), rctx.URLParams.Keys, rctx.URLParams.Values, r.PathValue("id"))
	}
	return a
}

// checkRegistration compares the router built from routes with the same
// router registered for every method, on every method and path given.
func checkRegistration(t *testing.T, routes []Route, paths []string) {
	t.Helper()
	cfg := Config{Flags: regFlags{}, Roadmap: func(r *http.Request) bool { return r.Header.Get("Roadmap-See") != "" }}
	rt, err := New(routes, cfg)
	if err != nil {
		return // the table is invalid: nothing is registered
	}
	defer rt.Close()
	ref, err := New(routes, cfg)
	require.NoError(t, err)
	defer ref.Close()
	ref.mux = allMethodsMux(ref)
	methods := append(methodNames[:], "QUERY", "BREW")
	for _, path := range paths {
		for _, m := range methods {
			for _, mounted := range []bool{false, true} {
				for _, see := range []bool{false, true} {
					got := serveRecorded(rt, m, path, mounted, see)
					want := serveRecorded(ref, m, path, mounted, see)
					if !assert.Equal(t, want, got, "%s %s mounted=%v see=%v", m, path, mounted, see) {
						return
					}
				}
			}
		}
	}
}

func TestRegistrationAnswersLikeAllMethods(t *testing.T) {
	tests := []struct {
		name   string
		routes []Route
		paths  []string
	}{
		{
			name: "shared path: static and parameter",
			routes: []Route{
				{Method: http.MethodGet, Pattern: "/users/me", Stage: Live, Handler: echoRoute},
				{Method: http.MethodGet, Pattern: "/users/{id}", Stage: Live, Handler: echoRoute},
				{Method: http.MethodDelete, Pattern: "/users/{id}", Stage: Live, Handler: echoRoute},
				{Method: http.MethodPost, Pattern: "/users", Stage: Beta, Flag: "off-create", Handler: echoRoute},
			},
			paths: []string{"/users/me", "/users/42", "/users", "/users/", "/nope", "/users/me/x"},
		},
		{
			name: "every stage, hidden routes, HEAD",
			routes: []Route{
				{Method: http.MethodGet, Pattern: "/r/{id}", Stage: Live, Handler: echoRoute},
				{Method: http.MethodPut, Pattern: "/r/{id}", Flag: "off-put", Handler: echoRoute, Off: OffNotFound},
				{Method: http.MethodPatch, Pattern: "/r/{id}", Stage: Beta, Flag: "on-patch", Handler: echoRoute},
				{Method: http.MethodDelete, Pattern: "/r/{id}", Stage: Removed},
				{Method: http.MethodPost, Pattern: "/hidden", Flag: "off-hidden", Handler: echoRoute, Off: OffNotFound},
				{Method: http.MethodGet, Pattern: "/old/{id}", Stage: Deprecated, Handler: echoRoute, Deprecation: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
				{Method: http.MethodHead, Pattern: "/head", Stage: Live, Handler: echoRoute},
				{Method: http.MethodOptions, Pattern: "/head", Stage: Planned},
			},
			paths: []string{"/r/1", "/r/", "/hidden", "/old/7", "/head", "/r/1/2", "/%72/1", "/r/a%2Fb"},
		},
		{
			name: "wildcard and regular expression",
			routes: []Route{
				{Method: http.MethodGet, Pattern: "/files/*", Stage: Live, Handler: echoRoute},
				{Method: http.MethodPost, Pattern: "/files/new", Stage: Live, Handler: echoRoute},
				{Method: http.MethodGet, Pattern: "/n/{id:[0-9]+}", Stage: Live, Handler: echoRoute},
				{Method: http.MethodPut, Pattern: "/n/latest", Stage: Live, Handler: echoRoute},
				{Method: http.MethodGet, Pattern: "/other/{x}", Stage: Live, Handler: echoRoute},
			},
			paths: []string{"/files/a/b", "/files/new", "/files", "/n/12", "/n/latest", "/n/x", "/other/1", "/other"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkRegistration(t, tt.routes, tt.paths)
		})
	}
}

// FuzzRegistration builds tables of patterns from a few segments that
// overlap in every way, and checks that the router answers every method on
// every path like the same router registered for every method.
func FuzzRegistration(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3}, []byte{1, 2})
	f.Add([]byte{4, 5, 6, 7, 8, 9, 10}, []byte{3, 4, 5, 6})
	f.Add([]byte{11, 12, 13, 14, 15, 16, 17, 18}, []byte{0, 7, 8, 9, 10, 11})
	f.Add([]byte{2, 40, 66, 200, 17, 91}, []byte{12, 13, 14})
	// "{}" becomes a parameter named after its segment, so that no two
	// patterns spell one shape differently.
	segments := []string{"users", "me", "{}", "{}.json", "", "a{}", "posts", "{}"}
	pathSegments := []string{"users", "me", "42", "42.json", "", "ax", "posts", "a.json"}
	f.Fuzz(func(t *testing.T, table, requests []byte) {
		if len(table) > 24 || len(requests) > 24 {
			return
		}
		var routes []Route
		seen := map[string]bool{}
		for i, b := range table {
			// One to three segments, a method and a stage from one byte
			// and its position.
			n := 1 + int(b)%3
			var sb strings.Builder
			for j := range n {
				seg := segments[(int(b)>>2+j*(i+1))%len(segments)]
				sb.WriteString("/" + strings.Replace(seg, "{}", fmt.Sprintf("{p%d}", j), 1))
			}
			r := Route{Method: methodNames[(int(b)>>3+i)%numMethods], Pattern: sb.String(), Stage: Live, Handler: echoRoute}
			if seen[r.id()] {
				continue
			}
			seen[r.id()] = true
			switch i % 5 {
			case 1:
				r.Stage, r.Flag = Beta, "off-b"
			case 2:
				r.Stage, r.Handler, r.Off = Planned, nil, OffNotFound
			case 3:
				r.Stage, r.Handler = Removed, nil
			}
			routes = append(routes, r)
		}
		var paths []string
		for i, b := range requests {
			n := 1 + int(b)%4
			var sb strings.Builder
			for j := range n {
				sb.WriteString("/" + pathSegments[(int(b)>>2+j*(i+3))%len(pathSegments)])
			}
			paths = append(paths, sb.String())
		}
		checkRegistration(t, routes, paths)
	})
}
