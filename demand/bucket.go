package demand

import (
	"sync"

	"github.com/axiomhq/hyperloglog"

	"github.com/roadmap-go/roadmap/router"
)

// precision is the sketches' precision: 2^12 one-byte registers (4 KiB), a
// standard error of 1.04/√4096 ≈ 1.6%. The sketches are dense from the
// first caller of the day: the library's sparse form saves memory while
// few callers are seen, but callers who come back make it re-insert and
// re-merge its list (hundreds of ns and some garbage per request), and the
// counting path must cost nothing the user feels.
const precision = 12

// newSketch returns an empty dense sketch of the Counter's precision.
func newSketch() *hyperloglog.Sketch {
	s, err := hyperloglog.NewSketch(precision, false)
	if err != nil {
		panic("demand: " + err.Error()) // precision is a valid constant
	}
	return s
}

// routeDemand holds one route's day buckets.
type routeDemand struct {
	method, pattern, name string
	kind                  Kind

	mu   sync.Mutex
	days [Days]bucket // bucket of day d at d mod Days
}

// bucket holds one day's counts of one route.
type bucket struct {
	day       Day
	used      bool
	requests  uint64
	anonymous uint64
	callers   *hyperloglog.Sketch // nil until a caller with a key is seen
	top       topK                // deprecated routes only
}

func newRouteDemand(r *router.Route, kind Kind) *routeDemand {
	return &routeDemand{method: r.Method, pattern: r.Pattern, name: r.Name, kind: kind}
}

// slot returns the index of day d in the ring.
func slot(d Day) int { return int(((int64(d) % Days) + Days) % Days) }

// add counts one request on day d; h is the caller's keyed hash when keyed.
func (rd *routeDemand) add(d Day, h uint64, keyed bool, topCap int) {
	rd.mu.Lock()
	b := &rd.days[slot(d)]
	if !b.used || b.day != d {
		if b.used && d < b.day {
			rd.mu.Unlock() // the clock went back past the ring: too old to count
			return
		}
		// A new day reuses the slot of the day Days ago, its sketch
		// and summary emptied.
		if b.callers != nil {
			b.callers.Reset()
		}
		*b = bucket{day: d, used: true, callers: b.callers, top: topK{e: b.top.e[:0]}}
	}
	b.requests++
	if !keyed {
		b.anonymous++
		rd.mu.Unlock()
		return
	}
	if b.callers == nil {
		b.callers = newSketch()
	}
	b.callers.InsertHash(h)
	if rd.kind == KindDeprecated && topCap > 0 {
		if b.top.e == nil {
			b.top.e = make([]topEntry, 0, topCap)
		}
		b.top.add(h)
	}
	rd.mu.Unlock()
}

// topK is a Space-Saving summary (Metwally, Agrawal and El Abbadi,
// "Efficient Computation of Frequent and Top-k Elements in Data Streams",
// 2005) of at most cap(e) callers: a caller already in it counts one more;
// a new one takes a free entry or, when the summary is full, replaces the
// entry with the smallest count, inheriting that count (+1) as its count
// and that count as its error. So every count is an overestimate by at most
// its error, and any caller with more than N/cap(e) of the N requests is
// in the summary. With a few dozen entries a linear scan is the fastest
// lookup, and it allocates nothing.
type topK struct {
	e []topEntry
}

type topEntry struct {
	id    uint64 // keyed hash of the targeting key
	count uint64 // requests counted for id (an overestimate)
	err   uint64 // by at most this much
}

func (t *topK) add(id uint64) {
	low := -1
	for i := range t.e {
		if t.e[i].id == id {
			t.e[i].count++
			return
		}
		if low < 0 || t.e[i].count < t.e[low].count {
			low = i
		}
	}
	if len(t.e) < cap(t.e) {
		t.e = append(t.e, topEntry{id: id, count: 1})
		return
	}
	m := &t.e[low]
	*m = topEntry{id: id, count: m.count + 1, err: m.count}
}

// full reports whether the summary has evicted or may evict: then a caller
// not in it may have up to min() requests.
func (t *topK) full() bool { return len(t.e) > 0 && len(t.e) == cap(t.e) }

// min returns the smallest count, the bound on the requests of a caller
// not in a full summary (0 when the summary is not full: it is exact).
func (t *topK) min() uint64 {
	if !t.full() {
		return 0
	}
	m := t.e[0].count
	for _, e := range t.e[1:] {
		m = min(m, e.count)
	}
	return m
}
