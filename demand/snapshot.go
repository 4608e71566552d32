package demand

import (
	"cmp"
	"encoding/base64"
	"errors"
	"slices"

	"github.com/axiomhq/hyperloglog"
)

// Snapshot is a copy of a Counter's buckets that can be sent to another
// process and merged with other replicas' snapshots ([Merge]). Its JSON form
// is what [Counter.Handler] serves. Sketches merge exactly: the merged
// sketch of two replicas is the sketch of the union of their callers, so a
// caller seen by both counts once.
//
// A Snapshot names every counted route, hidden ones included, and the
// pseudonyms of top callers: it is for operators only.
//
// Reading a Snapshot (Report, JSON encoding) does not modify it; Merge
// returns a new one.
type Snapshot struct {
	// KeyID identifies the secret targeting keys were hashed with (not the
	// secret itself). Snapshots merge only with equal KeyIDs.
	KeyID string `json:"keyId"`
	// Today is the day the snapshot was taken (the latest, once merged).
	Today Day `json:"today"`
	// Routes are the counted routes, ordered by method and pattern.
	Routes []RouteSnapshot `json:"routes"`
}

// RouteSnapshot is one route's buckets.
type RouteSnapshot struct {
	// Method and Pattern identify the route.
	Method  string `json:"method"`
	Pattern string `json:"pattern"`
	// Name is the route's declared Name, if any.
	Name string `json:"name,omitempty"`
	// Kind says what the counts mean.
	Kind Kind `json:"kind"`
	// Days are the days with requests, oldest first, within Days of Today.
	Days []DaySnapshot `json:"days"`
}

// DaySnapshot is one route's counts on one UTC day.
type DaySnapshot struct {
	// Day is the UTC day.
	Day Day `json:"day"`
	// Requests counts the requests, Anonymous those without targeting key.
	Requests  uint64 `json:"requests"`
	Anonymous uint64 `json:"anonymous"`
	// Callers is the sketch of the distinct targeting keys, nil when every
	// request was anonymous.
	Callers *Sketch `json:"callers,omitempty"`
	// Top is the Space-Saving summary of a deprecated route's callers,
	// highest count first.
	Top []Caller `json:"top,omitempty"`
	// TopFloor bounds the requests of a caller not in Top: 0 when Top is
	// exact (it never evicted anyone).
	TopFloor uint64 `json:"topFloor,omitempty"`
}

// Caller is one of a deprecated route's most frequent callers.
type Caller struct {
	// ID is the caller's pseudonym (see [Counter.Pseudonym]).
	ID string `json:"id"`
	// Requests is an upper bound of the caller's requests; the true count
	// is at least Requests - Error.
	Requests uint64 `json:"requests"`
	// Error bounds the overestimate.
	Error uint64 `json:"error"`
}

// Sketch is a HyperLogLog sketch of distinct callers
// (github.com/axiomhq/hyperloglog, precision 12). Its text and JSON form is
// the base64 of the library's binary encoding, which the library validates
// when it reads it.
type Sketch struct {
	hll *hyperloglog.Sketch
}

// Estimate returns the estimated number of distinct callers.
func (s *Sketch) Estimate() uint64 {
	if s == nil || s.hll == nil {
		return 0
	}
	return s.hll.Clone().Estimate() // Estimate compacts: keep s unchanged
}

// MarshalText implements encoding.TextMarshaler.
func (s *Sketch) MarshalText() ([]byte, error) {
	b, err := s.hll.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.AppendEncode(nil, b), nil
}

// maxSketchText bounds an encoded sketch: a dense sketch of precision 12 is
// 4 KiB and some header (base64: a third more), a sparse one is smaller.
const maxSketchText = 8 << 10

// UnmarshalText implements encoding.TextUnmarshaler. It accepts only
// sketches of the Counter's precision.
func (s *Sketch) UnmarshalText(text []byte) error {
	if len(text) > maxSketchText {
		return errorf("sketch of %d bytes (at most %d)", len(text), maxSketchText)
	}
	b, err := base64.StdEncoding.AppendDecode(nil, text)
	if err != nil {
		return errorf("sketch: %v", err)
	}
	h := newSketch()
	if err := h.UnmarshalBinary(b); err != nil {
		return errorf("sketch: %v", err)
	}
	if err := newSketch().Merge(h); err != nil {
		return errorf("sketch: %v", err) // another precision
	}
	s.hll = h
	return nil
}

// Snapshot copies the Counter's buckets of the last Days days.
func (c *Counter) Snapshot() *Snapshot {
	today := dayOf(c.now())
	s := &Snapshot{KeyID: c.keyID, Today: today}
	for _, rd := range *c.routes.Load() {
		s.Routes = append(s.Routes, rd.snapshot(today))
	}
	sortRoutes(s.Routes)
	return s
}

func (rd *routeDemand) snapshot(today Day) RouteSnapshot {
	out := RouteSnapshot{Method: rd.method, Pattern: rd.pattern, Name: rd.name, Kind: rd.kind}
	rd.mu.Lock()
	defer rd.mu.Unlock()
	for i := range rd.days {
		b := &rd.days[i]
		if !b.used || b.day > today || b.day <= today-Days {
			continue
		}
		ds := DaySnapshot{Day: b.day, Requests: b.requests, Anonymous: b.anonymous, TopFloor: b.top.min()}
		if b.callers != nil {
			ds.Callers = &Sketch{hll: b.callers.Clone()}
		}
		for _, e := range b.top.e {
			ds.Top = append(ds.Top, Caller{ID: pseudonym(e.id), Requests: e.count, Error: e.err})
		}
		sortCallers(ds.Top)
		out.Days = append(out.Days, ds)
	}
	slices.SortFunc(out.Days, func(a, b DaySnapshot) int { return cmp.Compare(a.Day, b.Day) })
	return out
}

