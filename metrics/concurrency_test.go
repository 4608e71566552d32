package metrics_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/metrics"
	"github.com/roadmap-go/roadmap/router"
)

// Many goroutines report for routes and flags seen for the first time
// concurrently: the copy-on-write tables must lose no series and no count
// (run with -race).
func TestMetricsConcurrentFirstSight(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	m, err := metrics.New(reg, metrics.Options{})
	require.NoError(t, err)
	const nRoutes, nWorkers, perWorker = 16, 8, 200
	routes := make([]router.Route, nRoutes)
	for i := range routes {
		routes[i] = router.Route{Method: http.MethodGet, Pattern: fmt.Sprintf("/r%d", i), Stage: router.Beta, Flag: fmt.Sprintf("f%d", i)}
	}
	var wg sync.WaitGroup
	for w := range nWorkers {
		wg.Go(func() {
			for i := range perWorker {
				r := &routes[(i+w)%nRoutes]
				m.ObserveRequest(r, router.Beta, router.OutcomeStubbed)
				m.ObserveDecision(r.Flag, flags.Decision{ErrorCode: openfeature.GeneralCode}, 1)
			}
		})
	}
	wg.Wait()

	var requests, errors float64
	for i := range routes {
		requests += counterValue(t, reg, "roadmap_requests_total", map[string]string{"route": "GET " + routes[i].Pattern})
		errors += counterValue(t, reg, "roadmap_flag_evaluation_errors_total", map[string]string{"flag": routes[i].Flag, "code": "GENERAL"})
	}
	assert.Equal(t, float64(nWorkers*perWorker), requests)
	assert.Equal(t, float64(nWorkers*perWorker), errors)
}
