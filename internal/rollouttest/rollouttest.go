// Package rollouttest measures percentage rollouts over HTTP in tests: it
// generates reproducible user ids, sends one request per user and reports
// who was served, so that tests can check shares, stickiness and
// monotonicity (docs/rollout.md).
//
// # Example
//
//	keys := rollouttest.Keys(10000, 1)
//	at10 := rollouttest.Served(t, srv.Client(), http.MethodPatch, srv.URL+"/api/users/1", "X-User-ID", keys)
//	// ... raise the rollout to 25% ...
//	at25 := rollouttest.Served(t, srv.Client(), http.MethodPatch, srv.URL+"/api/users/1", "X-User-ID", keys)
//	assert.InDelta(t, 25, rollouttest.Share(at25), 1.5)
//	assert.Zero(t, rollouttest.Lost(at10, at25))
package rollouttest

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Keys returns n distinct pseudo-random user ids shaped like opaque
// database ids ("u-" and 16 hex digits). The same seed gives the same ids on
// every run, so measured shares are reproducible.
func Keys(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 2026))
	keys := make([]string, 0, n)
	seen := make(map[string]bool, n)
	for len(keys) < n {
		k := fmt.Sprintf("u-%016x", rng.Uint64())
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// Workers is the number of requests Served has in flight at once.
const Workers = 4

// Served sends one request with method to url per key, the key in header,
// and reports which keys were served (200). Any other answer than 200 or
// 501 fails the test. It is safe to call from one test goroutine at a time.
func Served(t testing.TB, client *http.Client, method, url, header string, keys []string) []bool {
	t.Helper()
	on := make([]bool, len(keys))
	errs := make(chan error, Workers)
	var wg sync.WaitGroup
	for w := range Workers {
		wg.Go(func() {
			for i := w; i < len(keys); i += Workers {
				req, err := http.NewRequest(method, url, nil)
				if err != nil {
					errs <- err
					return
				}
				req.Header.Set(header, keys[i])
				res, err := client.Do(req)
				if err != nil {
					errs <- err
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				switch res.StatusCode {
				case http.StatusOK:
					on[i] = true
				case http.StatusNotImplemented:
				default:
					errs <- fmt.Errorf("%s %s as %s: status %d, want 200 or 501", method, url, keys[i], res.StatusCode)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	return on
}

// Share returns the percentage of true values in on.
func Share(on []bool) float64 {
	if len(on) == 0 {
		return 0
	}
	n := 0
	for _, v := range on {
		if v {
			n++
		}
	}
	return 100 * float64(n) / float64(len(on))
}

// Lost counts the keys that are on in before and off in after: zero when a
// change of the rollout was monotonic. The slices must be of equal length.
func Lost(before, after []bool) int { return len(LostKeys(before, after)) }

// LostKeys returns the indexes of the keys that are on in before and off in
// after.
func LostKeys(before, after []bool) []int {
	var idx []int
	for i := range before {
		if before[i] && !after[i] {
			idx = append(idx, i)
		}
	}
	return idx
}

// Recheck asks again, up to tries times, for each key in idx that on says is
// off, and marks it on if it is served once. A gate that fails closed
// answers off, never on, when an evaluation times out on a loaded machine;
// Recheck keeps such a blip from passing for a bucketing change, so use it
// before blaming the rollout for keys that look off.
func Recheck(t testing.TB, client *http.Client, method, url, header string, keys []string, on []bool, idx []int, tries int) {
	t.Helper()
	for _, i := range idx {
		for try := 0; try < tries && !on[i]; try++ {
			on[i] = Served(t, client, method, url, header, keys[i:i+1])[0]
		}
	}
}
