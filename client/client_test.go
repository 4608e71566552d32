package client_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/client"
	"github.com/roadmap-go/roadmap/router"
	"github.com/roadmap-go/roadmap/stub"
)

var (
	deprecatedAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sunsetAt     = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
)

// echo answers with the method and the request body.
func echo(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, r.Method+" "+string(b))
}

// newServer serves a router with a route of each interesting stage over real
// HTTP.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	h := http.HandlerFunc(echo)
	rt, err := router.New([]router.Route{
		{Method: http.MethodPut, Pattern: "/users/{id}", Stage: router.Live, Handler: h},
		{Method: http.MethodPatch, Pattern: "/users/{id}", Stage: router.Planned, Name: "Partial user update", Available: "v1.5"},
		{Method: http.MethodPost, Pattern: "/users/{id}", Stage: router.Planned, Available: "v3"},
		{Method: http.MethodDelete, Pattern: "/users/{id}", Stage: router.Planned},
		{Method: http.MethodGet, Pattern: "/v0/users/{id}", Stage: router.Deprecated, Handler: h,
			Deprecation: deprecatedAt, Sunset: sunsetAt, Docs: "https://example.com/migrate", Successor: "/users/{id}"},
		{Method: http.MethodGet, Pattern: "/v0/reports", Stage: router.Removed},
		{Method: http.MethodGet, Pattern: "/plain", Stage: router.Live, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotImplemented)
			_, _ = io.WriteString(w, `{"title":"Not Implemented","status":501}`)
		})},
		{Method: http.MethodGet, Pattern: "/untyped", Stage: router.Live, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotImplemented)
			_, _ = io.WriteString(w, `{"title":"Not Implemented","status":501,"stage":"planned","detail":"soon"}`)
		})},
	}, router.Config{})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)
	return srv
}

func TestTransport(t *testing.T) {
	srv := newServer(t)
	tests := []struct {
		name          string
		method        string
		path          string
		body          io.Reader
		fallback      map[string]string
		wantBody      string
		wantStatus    int
		wantErr       error
		wantStage     string
		wantAvailable string
		wantRoute     string
		wantType      string
	}{
		{name: "live passes through", method: "PUT", path: "/users/1", body: strings.NewReader("x"), wantStatus: 200, wantBody: "PUT x"},
		{name: "planned is a typed error", method: "PATCH", path: "/users/1", wantErr: client.ErrNotImplemented,
			wantStage: "planned", wantAvailable: "v1.5", wantRoute: "PATCH /users/{id}", wantType: stub.TypeNotYetAvailable},
		{name: "fallback PATCH to PUT replays the body", method: "PATCH", path: "/users/1", body: strings.NewReader(`{"name":"Ada"}`),
			fallback: map[string]string{"PATCH": "PUT"}, wantStatus: 200, wantBody: `PUT {"name":"Ada"}`},
		{name: "fallback chain ends in an error", method: "POST", path: "/users/1", fallback: map[string]string{"POST": "PATCH", "PATCH": "POST"},
			wantErr: client.ErrNotImplemented, wantStage: "planned", wantRoute: "PATCH /users/{id}", wantAvailable: "v1.5", wantType: stub.TypeNotYetAvailable},
		{name: "fallback without GetBody is not retried", method: "PATCH", path: "/users/1", body: io.NopCloser(strings.NewReader("x")),
			fallback: map[string]string{"PATCH": "PUT"}, wantErr: client.ErrNotImplemented, wantStage: "planned", wantRoute: "PATCH /users/{id}", wantAvailable: "v1.5", wantType: stub.TypeNotYetAvailable},
		{name: "removed is gone", method: "GET", path: "/v0/reports", fallback: map[string]string{"GET": "HEAD"}, wantErr: client.ErrGone,
			wantStage: "removed", wantRoute: "GET /v0/reports", wantType: stub.TypeRemoved},
		{name: "a lifecycle answer without a type is about:blank", method: "GET", path: "/untyped", wantErr: client.ErrNotImplemented,
			wantStage: "planned", wantType: "about:blank"},
		{name: "501 without stage is not a lifecycle answer", method: "GET", path: "/plain", wantStatus: 501, wantBody: `{"title":"Not Implemented","status":501}`},
		{name: "404 passes through", method: "GET", path: "/nowhere", wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hc := &http.Client{Transport: &client.Transport{Base: srv.Client().Transport, Fallback: tt.fallback}}
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, tt.body)
			require.NoError(t, err)
			res, err := hc.Do(req)
			if tt.wantErr != nil {
				require.Error(t, err)
				assert.True(t, errors.Is(err, tt.wantErr), "got %v, want %v", err, tt.wantErr)
				var lerr *client.LifecycleError
				require.True(t, errors.As(err, &lerr))
				assert.Equal(t, tt.wantStage, lerr.Stage())
				assert.Equal(t, tt.wantAvailable, lerr.Available())
				assert.Equal(t, tt.wantRoute, lerr.Route())
				assert.Equal(t, tt.wantType, lerr.Type())
				assert.NotEmpty(t, lerr.Detail())
				return
			}
			require.NoError(t, err)
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.wantStatus, res.StatusCode)
			if tt.wantBody != "" {
				assert.Equal(t, tt.wantBody, string(b))
			}
		})
	}
}

