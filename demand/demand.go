package demand

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/router"
)

// Days is the length of the longest window, in UTC days: a Counter keeps one
// bucket per day for the last Days days, today included.
const Days = 30

// Windows are the windows reports give, in days, today included: the last
// 7 and the last 30 days.
var Windows = [...]int{7, Days}

// DefaultTopCallers is the number of callers the top-k summary of a
// deprecated route tracks per day when Options.TopCallers is zero.
const DefaultTopCallers = 20

// maxTopCallers bounds Options.TopCallers: the summary is scanned on every
// request to a deprecated route.
const maxTopCallers = 256

// KeyFunc returns the caller's targeting key for a request, "" for an
// anonymous caller. It runs on the request path of counted requests: it must
// be fast, safe for concurrent use, and should not allocate (see [HeaderKey]).
type KeyFunc func(*http.Request) string

// HeaderKey returns a KeyFunc that reads the targeting key from the request
// header name, as [flags.FromHeader] does for flag evaluations. Use the same
// header as the router's Config.Context, so that demand counts the callers
// flags target.
//
// [flags.FromHeader]: https://pkg.go.dev/github.com/roadmap-go/roadmap/flags#FromHeader
func HeaderKey(name string) KeyFunc {
	name = http.CanonicalHeaderKey(name)
	return func(r *http.Request) string {
		if v := r.Header[name]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
}

// Tracker sends tracking events to a flag service; *openfeature.Client has
// this method (OpenFeature's Client.Track).
type Tracker interface {
	Track(ctx context.Context, trackingEventName string, evalCtx openfeature.EvaluationContext, details openfeature.TrackingEventDetails)
}

// Options configures a [Counter]. The zero value uses the real clock, a
// random hashing key (so that the Counter's snapshots merge with no other
// Counter's), DefaultTopCallers and no tracking.
type Options struct {
	// Now is the clock that picks the day bucket. Nil means time.Now.
	Now func() time.Time
	// Secret keys the hash of targeting keys. Counters whose snapshots are
	// merged (the replicas of one service) must share it; Merge refuses
	// snapshots hashed with different secrets. Keep it secret: with it,
	// anyone who can guess a targeting key can test whether it called.
	// Nil means 32 random bytes, new for each Counter.
	Secret []byte
	// TopCallers is the number of callers tracked per day for each
	// deprecated route (the Space-Saving summary's capacity, at most 256).
	// Zero means DefaultTopCallers; negative disables the top callers.
	TopCallers int
	// Track, if set, also receives every counted request as an OpenFeature
	// tracking event (see [EventDemand] and [EventDeprecated]), typically the
	// *openfeature.Client the router evaluates flags with. It runs on the
	// request path and allocates the event; nil costs nothing.
	Track Tracker
}

// Counter counts the demand for planned and beta routes and the callers of
// deprecated routes: per route and per UTC day, requests, anonymous
// requests, distinct callers (a HyperLogLog sketch of hashed targeting
// keys) and, for deprecated routes, the most frequent callers (a
// Space-Saving summary of hashed keys). Targeting keys are never stored: only
// their keyed hash (see [Counter.Pseudonym]).
//
// Memory is bounded whatever the traffic: per counted route, at most Days
// sketches of 4 KiB (one per day with a keyed caller) and Days summaries of
// TopCallers entries.
//
// Pass a Counter as the router's demand observer (it has ObserveCaller), or
// call [Counter.Count]. A Counter is safe for concurrent use; counting takes
// one short per-route lock and allocates nothing once the route and the
// day's sketch exist (targeting keys over 256 bytes are copied once to be
// hashed).
type Counter struct {
	key   KeyFunc
	now   func() time.Time
	k0    uint64 // SipHash key
	k1    uint64
	keyID string // identifies the secret in snapshots, see Snapshot.KeyID
	top   int    // summary capacity, 0 for none
	track Tracker

	// With the real clock, today is the current UTC day, advanced by a
	// timer at each midnight: reading the clock on every request costs
	// more than the rest of the counting (see day). With Options.Now,
	// timer is nil and the clock is read per request.
	today   atomic.Int64
	timerMu sync.Mutex
	timer   *time.Timer
	closed  bool

	mu     sync.Mutex // serialises writers of routes
	routes atomic.Pointer[map[*router.Route]*routeDemand]
}

// New returns a Counter that takes callers' targeting keys from requests
// with key (see [HeaderKey]).
func New(key KeyFunc, opts Options) *Counter {
	if key == nil {
		panic("demand: New with a nil KeyFunc")
	}
	c := &Counter{key: key, now: opts.Now, track: opts.Track, top: opts.TopCallers}
	if c.now == nil {
		c.now = time.Now
		c.timerMu.Lock()
		c.timer = time.AfterFunc(c.roll(), c.midnight)
		c.timerMu.Unlock()
	}
	switch {
	case c.top == 0:
		c.top = DefaultTopCallers
	case c.top < 0:
		c.top = 0
	case c.top > maxTopCallers:
		c.top = maxTopCallers
	}
	secret := opts.Secret
	if secret == nil {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret) // never fails (crypto/rand)
	}
	sum := sha256.Sum256(append([]byte("roadmap demand key\x00"), secret...))
	c.k0 = binary.LittleEndian.Uint64(sum[0:8])
	c.k1 = binary.LittleEndian.Uint64(sum[8:16])
	c.keyID = pseudonym(c.hash("roadmap demand key id"))
	c.routes.Store(&map[*router.Route]*routeDemand{})
	return c
}

