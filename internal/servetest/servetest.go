// Package servetest serves routers over real HTTP in this repository's tests
// and reads their answers, so that the tests of router and those of
// internal/integration (another module, which runs router with the flagd
// provider) share one set of helpers.
//
// Serve builds a [router.Router] on an [httptest.Server] bound to 127.0.0.1,
// Do sends one request and returns the whole [Answer], and Problem decodes
// an RFC 9457 problem body. Every test router reads the fixed clock [Now],
// so that nothing depends on the wall clock; [Deprecation] and [Sunset] are
// the lifecycle dates around it.
//
// The package is for tests only: no non-test code of router, flags or stub
// imports it (it brings testify with it).
package servetest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/router"
)

// Now is the clock of every test router: it always returns the same instant,
// 2027-06-01 12:00 UTC, after [Deprecation] and before [Sunset].
func Now() time.Time { return time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC) }

// Deprecation returns 2026-01-01 00:00 UTC, a deprecation date before [Now].
func Deprecation() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

// Sunset returns 2030-01-01 00:00 UTC, a sunset date after [Now].
func Sunset() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }

// Served returns a handler that names itself: it answers 200 with the
// text/plain body "served " + name.
func Served(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "served "+name)
	})
}

// Answer is one whole HTTP answer, as Do read it.
type Answer struct {
	Status int         // the status code
	Header http.Header // the response header
	Body   string      // the whole body
}

// Do sends one request to srv with the given method and path, setting the
// header name/value pairs in hdr, and reads the whole answer. It fails the
// test if the request cannot be made or the body read.
func Do(t testing.TB, srv *httptest.Server, method, path string, hdr ...string) Answer {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return Answer{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// Problem decodes a problem+json body. It fails the test if a is not
// application/problem+json or its body is not a JSON object.
func Problem(t testing.TB, a Answer) map[string]any {
	t.Helper()
	require.Equal(t, "application/problem+json", a.Header.Get("Content-Type"), "body: %s", a.Body)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(a.Body), &m), "body: %s", a.Body)
	return m
}

// Serve builds a router of routes with cfg (its clock [Now] unless cfg.Now
// is set) and serves it on a test server bound to 127.0.0.1. Both are
// closed when the test ends.
func Serve(t testing.TB, routes []router.Route, cfg router.Config) (*router.Router, *httptest.Server) {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = Now
	}
	rt, err := router.New(routes, cfg)
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)
	return rt, srv
}