func TestTransportOnDeprecation(t *testing.T) {
	srv := newServer(t)
	var got []client.Notice
	hc := &http.Client{Transport: &client.Transport{Base: srv.Client().Transport, OnDeprecation: func(n client.Notice) { got = append(got, n) }}}
	for _, path := range []string{"/v0/users/1", "/users/1"} {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		res, err := hc.Do(req)
		if err == nil {
			_ = res.Body.Close()
		}
	}
	require.Len(t, got, 1, "only the deprecated route reports")
	n := got[0]
	assert.Equal(t, "GET", n.Method)
	assert.Equal(t, srv.URL+"/v0/users/1", n.URL)
	assert.True(t, deprecatedAt.Equal(n.Deprecation), "got %v, want %v", n.Deprecation, deprecatedAt)
	assert.True(t, sunsetAt.Equal(n.Sunset), "got %v, want %v", n.Sunset, sunsetAt)
	assert.Equal(t, "https://example.com/migrate", n.Docs)
	assert.Equal(t, "/users/1", n.Successor, "the successor's parameters filled in from the request")
}

// TestFirstLinkField: a client that reads only the first Link field (as
// generated clients do) still gets the successor, its parameters filled in.
func TestFirstLinkField(t *testing.T) {
	srv := newServer(t)
	res, err := srv.Client().Get(srv.URL + "/v0/users/42")
	require.NoError(t, err)
	_ = res.Body.Close()
	require.Len(t, res.Header.Values("Link"), 1, "one field")
	first := res.Header.Get("Link")
	assert.Contains(t, first, `<https://example.com/migrate>; rel="deprecation"`)
	assert.Contains(t, first, `</users/42>; rel="successor-version"`)
}

func TestCheck(t *testing.T) {
	srv := newServer(t)
	tests := []struct {
		name     string
		path     string
		wantErr  error
		wantBody string
	}{
		{name: "planned", path: "/users/1", wantErr: client.ErrNotImplemented},
		{name: "removed", path: "/v0/reports", wantErr: client.ErrGone},
		{name: "501 without stage leaves the body", path: "/plain", wantBody: `{"title":"Not Implemented","status":501}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := http.MethodGet
			if tt.path == "/users/1" {
				method = http.MethodDelete
			}
			req, err := http.NewRequest(method, srv.URL+tt.path, nil)
			require.NoError(t, err)
			res, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			err = client.Check(res)
			if tt.wantErr != nil {
				assert.True(t, errors.Is(err, tt.wantErr), "got %v, want %v", err, tt.wantErr)
				var lerr *client.LifecycleError
				require.True(t, errors.As(err, &lerr))
				assert.Equal(t, method, lerr.Method())
				assert.Equal(t, srv.URL+tt.path, lerr.URL())
				return
			}
			require.NoError(t, err)
			b, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.wantBody, string(b))
		})
	}
}