// Kind tells what a counted route's requests mean.
type Kind uint8

const (
	// KindDemand counts requests a Planned or Beta route answered without
	// serving them: the caller asked for something not (yet) theirs.
	KindDemand Kind = iota
	// KindDeprecated counts requests to a route declared Deprecated,
	// served or not (after its Sunset, or in a brownout): who still calls
	// it.
	KindDeprecated
)

var kindNames = [...]string{KindDemand: "demand", KindDeprecated: "deprecated"}

// String returns "demand" or "deprecated".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if n == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return errorf("unknown kind %q", b)
}

// KindOf tells whether a request the router reported is counted, and as
// what: requests to Planned and Beta routes that were not served (outcome
// stubbed or hidden, stage in force still Planned or Beta), and every
// request to a route declared Deprecated.
func KindOf(route *router.Route, stage router.Stage, outcome router.Outcome) (Kind, bool) {
	switch route.Stage {
	case router.Planned, router.Beta:
		early := stage == router.Planned || stage == router.Beta
		return KindDemand, early && (outcome == router.OutcomeStubbed || outcome == router.OutcomeHidden)
	case router.Deprecated:
		return KindDeprecated, true
	}
	return 0, false
}

// ObserveCaller counts one request the router answered, if [KindOf] says it
// counts, for the caller the Counter's KeyFunc finds in r; it is the
// router's demand observer. route must be the router's own declaration
// (the same pointer for every request to a route).
func (c *Counter) ObserveCaller(route *router.Route, stage router.Stage, outcome router.Outcome, r *http.Request) {
	kind, ok := KindOf(route, stage, outcome)
	if !ok {
		return
	}
	key := c.key(r)
	c.add(route, kind, key)
	if c.track != nil {
		c.sendEvent(r.Context(), route, kind, stage, outcome, key)
	}
}

// Count counts one request to route for the caller whose targeting key is
// key ("" for anonymous), if [KindOf] says it counts. It is ObserveCaller
// without the request (and without tracking).
func (c *Counter) Count(route *router.Route, stage router.Stage, outcome router.Outcome, key string) {
	if kind, ok := KindOf(route, stage, outcome); ok {
		c.add(route, kind, key)
	}
}

func (c *Counter) add(route *router.Route, kind Kind, key string) {
	rd := (*c.routes.Load())[route]
	if rd == nil {
		rd = c.addRoute(route, kind)
	}
	var h uint64
	if key != "" {
		h = c.hash(key)
	}
	rd.add(c.day(), h, key != "", c.top)
}

// day returns the current UTC day.
func (c *Counter) day() Day {
	if c.timer == nil {
		return dayOf(c.now())
	}
	return Day(c.today.Load())
}

// roll sets today from the clock and returns the time to the next midnight.
func (c *Counter) roll() time.Duration {
	now := time.Now()
	d := dayOf(now)
	c.today.Store(int64(d))
	return (d + 1).Time().Sub(now)
}

// midnight runs at each midnight (a little after, as timers do) to move
// counting to the new day.
func (c *Counter) midnight() {
	c.timerMu.Lock()
	defer c.timerMu.Unlock()
	if !c.closed {
		c.timer.Reset(c.roll())
	}
}

// Close stops the timer that moves counting to a new day at midnight;
// until then the timer keeps the Counter alive. A closed Counter keeps
// counting, into the day it was closed on, and reporting. Close is a no-op
// for a Counter with Options.Now.
func (c *Counter) Close() {
	c.timerMu.Lock()
	defer c.timerMu.Unlock()
	c.closed = true
	if c.timer != nil {
		c.timer.Stop()
	}
}

// addRoute makes the counters of a route on its first counted request
// (copy on write: readers never lock).
func (c *Counter) addRoute(route *router.Route, kind Kind) *routeDemand {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := *c.routes.Load()
	if rd := old[route]; rd != nil {
		return rd
	}
	rd := newRouteDemand(route, kind)
	next := make(map[*router.Route]*routeDemand, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[route] = rd
	c.routes.Store(&next)
	return rd
}

// Pseudonym returns the name under which the Counter reports the caller
// with targeting key key among the top callers: 16 hex digits of the keyed
// hash. An operator who knows a customer's key finds it in reports with it;
// nobody without the Counter's secret can go the other way.
func (c *Counter) Pseudonym(key string) string { return pseudonym(c.hash(key)) }
