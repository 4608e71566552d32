package demand_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/router"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var (
	day0      = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	testKey   = demand.HeaderKey("X-User-ID")
	secret    = []byte("test secret shared by replicas")
	planned   = &router.Route{Method: http.MethodPut, Pattern: "/api/reports/export", Stage: router.Planned, Name: "Report export"}
	beta      = &router.Route{Method: http.MethodPatch, Pattern: "/api/users/{id}", Stage: router.Beta, Flag: "users-patch"}
	live      = &router.Route{Method: http.MethodGet, Pattern: "/api/users/{id}", Stage: router.Live}
	removed   = &router.Route{Method: http.MethodGet, Pattern: "/api/v0/reports", Stage: router.Removed}
	retiring  = &router.Route{Method: http.MethodGet, Pattern: "/api/v0/users/{id}", Stage: router.Deprecated, Deprecation: day0}
	keyOfUser = func(i int) string { return fmt.Sprintf("user-%d", i) }
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		name    string
		route   *router.Route
		stage   router.Stage
		outcome router.Outcome
		want    demand.Kind
		counted bool
	}{
		{"planned stubbed", planned, router.Planned, router.OutcomeStubbed, demand.KindDemand, true},
		{"planned hidden", planned, router.Planned, router.OutcomeHidden, demand.KindDemand, true},
		{"planned served by its flag", planned, router.Planned, router.OutcomeServed, demand.KindDemand, false},
		{"planned gone live", planned, router.Live, router.OutcomeServed, demand.KindDemand, false},
		{"beta off", beta, router.Beta, router.OutcomeStubbed, demand.KindDemand, true},
		{"beta on", beta, router.Beta, router.OutcomeServed, demand.KindDemand, false},
		{"live", live, router.Live, router.OutcomeServed, 0, false},
		{"removed", removed, router.Removed, router.OutcomeRemoved, 0, false},
		{"deprecated served", retiring, router.Deprecated, router.OutcomeServed, demand.KindDeprecated, true},
		{"deprecated browned out", retiring, router.Deprecated, router.OutcomeRemoved, demand.KindDeprecated, true},
		{"deprecated past sunset", retiring, router.Removed, router.OutcomeRemoved, demand.KindDeprecated, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, counted := demand.KindOf(tc.route, tc.stage, tc.outcome)
			assert.Equal(t, tc.counted, counted, "counted")
			if counted {
				assert.Equal(t, tc.want, got, "got %v, want %v", got, tc.want)
			}
		})
	}
}

func request(key string) *http.Request {
	r := httptest.NewRequest(http.MethodPut, "/api/reports/export", nil)
	if key != "" {
		r.Header.Set("X-User-ID", key)
	}
	return r
}

func window(t *testing.T, rep demand.Report, route *router.Route, days int) demand.Window {
	t.Helper()
	rr, ok := rep.Route(route.Method, route.Pattern)
	require.True(t, ok, "route %s %s not in the report", route.Method, route.Pattern)
	w, ok := rr.Window(days)
	require.True(t, ok, "no %d-day window", days)
	return w
}

// TestWindows counts callers over days with an injected clock: the 7-day
// window forgets a day 7 days later, the 30-day one 30 days later, and
// anonymous callers are counted apart.
func TestWindows(t *testing.T) {
	clk := newClock(day0)
	c := demand.New(testKey, demand.Options{Now: clk.Now, Secret: secret})
	obs := func(key string) {
		c.ObserveCaller(planned, router.Planned, router.OutcomeStubbed, request(key))
	}
	// Day 0: ada twice, bob, two anonymous requests.
	for _, k := range []string{"ada", "ada", "bob", "", ""} {
		obs(k)
	}
	// Not counted: a live route, and the planned route served.
	c.ObserveCaller(live, router.Live, router.OutcomeServed, request("eve"))
	c.ObserveCaller(planned, router.Planned, router.OutcomeServed, request("eve"))
	clk.Add(3 * 24 * time.Hour) // day 3: ada again, cy
	obs("ada")
	obs("cy")

	tests := []struct {
		name                string
		advance             time.Duration
		days                int
		requests, anonymous uint64
		callers             uint64
	}{
		{"day 3, 7 days", 0, 7, 7, 2, 3},
		{"day 3, 30 days", 0, 30, 7, 2, 3},
		{"day 7: day 0 left the week", 4 * 24 * time.Hour, 7, 2, 0, 2},
		{"day 7, 30 days", 0, 30, 7, 2, 3},
		{"day 30: day 0 left the month", 23 * 24 * time.Hour, 30, 2, 0, 2},
		{"day 33: nothing left", 3 * 24 * time.Hour, 30, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk.Add(tc.advance)
			rep := c.Report()
			if tc.requests == 0 {
				if rr, ok := rep.Route(planned.Method, planned.Pattern); ok {
					w, _ := rr.Window(tc.days)
					assert.Zero(t, w.Requests)
				}
				return
			}
			w := window(t, rep, planned, tc.days)
			assert.Equal(t, tc.requests, w.Requests, "requests")
			assert.Equal(t, tc.anonymous, w.Anonymous, "anonymous")
			assert.Equal(t, tc.callers, w.Callers, "callers")
		})
	}
	_, ok := c.Report().Route(live.Method, live.Pattern)
	assert.False(t, ok, "a live route is not counted")
}

