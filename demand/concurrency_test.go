package demand_test

import (
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/router"
)

// TestConcurrentCountAndReport counts from several goroutines while others
// take snapshots and reports, for the race detector, and checks that no
// request is lost.
func TestConcurrentCountAndReport(t *testing.T) {
	c := demand.New(testKey, demand.Options{Secret: secret})
	t.Cleanup(c.Close)
	const writers, perWriter = 4, 2000
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				k := strconv.Itoa(w*perWriter + i)
				c.Count(planned, router.Planned, router.OutcomeStubbed, k)
				c.Count(retiring, router.Deprecated, router.OutcomeServed, k)
			}
		}()
	}
	var readers sync.WaitGroup
	for range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-done:
					return
				default:
					_ = c.Report()
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	readers.Wait()
	rep := c.Report()
	for _, r := range []*router.Route{planned, retiring} {
		w := window(t, rep, r, 7)
		assert.Equal(t, uint64(writers*perWriter), w.Requests)
		assert.InEpsilon(t, writers*perWriter, float64(w.Callers), 3*sigma)
	}
}
