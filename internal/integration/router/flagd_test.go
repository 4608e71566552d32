package router_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/logtest"
	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/router"
)

// fdFlags renders a flagd flag file with one static boolean flag per entry.
func fdFlags(on map[string]bool) string {
	s := `{"$schema":"https://flagd.dev/schema/v0/flags.json","flags":{`
	first := true
	for k, v := range on {
		if !first {
			s += ","
		}
		first = false
		def := "off"
		if v {
			def = "on"
		}
		s += fmt.Sprintf(`%q:{"state":"ENABLED","variants":{"on":true,"off":false},"defaultVariant":%q}`, k, def)
	}
	return s + "}}"
}

// TestFlagdFileFlip flips a planned route on and off by editing the flag file
// the flagd in-process provider reads, with no restart.
func TestFlagdFileFlip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.json")
	writeFile(t, path, fdFlags(map[string]bool{"reports-export": false}))
	client := flagdClient(t, t.Name(), path)

	routes := []router.Route{
		{Method: http.MethodPut, Pattern: "/api/reports/export", Flag: "reports-export", Name: "Report export",
			Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusAccepted)
				_, _ = w.Write([]byte(`{"job":"export-1"}`))
			})},
	}
	_, srv := servetest.Serve(t, routes, router.Config{Flags: client})

	a := servetest.Do(t, srv, http.MethodPut, "/api/reports/export")
	require.Equal(t, http.StatusNotImplemented, a.Status, a.Body)
	assert.Equal(t, "Report export is not yet available. Check back in a future release.", servetest.Problem(t, a)["detail"])

	writeFile(t, path, fdFlags(map[string]bool{"reports-export": true}))
	require.Eventually(t, func() bool {
		return servetest.Do(t, srv, http.MethodPut, "/api/reports/export").Status == http.StatusAccepted
	},
		10*time.Second, 10*time.Millisecond, "the edit takes effect without a restart")
	a = servetest.Do(t, srv, http.MethodPut, "/api/reports/export")
	assert.Equal(t, `{"job":"export-1"}`, a.Body)
	assert.Equal(t, "no-store", a.Header.Get("Cache-Control"))

	writeFile(t, path, fdFlags(map[string]bool{"reports-export": false}))
	require.Eventually(t, func() bool {
		return servetest.Do(t, srv, http.MethodPut, "/api/reports/export").Status == http.StatusNotImplemented
	},
		10*time.Second, 10*time.Millisecond, "and back off")

	// A broken file keeps the last good flags (never a 500), and the next
	// good file applies although the provider then reports ERROR for good.
	writeFile(t, path, fdFlags(map[string]bool{"reports-export": true}))
	require.Eventually(t, func() bool {
		return servetest.Do(t, srv, http.MethodPut, "/api/reports/export").Status == http.StatusAccepted
	},
		10*time.Second, 10*time.Millisecond)
	writeFile(t, path, `{"flags": `)
	for i := 0; i < 5; i++ {
		assert.Equal(t, http.StatusAccepted, servetest.Do(t, srv, http.MethodPut, "/api/reports/export").Status, "last good flags kept")
	}
	writeFile(t, path, fdFlags(map[string]bool{"reports-export": false}))
	require.Eventually(t, func() bool {
		return servetest.Do(t, srv, http.MethodPut, "/api/reports/export").Status == http.StatusNotImplemented
	},
		10*time.Second, 10*time.Millisecond, "a good file after a broken one applies")
}

// TestFlagdFlagRemovedFailsClosed deletes a flag from the file: the route
// goes back to planned (FLAG_NOT_FOUND fails closed), never 500.
func TestFlagdFlagRemovedFailsClosed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.json")
	writeFile(t, path, fdFlags(map[string]bool{"f": true, "other": true}))
	client := flagdClient(t, t.Name(), path)
	var logs logtest.Buffer
	routes := []router.Route{{Method: http.MethodPut, Pattern: "/x", Flag: "f", Handler: servetest.Served("x")}}
	_, srv := servetest.Serve(t, routes, router.Config{Flags: client, Logger: logs.Logger()})
	require.Equal(t, http.StatusOK, servetest.Do(t, srv, http.MethodPut, "/x").Status)

	writeFile(t, path, fdFlags(map[string]bool{"other": true}))
	require.Eventually(t, func() bool { return servetest.Do(t, srv, http.MethodPut, "/x").Status == http.StatusNotImplemented },
		10*time.Second, 10*time.Millisecond)
	assert.Contains(t, logs.String(), "code=FLAG_NOT_FOUND")
}

// TestFlagdConcurrentFlips hammers the router while the flag file is edited;
// run with -race.
func TestFlagdConcurrentFlips(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.json")
	writeFile(t, path, fdFlags(map[string]bool{"f": false}))
	client := flagdClient(t, t.Name(), path)
	routes := []router.Route{{Method: http.MethodPut, Pattern: "/x", Flag: "f", Handler: servetest.Served("x")}}
	_, srv := servetest.Serve(t, routes, router.Config{Flags: client, Context: flags.FromHeader("X-User-ID")})

	var wg sync.WaitGroup
	var bad, okCount, offCount atomic.Int64
	stop := make(chan struct{})
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := srv.Client().Do(fdRequest(http.MethodPut, srv.URL+"/x"))
				if err != nil {
					bad.Add(1)
					continue
				}
				res.Body.Close()
				switch res.StatusCode {
				case http.StatusOK:
					okCount.Add(1)
				case http.StatusNotImplemented:
					offCount.Add(1)
				default:
					bad.Add(1)
				}
			}
		}()
	}
	for i := 1; i <= 6; i++ {
		want := i%2 == 1
		writeFile(t, path, fdFlags(map[string]bool{"f": want}))
		wantStatus := http.StatusNotImplemented
		if want {
			wantStatus = http.StatusOK
		}
		require.Eventually(t, func() bool { return servetest.Do(t, srv, http.MethodPut, "/x").Status == wantStatus },
			10*time.Second, 5*time.Millisecond, "edit %d", i)
	}
	close(stop)
	wg.Wait()
	assert.Zero(t, bad.Load(), "got %d unexpected answers, want 0", bad.Load())
	assert.Positive(t, okCount.Load()+offCount.Load())
}

func fdRequest(method, url string) *http.Request {
	r, err := http.NewRequest(method, url, nil)
	if err != nil {
		panic(err)
	}
	return r
}