// TestDayRingReuse checks that a slot reused 30 days later starts empty.
func TestDayRingReuse(t *testing.T) {
	clk := newClock(day0)
	c := demand.New(testKey, demand.Options{Now: clk.Now, Secret: secret})
	for i := range 100 {
		c.Count(planned, router.Planned, router.OutcomeStubbed, keyOfUser(i))
	}
	clk.Add(demand.Days * 24 * time.Hour)
	c.Count(planned, router.Planned, router.OutcomeStubbed, "ada")
	w := window(t, c.Report(), planned, demand.Days)
	assert.Equal(t, uint64(1), w.Requests)
	assert.Equal(t, uint64(1), w.Callers)
}

// TestTopCallers sends a deprecated route a stream where three callers
// make over N/20 of the N requests each, among many one-off callers, to a
// summary of 20: they lead the top list (Space-Saving guarantees it),
// with bounds that contain their true counts, under the names Pseudonym
// gives them.
func TestTopCallers(t *testing.T) {
	clk := newClock(day0)
	c := demand.New(testKey, demand.Options{Now: clk.Now, Secret: secret, TopCallers: 20})
	truth := map[string]uint64{}
	for i := range 2000 {
		k := keyOfUser(i)
		switch {
		case i%4 == 0:
			k = "acme"
		case i%7 == 0:
			k = "globex"
		case i%9 == 0:
			k = "initech"
		}
		truth[k]++
		c.Count(retiring, router.Deprecated, router.OutcomeServed, k)
	}
	w := window(t, c.Report(), retiring, 7)
	require.Len(t, w.Top, 20, "the summary keeps TopCallers callers")
	for i, k := range []string{"acme", "globex", "initech"} {
		got := w.Top[i]
		assert.Equal(t, c.Pseudonym(k), got.ID, "rank %d", i)
		assert.GreaterOrEqual(t, got.Requests, truth[k], "%s: an upper bound", k)
		assert.LessOrEqual(t, got.Requests-got.Error, truth[k], "%s: minus the error, a lower bound", k)
	}
	assert.Equal(t, uint64(2000), w.Requests)
}

// TestKeysNeverInClear checks that no view holds a targeting key.
func TestKeysNeverInClear(t *testing.T) {
	c := demand.New(testKey, demand.Options{Secret: secret})
	keys := []string{"grace-hopper@example.com", "linus-torvalds-7"}
	for _, k := range keys {
		c.Count(retiring, router.Deprecated, router.OutcomeServed, k)
		c.Count(planned, router.Planned, router.OutcomeStubbed, k)
	}
	snap, err := json.Marshal(c.Snapshot())
	require.NoError(t, err)
	rep, err := json.Marshal(c.Report())
	require.NoError(t, err)
	for _, k := range keys {
		assert.NotContains(t, string(snap), k)
		assert.NotContains(t, string(rep), k)
	}
	assert.Contains(t, string(rep), c.Pseudonym(keys[0]))
}

// TestPseudonymKeyed checks that pseudonyms depend on the secret.
func TestPseudonymKeyed(t *testing.T) {
	a := demand.New(testKey, demand.Options{Secret: []byte("a")})
	b := demand.New(testKey, demand.Options{Secret: []byte("b")})
	a2 := demand.New(testKey, demand.Options{Secret: []byte("a")})
	assert.NotEqual(t, a.Pseudonym("ada"), b.Pseudonym("ada"))
	assert.Equal(t, a.Pseudonym("ada"), a2.Pseudonym("ada"))
	assert.Len(t, a.Pseudonym("ada"), 16)
	long := strings.Repeat("k", 1000) // hashed from the heap
	assert.Equal(t, a.Pseudonym(long), a2.Pseudonym(long))
}
