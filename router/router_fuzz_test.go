package router_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/router"
)

// fuzzAnswers are the only statuses a router may answer with, besides the
// handlers' own (fuzzOK).
var fuzzAnswers = map[int]bool{
	fuzzOK:                      true,
	http.StatusBadRequest:       true, // bad opt-in header
	http.StatusForbidden:        true, // OffForbidden
	http.StatusNotFound:         true,
	http.StatusMethodNotAllowed: true,
	http.StatusGone:             true,
	http.StatusNotImplemented:   true,
}

const fuzzOK = http.StatusNoContent

var fuzzHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(fuzzOK) })

var fuzzSentinels = []error{
	router.ErrDuplicate, router.ErrNoHandler, router.ErrNoFlag, router.ErrUnreachable,
	router.ErrHandlerNotAllowed, router.ErrPattern, router.ErrMethod, router.ErrStage,
	router.ErrDates, router.ErrLink, router.ErrNoFlags, router.ErrConfig,
}

// fuzzParam matches chi parameters, to turn a pattern into a request path.
var fuzzParam = regexp.MustCompile(`\{[^}]*\}`)

// FuzzNew builds routers from arbitrary declarations: New never panics, every
// error it returns is a *RouteError wrapping one of the sentinels, and a
// router it builds serves requests to its own patterns without panicking,
// with one of the defined answers. Seeds are in testdata/fuzz/FuzzNew.
func FuzzNew(f *testing.F) {
	f.Add("GET", "/api/users/{id}", 2, "", int64(0), int64(0), int64(0), true, "PUT", "/api/users/{id}", 0, "users-write", true)
	f.Add("PATCH", "/api/users/{id}", 1, "users-patch", int64(0), int64(0), int64(0), true, "GET", "/api/v0/users/{id}", 3, "", true)
	f.Add("GET", "/v0", 3, "", int64(1767225600), int64(1893456000), int64(0), true, "GET", "/v0/old", 4, "", false)
	f.Add("GET", "/v0", 3, "", int64(1893456000), int64(1767225600), int64(0), true, "get", "/x", 0, "", false)
	f.Add("PUT", "/r/{id:[0-9]+}", 0, "errflag", int64(0), int64(0), int64(1), true, "PUT", "/r/{id}", 1, "", true)
	f.Add("BREW", "/{a}/{a}", 7, "f", int64(-1), int64(0), int64(0), false, "GET", "/*", 2, "", true)
	f.Add("GET", "/a/{x:(}", 2, "", int64(0), int64(0), int64(0), true, "POST", "no-slash", 2, "", true)

	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, m1, p1 string, s1 int, f1 string, dep, sun, live int64, h1 bool, m2, p2 string, s2 int, f2 string, on bool) {
		unix := func(s int64) time.Time {
			if s == 0 {
				return time.Time{}
			}
			return time.Unix(s%(1<<34), 0)
		}
		handler := func(ok bool) http.Handler {
			if ok {
				return fuzzHandler
			}
			return nil
		}
		routes := []router.Route{
			{Method: m1, Pattern: p1, Stage: router.Stage(s1), Flag: f1, Handler: handler(h1),
				Deprecation: unix(dep), Sunset: unix(sun), LiveFrom: unix(live), Name: f1, Docs: p2},
			{Method: m2, Pattern: p2, Stage: router.Stage(s2), Flag: f2, Handler: handler(h1 || s2 != 4),
				Off: router.OffAnswer(s2 % 4), Successor: p1},
		}
		rt, err := router.New(routes, router.Config{
			Flags: &fakeFlags{on: func(string) bool { return on }, fail: prefixed("err")}, Now: func() time.Time { return now },
			Roadmap: func(r *http.Request) bool { return r.Header.Get("Staff") != "" },
		})
		if err != nil {
			for _, e := range unjoin(err) {
				var re *router.RouteError
				require.ErrorAs(t, e, &re)
				require.True(t, isSentinel(e), "error wraps no sentinel: %v", e)
			}
			return
		}
		defer rt.Close()
		for _, r := range routes {
			path := fuzzParam.ReplaceAllString(r.Pattern, "x")
			path = strings.ReplaceAll(path, "*", "rest")
			for _, m := range []string{r.Method, http.MethodHead, http.MethodOptions, "BREW"} {
				for _, staff := range []string{"", "yes"} {
					req := &http.Request{Method: m, URL: &url.URL{Path: path}, Header: http.Header{}, Host: "example.com"}
					if staff != "" {
						req.Header.Set("Staff", staff)
					}
					req = req.WithContext(context.Background())
					w := httptest.NewRecorder()
					rt.ServeHTTP(w, req)
					require.True(t, fuzzAnswers[w.Code], "%s %s: status %d is not a defined servetest.Answer", m, path, w.Code)
				}
			}
		}
	})
}