func sortRoutes(rs []RouteSnapshot) {
	slices.SortFunc(rs, func(a, b RouteSnapshot) int {
		return cmp.Or(cmp.Compare(a.Pattern, b.Pattern), cmp.Compare(a.Method, b.Method))
	})
}

func sortCallers(cs []Caller) {
	slices.SortFunc(cs, func(a, b Caller) int {
		return cmp.Or(cmp.Compare(b.Requests, a.Requests), cmp.Compare(a.ID, b.ID))
	})
}

// Merge merges replicas' snapshots into a new one: per route and day,
// requests add up, sketches merge into the sketch of the union of callers,
// and top-caller summaries merge (counts add up; a caller missing from one
// summary is counted at that summary's floor, so bounds stay bounds). Days
// older than Days before the latest Today are dropped.
//
// The snapshots must have the same KeyID (the same Options.Secret); the
// error then wraps ErrKeyMismatch. A malformed snapshot (unknown kind, a
// bad caller id) makes an error wrapping ErrSnapshot. Merge never modifies
// its arguments.
func Merge(snaps ...*Snapshot) (*Snapshot, error) {
	out := &Snapshot{}
	type routeKey struct{ method, pattern string }
	routes := map[routeKey]*RouteSnapshot{}
	days := map[routeKey]map[Day]*DaySnapshot{}
	var order []routeKey
	first := true
	for _, s := range snaps {
		if s == nil {
			continue
		}
		switch {
		case first:
			out.KeyID, out.Today, first = s.KeyID, s.Today, false
		case s.KeyID != out.KeyID:
			return nil, errors.Join(ErrSnapshot, ErrKeyMismatch)
		case s.Today > out.Today:
			out.Today = s.Today
		}
		for _, r := range s.Routes {
			if int(r.Kind) >= len(kindNames) {
				return nil, errorf("route %s %s: unknown kind %d", r.Method, r.Pattern, r.Kind)
			}
			k := routeKey{r.Method, r.Pattern}
			if routes[k] == nil {
				routes[k] = &RouteSnapshot{Method: r.Method, Pattern: r.Pattern, Name: r.Name, Kind: r.Kind}
				days[k] = map[Day]*DaySnapshot{}
				order = append(order, k)
			}
			for _, d := range r.Days {
				acc := days[k][d.Day]
				if acc == nil {
					acc = &DaySnapshot{Day: d.Day}
					days[k][d.Day] = acc
				}
				if err := acc.merge(d); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, k := range order {
		r := routes[k]
		for d, ds := range days[k] {
			if d > out.Today-Days && d <= out.Today {
				r.Days = append(r.Days, *ds)
			}
		}
		slices.SortFunc(r.Days, func(a, b DaySnapshot) int { return cmp.Compare(a.Day, b.Day) })
		out.Routes = append(out.Routes, *r)
	}
	sortRoutes(out.Routes)
	return out, nil
}

// merge adds d to ds, which Merge owns.
func (ds *DaySnapshot) merge(d DaySnapshot) error {
	ds.Requests += d.Requests
	ds.Anonymous += d.Anonymous
	if d.Callers != nil && d.Callers.hll != nil {
		if ds.Callers == nil {
			ds.Callers = &Sketch{hll: newSketch()}
		}
		if err := ds.Callers.hll.Merge(d.Callers.hll); err != nil {
			return errorf("day %s: %v", d.Day, err)
		}
	}
	top, floor, err := mergeTop(ds.Top, ds.TopFloor, d.Top, d.TopFloor, max(len(ds.Top), len(d.Top)))
	if err != nil {
		return err
	}
	ds.Top, ds.TopFloor = top, floor
	return nil
}

// mergeTop merges two Space-Saving summaries with their floors into one of
// at most capacity callers, and returns its floor. A caller missing from a
// summary may have up to that summary's floor of requests there, so it is
// counted at the floor, and the floor is added to its error.
func mergeTop(a []Caller, floorA uint64, b []Caller, floorB uint64, capacity int) ([]Caller, uint64, error) {
	if len(b) == 0 && floorB == 0 {
		return a, floorA, nil
	}
	type acc struct {
		c        Caller
		inA, inB bool
	}
	byID := map[string]*acc{}
	var ids []string
	for _, list := range [2][]Caller{a, b} {
		for _, c := range list {
			if _, err := parsePseudonym(c.ID); err != nil {
				return nil, 0, err
			}
			if byID[c.ID] == nil {
				byID[c.ID] = &acc{c: Caller{ID: c.ID}}
				ids = append(ids, c.ID)
			}
		}
	}
	for _, c := range a {
		e := byID[c.ID]
		e.c.Requests += c.Requests
		e.c.Error += c.Error
		e.inA = true
	}
	for _, c := range b {
		e := byID[c.ID]
		e.c.Requests += c.Requests
		e.c.Error += c.Error
		e.inB = true
	}
	out := make([]Caller, 0, len(ids))
	for _, id := range ids {
		e := byID[id]
		if !e.inA {
			e.c.Requests += floorA
			e.c.Error += floorA
		}
		if !e.inB {
			e.c.Requests += floorB
			e.c.Error += floorB
		}
		out = append(out, e.c)
	}
	sortCallers(out)
	floor := floorA + floorB
	if len(out) > capacity {
		floor = max(floor, out[capacity].Requests)
		out = out[:capacity]
	}
	return out, floor, nil
}
