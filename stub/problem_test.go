package stub_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/stub"
)

func TestResponderBody(t *testing.T) {
	tests := []struct {
		name    string
		problem stub.Problem
		path    string
		want    map[string]any
	}{
		{
			name: "every member",
			problem: stub.Problem{Status: 501, Detail: "Report export is not yet available. Check back in a future release.",
				Stage: "planned", Route: "PUT /api/reports/export", Available: "v2.0", Docs: "https://example.com/docs/export"},
			path: "/api/reports/export",
			want: map[string]any{"type": "about:blank", "title": "Not Implemented", "status": float64(501),
				"detail":   "Report export is not yet available. Check back in a future release.",
				"instance": "/api/reports/export", "stage": "planned", "route": "PUT /api/reports/export",
				"available": "v2.0", "docs": "https://example.com/docs/export"},
		},
		{
			name:    "empty members omitted, type and title defaulted",
			problem: stub.Problem{Status: 410},
			path:    "/v0/reports",
			want:    map[string]any{"type": "about:blank", "title": "Gone", "status": float64(410), "instance": "/v0/reports"},
		},
		{
			name:    "own type and title",
			problem: stub.Problem{Status: 403, Type: "https://example.com/probs/hidden", Title: "Hidden"},
			path:    "/x",
			want:    map[string]any{"type": "https://example.com/probs/hidden", "title": "Hidden", "status": float64(403), "instance": "/x"},
		},
		{
			name:    "instance escaped",
			problem: stub.Problem{Status: 404, Detail: `a "quoted" <detail>`},
			path:    "/a\"b\\c/<script>/é/\x01",
			want: map[string]any{"type": "about:blank", "title": "Not Found", "status": float64(404),
				"detail": `a "quoted" <detail>`, "instance": "/a\"b\\c/<script>/é/\x01"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := stub.New(tt.problem)
			var got map[string]any
			require.NoError(t, json.Unmarshal(s.Body(tt.path), &got), "body: %s", s.Body(tt.path))
			assert.Equal(t, tt.want, got)

			// ServeHTTP writes exactly Body of the escaped path.
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.URL.Path = tt.path
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			res := w.Result()
			b, _ := io.ReadAll(res.Body)
			assert.Equal(t, tt.problem.Status, res.StatusCode)
			assert.Equal(t, string(s.Body(req.URL.EscapedPath())), string(b))
			assert.Equal(t, tt.problem.Status, s.Status())
		})
	}
}

// TestResponderInstanceIsURIReference checks that "instance" is the path as
// a URI reference, escaped as the client sent it, not the decoded path.
func TestResponderInstanceIsURIReference(t *testing.T) {
	s := stub.New(stub.Problem{Status: 404})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	tests := []struct {
		name, path, want string
	}{
		{name: "plain", path: "/api/users/7", want: "/api/users/7"},
		{name: "space", path: "/a%20b", want: "/a%20b"},
		{name: "encoded slash kept", path: "/files/a%2Fb", want: "/files/a%2Fb"},
		{name: "non-ASCII", path: "/caf%C3%A9", want: "/caf%C3%A9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := srv.Client().Get(srv.URL + tt.path)
			require.NoError(t, err)
			defer res.Body.Close()
			var got map[string]any
			require.NoError(t, json.NewDecoder(res.Body).Decode(&got))
			assert.Equal(t, tt.want, got["instance"])
		})
	}
}

// TestResponderMemberOrder checks the documented member order, with
// "instance" spliced in after "detail".
func TestResponderMemberOrder(t *testing.T) {
	s := stub.New(stub.Problem{Status: 501, Detail: "d", Stage: "planned", Route: "GET /a", Available: "v2", Docs: "/docs"})
	assert.Equal(t,
		`{"type":"about:blank","title":"Not Implemented","status":501,"detail":"d","instance":"/a","stage":"planned","route":"GET /a","available":"v2","docs":"/docs"}`+"\n",
		string(s.Body("/a")))
}

func TestResponderHeaders(t *testing.T) {
	s := stub.New(stub.Problem{Status: 405})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD") // set by the caller before the stub answers
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			req, err := http.NewRequest(method, srv.URL+"/things", nil)
			require.NoError(t, err)
			res, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
			assert.Equal(t, stub.ContentType, res.Header.Get("Content-Type"))
			assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
			assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
			assert.Equal(t, "GET, HEAD", res.Header.Get("Allow"), "headers set earlier are kept")
			if method == http.MethodHead {
				assert.Empty(t, b)
			} else {
				assert.Equal(t, string(s.Body("/things")), string(b))
			}
		})
	}
}

