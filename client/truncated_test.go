package client_test

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/client"
)

type failingBody struct{ closed bool }

func (b *failingBody) Read([]byte) (int, error) { return 0, errors.New("connection reset") }
func (b *failingBody) Close() error             { b.closed = true; return nil }

// TestCheckClosesBodyOnReadError: Check's contract (an error means the body
// was read and closed) holds when reading fails.
func TestCheckClosesBodyOnReadError(t *testing.T) {
	b := &failingBody{}
	res := &http.Response{StatusCode: http.StatusNotImplemented,
		Header: http.Header{"Content-Type": {"application/problem+json"}}, Body: b}
	require.Error(t, client.Check(res))
	assert.True(t, b.closed, "got the body left open, want it closed")
}

// TestNoFallbackOnTruncated501: a 501 whose body breaks off is not a
// confirmed lifecycle answer, so a PATCH is never replayed as a PUT.
func TestNoFallbackOnTruncated501(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	puts := make(chan struct{}, 10)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				if req.Method == http.MethodPut {
					puts <- struct{}{}
					fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
					return
				}
				fmt.Fprint(c, "HTTP/1.1 501 Not Implemented\r\nContent-Type: application/problem+json\r\nContent-Length: 100\r\n\r\n{\"stage\":\"pl")
			}(c)
		}
	}()
	hc := &http.Client{Transport: &client.Transport{Fallback: map[string]string{http.MethodPatch: http.MethodPut}}}
	req, err := http.NewRequest(http.MethodPatch, "http://"+ln.Addr().String()+"/u/1", strings.NewReader(`{"name":"x"}`))
	require.NoError(t, err)
	res, err := hc.Do(req)
	if err == nil {
		res.Body.Close()
	}
	assert.Error(t, err, "got an answer, want the read error")
	var le *client.LifecycleError
	assert.False(t, errors.As(err, &le), "got a lifecycle error for a truncated body")
	assert.Empty(t, puts, "got the PATCH replayed as a PUT")
}
