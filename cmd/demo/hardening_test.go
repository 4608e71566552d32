package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/routertest"
)

// startDemo serves the demo handler (flags from an isolated in-memory
// provider) with the demo's own http.Server settings on 127.0.0.1, and
// returns its address. wrap, if not nil, wraps the handler. The server is
// shut down gracefully when the test ends; shutdown's error is sent on done.
func startDemo(t *testing.T, wrap func(http.Handler) http.Handler) (addr string, fl *routertest.Flags, stop func() error) {
	t.Helper()
	fl = routertest.NewFlags(t, map[string]bool{"reports-export": false, "feature-write": false, "users-patch": false})
	h, cleanup, err := newServer(deps{Flags: fl.Client(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(cleanup)
	if wrap != nil {
		h = wrap(h)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, newHTTPServer(h, slog.New(slog.DiscardHandler)), ln, slog.New(slog.DiscardHandler), ready)
	}()
	addr = <-ready
	var stopped bool
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { _ = stop() })
	return addr, fl, stop
}

// rawAnswer is the status line, headers and body of one raw answer.
type rawAnswer struct {
	status int
	header http.Header
	body   string
}

// rawRequest writes req as is on a new TCP connection and reads one answer.
func rawRequest(t *testing.T, addr, req string) rawAnswer {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(30*time.Second)))
	// The server may answer and close before reading all of a huge request;
	// a write error then is expected, the answer is what counts.
	go func() { _, _ = io.WriteString(conn, req) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "no HTTP answer to %.80q", req)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return rawAnswer{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// TestMalformedRequests sends malformed requests over a real connection to
// the demo's server and checks that each gets a defined 4xx/501 answer.
// Some come from net/http itself, before any handler (text/plain); the
// others from the router's stubs (application/problem+json).
func TestMalformedRequests(t *testing.T) {
	t.Parallel()
	addr, _, _ := startDemo(t, nil)
	big := strings.Repeat("a", maxHeaderBytes+8<<10)
	tests := []struct {
		name       string
		req        string
		want       int
		wantSource string // "router" (problem+json), "net/http" (text/plain) or "handler"
	}{
		{"unknown method", "BREW /api/feature HTTP/1.1\r\nHost: x\r\n\r\n", 501, "router"},
		{"lower-case method", "get /api/feature HTTP/1.1\r\nHost: x\r\n\r\n", 501, "router"},
		{"absurdly long method", strings.Repeat("M", 4000) + " /api/feature HTTP/1.1\r\nHost: x\r\n\r\n", 501, "router"},
		{"method that is not a token", "GE(T /api/feature HTTP/1.1\r\nHost: x\r\n\r\n", 400, "net/http"},
		{"over-long header", "GET /api/feature HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n", 431, "net/http"},
		{"over-long request line", "GET /api/" + big + " HTTP/1.1\r\nHost: x\r\n\r\n", 431, "net/http"},
		{"bad percent-encoding", "GET /api/users/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "net/http"},
		{"dot segments are not resolved", "GET /api/v0/reports/../../feature HTTP/1.1\r\nHost: x\r\n\r\n", 404, "router"},
		{"encoded dot segments are not resolved", "GET /api/v0/%2e%2e/feature HTTP/1.1\r\nHost: x\r\n\r\n", 404, "router"},
		{"unsupported Transfer-Encoding", "POST /api/feature HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "net/http"},
		{"chained Transfer-Encoding", "POST /api/feature HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "net/http"},
		{"Transfer-Encoding and Content-Length", "POST /api/feature HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 201, "handler"}, // RFC 9112 §6.3: chunked wins
		{"two Content-Lengths", "POST /api/feature HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400, "net/http"},
		{"body over the limit", "PUT /api/users/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n", 413, "router"},
		{"no Host in HTTP/1.1", "GET /api/feature HTTP/1.1\r\n\r\n", 400, "net/http"},
		{"control byte in header value", "GET /api/feature HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n", 400, "net/http"},
		{"space in header name", "GET /api/feature HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", 400, "net/http"},
		{"unknown HTTP version", "GET /api/feature HTTP/9.9\r\nHost: x\r\n\r\n", 505, "net/http"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := rawRequest(t, addr, tt.req)
			assert.Equal(t, tt.want, a.status, "got %d %q, want %d", a.status, truncateBody(a.body), tt.want)
			ct := a.header.Get("Content-Type")
			switch tt.wantSource {
			case "router":
				assert.Equal(t, "application/problem+json", ct)
			case "handler":
				assert.Equal(t, "application/json", ct)
			default:
				assert.True(t, strings.HasPrefix(ct, "text/plain"), "got Content-Type %q", ct)
			}
		})
	}
}

func truncateBody(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

func TestServerSettings(t *testing.T) {
	t.Parallel()
	srv := newHTTPServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	assert.Positive(t, srv.ReadHeaderTimeout)
	assert.Positive(t, srv.ReadTimeout)
	assert.Positive(t, srv.WriteTimeout)
	assert.Positive(t, srv.IdleTimeout)
	assert.Equal(t, maxHeaderBytes, srv.MaxHeaderBytes)
	assert.NotNil(t, srv.ErrorLog)
}

// TestSlowHeadersAreCut shows that ReadHeaderTimeout is in force: a client
// that never finishes its headers is disconnected (with the limit shortened
// for the test).
func TestSlowHeadersAreCut(t *testing.T) {
	t.Parallel()
	srv := newHTTPServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	srv.ReadHeaderTimeout = 200 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	conn, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(30*time.Second)))
	_, err = io.ReadAll(conn) // returns when the server closes the connection
	assert.NoError(t, err, "the server must close the connection, not the test's deadline")
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	addr, _, _ := startDemo(t, func(h http.Handler) http.Handler {
		// A handler that reads the body, to show the bound applies to
		// bodies without a declared length too.
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/test/echo" {
				h.ServeHTTP(w, r)
				return
			}
			limitBody(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if _, err := io.Copy(io.Discard, r.Body); err != nil {
					newTooLarge().ServeHTTP(w, r)
					return
				}
				w.WriteHeader(http.StatusNoContent)
			})).ServeHTTP(w, r)
		})
	})
	client := &http.Client{}
	tests := []struct {
		name   string
		body   func() io.Reader
		length int64 // -1: chunked
		want   int
	}{
		{"small", func() io.Reader { return strings.NewReader("{}") }, 2, http.StatusNoContent},
		{"at the limit", func() io.Reader { return strings.NewReader(strings.Repeat("a", maxBodyBytes)) }, maxBodyBytes, http.StatusNoContent},
		{"declared over the limit", func() io.Reader { return strings.NewReader(strings.Repeat("a", maxBodyBytes+1)) }, maxBodyBytes + 1, http.StatusRequestEntityTooLarge},
		{"chunked over the limit", func() io.Reader { return io.LimitReader(zeros{}, maxBodyBytes+1) }, -1, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/test/echo", tt.body())
			require.NoError(t, err)
			req.ContentLength = tt.length
			resp, err := client.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tt.want, resp.StatusCode)
			if tt.want == http.StatusRequestEntityTooLarge {
				assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
			}
		})
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestGracefulShutdown starts a request, begins shutdown while it is in
// flight, and checks that the request completes, new connections are
// refused, and serve returns without error.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	release := make(chan struct{})
	addr, _, stop := startDemo(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Test-Slow") != "" {
				close(started)
				<-release
			}
			h.ServeHTTP(w, r)
		})
	})
	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/api/feature", nil)
		req.Header.Set("Test-Slow", "1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{status: resp.StatusCode, body: string(b), err: err}
	}()
	<-started
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()

	// The listener closes: new connections are refused.
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, 10*time.Second, 5*time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("serve returned (%v) while a request was in flight", err)
	default:
	}

	close(release)
	r := <-got
	require.NoError(t, r.err)
	assert.Equal(t, http.StatusOK, r.status)
	assert.Contains(t, r.body, `"feature":"demo"`)
	assert.NoError(t, <-stopped)
}