func TestNewPanicsOnNonErrorStatus(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		wantPanic bool
	}{
		{name: "zero", status: 0, wantPanic: true},
		{name: "200", status: 200, wantPanic: true},
		{name: "399", status: 399, wantPanic: true},
		{name: "600", status: 600, wantPanic: true},
		{name: "400", status: 400},
		{name: "501", status: 501},
		{name: "599", status: 599},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := func() { stub.New(stub.Problem{Status: tt.status}) }
			if tt.wantPanic {
				assert.PanicsWithValue(t, "stub: problem status must be 4xx or 5xx", f)
			} else {
				assert.NotPanics(t, f)
			}
		})
	}
}

func TestResponderProblem(t *testing.T) {
	p := stub.New(stub.Problem{Status: 501, Detail: "d"}).Problem()
	assert.Equal(t, stub.Problem{Status: 501, Type: "about:blank", Title: "Not Implemented", Detail: "d"}, p)
}

// discardWriter is a ResponseWriter that keeps one header map, so that
// allocations measured are the Responder's own.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header               { return d.h }
func (d *discardWriter) Write(b []byte) (int, error)       { return len(b), nil }
func (d *discardWriter) WriteString(s string) (int, error) { return len(s), nil }
func (d *discardWriter) WriteHeader(int)                   {}

// TestResponderAllocatesNothing checks that serving does no encoding work:
// the body is pre-rendered and a plain path is copied in as is.
func TestResponderAllocatesNothing(t *testing.T) {
	s := stub.New(stub.Problem{Status: 501, Detail: "d", Stage: "planned", Route: "PUT /a"})
	w := &discardWriter{h: http.Header{}}
	r := httptest.NewRequest(http.MethodPut, "/api/reports/export", nil)
	allocs := testing.AllocsPerRun(100, func() { s.ServeHTTP(w, r) })
	assert.Zero(t, allocs, "got %v allocations per request, want 0", allocs)
}

func BenchmarkResponder(b *testing.B) {
	s := stub.New(stub.Problem{Status: 501, Detail: "Report export is not yet available. Check back in a future release.",
		Stage: "planned", Route: "PUT /api/reports/export", Available: "v2.0"})
	w := &discardWriter{h: http.Header{}}
	r := httptest.NewRequest(http.MethodPut, "/api/reports/export", nil)
	b.ReportAllocs()
	for b.Loop() {
		s.ServeHTTP(w, r)
	}
}

// FuzzResponderBody checks that a body is what encoding/json renders for the
// whole problem, instance included, whatever the texts and the path.
func FuzzResponderBody(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " and backslash \`, "<script>&amp;</script>", "tab\tnew\nline",
		"\b\f\x00\x01\x1f\x7f", "héllo ✓ 🚀", "\u2028\u2029", "bad \xff\xfe utf8 \xc3", `"instance":""`} {
		f.Add(s, s, "/"+s)
	}
	f.Fuzz(func(t *testing.T, detail, route, path string) {
		s := stub.New(stub.Problem{Status: 501, Detail: detail, Stage: "planned", Route: route, Docs: detail})
		want, err := json.Marshal(struct {
			Type      string `json:"type"`
			Title     string `json:"title"`
			Status    int    `json:"status"`
			Detail    string `json:"detail,omitempty"`
			Instance  string `json:"instance"`
			Stage     string `json:"stage,omitempty"`
			Route     string `json:"route,omitempty"`
			Available string `json:"available,omitempty"`
			Docs      string `json:"docs,omitempty"`
		}{"about:blank", "Not Implemented", 501, detail, path, "planned", route, "", detail})
		require.NoError(t, err)
		if got := s.Body(path); string(got) != string(want)+"\n" {
			t.Fatalf("Body(%q) = %s, want %s", path, got, want)
		}
	})
}

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

// BenchmarkNew measures rendering one answer at build time.
func BenchmarkNew(b *testing.B) {
	p := stub.Problem{Status: 501, Detail: "Report export is not yet available. Check back in a future release.",
		Stage: "planned", Route: "PUT /api/reports/export", Available: "v2.0"}
	b.ReportAllocs()
	for b.Loop() {
		stub.New(p)
	}
}