// FuzzServe sends arbitrary methods, paths and roadmap headers to a fixed
// table: no panic, and the status is always one of the defined answers.
// Seeds are in testdata/fuzz/FuzzServe.
func FuzzServe(f *testing.F) {
	f.Add("GET", "/api/users/42", "", "", false)
	f.Add("PATCH", "/api/users/42", "users-patch", "", true)
	f.Add("PATCH", "/api/users/42", "nope, users-patch", "", true)
	f.Add("PUT", "/api/feature", "", "example", false)
	f.Add("BREW", "/api/feature", "", "", false)
	f.Add("get", "/api/v0/users/1", "", "", false)
	f.Add("DELETE", "/api/../api/feature", "", "", true)
	f.Add("GET", "/api/%zz", "", "", false)
	f.Add("GET", "//api//users//", "a,,b", "", false)
	f.Add("CONNECT", "*", "", "", false)
	routes := []router.Route{
		{Method: http.MethodPut, Pattern: "/api/reports/export", Flag: "reports-export", Handler: fuzzHandler, Name: "Report export"},
		{Method: http.MethodGet, Pattern: "/api/feature", Stage: router.Live, Handler: fuzzHandler},
		{Method: http.MethodPut, Pattern: "/api/feature", Flag: "err-feature-write", Handler: fuzzHandler,
			Example: &router.Example{Body: []byte(`{"example":true}`)}},
		{Method: http.MethodDelete, Pattern: "/api/feature", Flag: "feature-write", Handler: fuzzHandler, Off: router.OffNotFound},
		{Method: http.MethodGet, Pattern: "/api/users/{id}", Stage: router.Live, Handler: fuzzHandler},
		{Method: http.MethodPatch, Pattern: "/api/users/{id}", Stage: router.Beta, Flag: "users-patch", Handler: fuzzHandler},
		{Method: http.MethodPost, Pattern: "/api/users/{id}", Stage: router.Beta, Flag: "err-users-post", Handler: fuzzHandler, Off: router.OffForbidden},
		{Method: http.MethodGet, Pattern: "/api/v0/users/{id}", Stage: router.Deprecated, Handler: fuzzHandler,
			Deprecation: time.Unix(1767225600, 0), Sunset: time.Unix(1893456000, 0), Successor: "/api/users/{id}"},
		{Method: http.MethodGet, Pattern: "/api/v0/reports", Stage: router.Removed},
		{Method: http.MethodGet, Pattern: "/files/*", Stage: router.Live, Handler: fuzzHandler},
	}
	routers := map[bool]*router.Router{}
	for _, on := range []bool{false, true} {
		rt, err := router.New(routes, router.Config{
			Flags:   &fakeFlags{on: func(string) bool { return on }, fail: prefixed("err")},
			Roadmap: func(r *http.Request) bool { return r.Header.Get("Staff") != "" },
		})
		require.NoError(f, err)
		f.Cleanup(rt.Close)
		routers[on] = rt
	}
	f.Fuzz(func(t *testing.T, method, path, optIn, preview string, staff bool) {
		req := &http.Request{Method: method, URL: &url.URL{Path: path}, Header: http.Header{}, Host: "example.com", RequestURI: path}
		if u, err := url.ParseRequestURI(path); err == nil {
			req.URL = u
		}
		if optIn != "" {
			req.Header.Set(router.DefaultOptInHeader, optIn)
		}
		if preview != "" {
			req.Header.Set(router.PreviewHeader, preview)
		}
		if staff {
			req.Header.Set("Staff", "1")
		}
		req = req.WithContext(context.Background())
		for on, rt := range routers {
			w := httptest.NewRecorder()
			rt.ServeHTTP(w, req)
			require.True(t, fuzzAnswers[w.Code] || w.Code == http.StatusOK, "flags %v: %q %q: status %d is not a defined servetest.Answer", on, method, path, w.Code)
			if w.Code >= 400 {
				require.Equal(t, "application/problem+json", w.Header().Get("Content-Type"))
			}
			if w.Code == http.StatusMethodNotAllowed {
				require.NotEmpty(t, w.Header().Get("Allow"))
			}
		}
	})
}

// unjoin returns the errors joined by errors.Join, or err itself.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func isSentinel(err error) bool {
	for _, s := range fuzzSentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
