package stub_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/roadmap-go/roadmap/stub"
)

// TestResponderKeepsFirstBody checks that the body a Responder keeps for the
// first path it serves is only ever written for that path: every answer
// equals Body(escaped path), whatever the order of the requests.
func TestResponderKeepsFirstBody(t *testing.T) {
	s := stub.New(stub.Problem{Status: http.StatusNotImplemented, Detail: "Not yet.", Route: "GET /a"})
	tests := []struct {
		name     string
		method   string
		target   string
		wantPath string // the escaped path expected as "instance"
	}{
		{name: "first path, kept", method: http.MethodGet, target: "/reports", wantPath: "/reports"},
		{name: "same path, from the kept body", method: http.MethodGet, target: "/reports", wantPath: "/reports"},
		{name: "other path", method: http.MethodGet, target: "/users/42", wantPath: "/users/42"},
		{name: "same decoded path, different encoding", method: http.MethodGet, target: "/reports%2Fx", wantPath: "/reports%2Fx"},
		{name: "path that needs escaping", method: http.MethodGet, target: "/a%20b", wantPath: "/a%20b"},
		{name: "first path again", method: http.MethodGet, target: "/reports?x=1", wantPath: "/reports"},
		{name: "long path", method: http.MethodGet, target: "/" + strings.Repeat("x", 300), wantPath: "/" + strings.Repeat("x", 300)},
		{name: "HEAD", method: http.MethodHead, target: "/reports", wantPath: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest(tt.method, tt.target, nil))
			res := w.Result()
			assert.Equal(t, http.StatusNotImplemented, res.StatusCode)
			assert.Equal(t, stub.ContentType, res.Header.Get("Content-Type"))
			want := ""
			if tt.wantPath != "" {
				want = string(s.Body(tt.wantPath))
			}
			assert.Equal(t, want, w.Body.String())
		})
	}
}
