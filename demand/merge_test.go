package demand_test

import (
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/router"
)

// sigma is the sketches' standard error (precision 12).
var sigma = 1.04 / math.Sqrt(1<<12)

// fetch gets a snapshot over HTTP, as an aggregator does.
func fetch(t *testing.T, url string) *demand.Snapshot {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	s, err := demand.ReadSnapshot(res.Body)
	require.NoError(t, err)
	return s
}

func everyone(*http.Request) bool { return true }

// TestMergeCounters counts overlapping callers on two Counters with the
// same secret, fetches both snapshots over HTTP and merges them: the
// merged estimate is within 3 standard errors of the true union, while
// the sum of the two estimates counts the overlap twice.
func TestMergeCounters(t *testing.T) {
	clk := newClock(day0)
	a := demand.New(testKey, demand.Options{Now: clk.Now, Secret: secret})
	b := demand.New(testKey, demand.Options{Now: clk.Now, Secret: secret})
	const n, overlap = 20000, 10000
	for i := range n {
		a.Count(planned, router.Planned, router.OutcomeStubbed, keyOfUser(i))
		b.Count(planned, router.Planned, router.OutcomeStubbed, keyOfUser(i+n-overlap))
	}
	truth := float64(2*n - overlap)
	srvA := httptest.NewServer(a.Handler(everyone, http.NotFoundHandler()))
	t.Cleanup(srvA.Close)
	srvB := httptest.NewServer(b.Handler(everyone, http.NotFoundHandler()))
	t.Cleanup(srvB.Close)

	sa, sb := fetch(t, srvA.URL), fetch(t, srvB.URL)
	merged, err := demand.Merge(sa, sb)
	require.NoError(t, err)
	w := window(t, merged.Report(), planned, 7)
	assert.InEpsilon(t, truth, float64(w.Callers), 3*sigma, "merged: got %d, want %v", w.Callers, truth)
	assert.Equal(t, uint64(2*n), w.Requests)

	sum := window(t, sa.Report(), planned, 7).Callers + window(t, sb.Report(), planned, 7).Callers
	assert.Greater(t, float64(sum), truth*(1+3*sigma), "the sum counts the overlap twice")
}

func TestMergeRefusesOtherSecret(t *testing.T) {
	a := demand.New(testKey, demand.Options{Secret: []byte("one")})
	b := demand.New(testKey, demand.Options{Secret: []byte("two")})
	a.Count(planned, router.Planned, router.OutcomeStubbed, "ada")
	b.Count(planned, router.Planned, router.OutcomeStubbed, "ada")
	_, err := demand.Merge(a.Snapshot(), b.Snapshot())
	require.Error(t, err)
	assert.True(t, errors.Is(err, demand.ErrKeyMismatch), "got %v, want ErrKeyMismatch", err)
	assert.True(t, errors.Is(err, demand.ErrSnapshot))
	// No secret: random, so two Counters never merge by accident.
	_, err = demand.Merge(demand.New(testKey, demand.Options{}).Snapshot(), demand.New(testKey, demand.Options{}).Snapshot())
	assert.ErrorIs(t, err, demand.ErrKeyMismatch)
}

// TestMergeTopCallers merges two replicas' summaries: a caller split
// across both is found with bounds that hold its total.
func TestMergeTopCallers(t *testing.T) {
	a := demand.New(testKey, demand.Options{Secret: secret, TopCallers: 10})
	b := demand.New(testKey, demand.Options{Secret: secret, TopCallers: 10})
	for i := range 600 {
		k := keyOfUser(i)
		if i%3 == 0 {
			k = "acme"
		}
		a.Count(retiring, router.Deprecated, router.OutcomeServed, k)
		b.Count(retiring, router.Deprecated, router.OutcomeServed, keyOfUser(1000+i))
	}
	merged, err := demand.Merge(a.Snapshot(), b.Snapshot())
	require.NoError(t, err)
	w := window(t, merged.Report(), retiring, 30)
	require.NotEmpty(t, w.Top)
	assert.Equal(t, a.Pseudonym("acme"), w.Top[0].ID)
	assert.GreaterOrEqual(t, w.Top[0].Requests, uint64(200))
	assert.LessOrEqual(t, w.Top[0].Requests-w.Top[0].Error, uint64(200))
	assert.LessOrEqual(t, len(w.Top), 10)
}

func TestReadSnapshotRejectsBadSketch(t *testing.T) {
	tests := []struct {
		name, body string
	}{
		{"not json", `{`},
		{"not base64", `{"keyId":"x","today":"2026-12-03","routes":[{"method":"GET","pattern":"/a","kind":"demand","days":[{"day":"2026-12-03","requests":1,"anonymous":0,"callers":"***"}]}]}`},
		{"not a sketch", `{"keyId":"x","today":"2026-12-03","routes":[{"method":"GET","pattern":"/a","kind":"demand","days":[{"day":"2026-12-03","requests":1,"anonymous":0,"callers":"AAAA"}]}]}`},
		{"bad kind", `{"keyId":"x","today":"2026-12-03","routes":[{"method":"GET","pattern":"/a","kind":"other","days":[]}]}`},
		{"bad day", `{"keyId":"x","today":"yesterday","routes":[]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := demand.ReadSnapshot(strings.NewReader(tc.body))
			assert.ErrorIs(t, err, demand.ErrSnapshot)
		})
	}
}

func TestHandlerDenies(t *testing.T) {
	c := demand.New(testKey, demand.Options{Secret: secret})
	c.Count(planned, router.Planned, router.OutcomeStubbed, "ada")
	h := c.Handler(func(*http.Request) bool { return false }, http.NotFoundHandler())
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/demand", nil))
	res := w.Result()
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
	assert.NotContains(t, w.Body.String(), planned.Pattern)
}

// TestTrack sends the counted requests to an OpenFeature provider that
// records tracking events.
func TestTrack(t *testing.T) {
	p := memprovider.NewInMemoryProvider(nil)
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	client := openfeature.NewClient(t.Name())
	c := demand.New(testKey, demand.Options{Secret: secret, Track: client})
	c.ObserveCaller(planned, router.Planned, router.OutcomeStubbed, request("ada"))
	c.ObserveCaller(retiring, router.Deprecated, router.OutcomeServed, request("bob"))
	c.ObserveCaller(live, router.Live, router.OutcomeServed, request("cy")) // not counted, not tracked

	got := p.TrackingEvents(demand.EventDemand)
	require.Len(t, got, 1)
	assert.Equal(t, 1.0, got[0].Value)
	assert.Equal(t, "PUT /api/reports/export", got[0].Data[demand.TrackRoute])
	assert.Equal(t, "planned", got[0].Data[demand.TrackStage])
	assert.Equal(t, "stubbed", got[0].Data[demand.TrackOutcome])
	dep := p.TrackingEvents(demand.EventDeprecated)
	require.Len(t, dep, 1)
	assert.Equal(t, "GET /api/v0/users/{id}", dep[0].Data[demand.TrackRoute])
}
