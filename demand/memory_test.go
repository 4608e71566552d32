package demand_test

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/router"
)

// heapAfter counts n requests with a new random targeting key each, to a
// planned and a deprecated route, and returns the live heap after a
// collection.
func heapAfter(c *demand.Counter, rng *rand.Rand, n int) uint64 {
	var buf []byte
	for range n {
		buf = strconv.AppendUint(buf[:0], rng.Uint64(), 36)
		k := string(buf)
		c.Count(planned, router.Planned, router.OutcomeStubbed, k)
		c.Count(retiring, router.Deprecated, router.OutcomeServed, k)
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestMemoryFlat sends a million requests, each with a new random
// targeting key (a caller that invents a key per request), and checks that
// the heap after 10N keys is no larger than after N, give or take a few
// sketches: memory is bounded by the sketches and summaries, not by the
// number of callers.
func TestMemoryFlat(t *testing.T) {
	const n = 100_000
	clk := newClock(day0)
	c := demand.New(testKey, demand.Options{Now: clk.Now, Secret: secret})
	rng := rand.New(rand.NewPCG(1, 2))
	afterN := heapAfter(c, rng, n)
	after10N := heapAfter(c, rng, 9*n)
	grown := int64(after10N) - int64(afterN)
	t.Logf("heap after %d keys: %d B; after %d keys: %d B (%+d B)", n, afterN, 10*n, after10N, grown)
	// Two dense sketches are 32 KiB; allow that much noise from the
	// runtime, far below what a set of 900k keys would take (>30 MB).
	assert.Less(t, grown, int64(64<<10), "heap grew with the number of callers")
	w := window(t, c.Report(), planned, 7)
	assert.InEpsilon(t, 10*n, float64(w.Callers), 3*sigma)
	runtime.KeepAlive(c)
}
