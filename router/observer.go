package router

import "net/http"

// Outcome is what the router did with one request to a declared route, as
// reported to an [Observer].
type Outcome uint8

// Outcomes, in the order a route's life reaches them.
const (
	// OutcomeServed: the route's handler answered.
	OutcomeServed Outcome = iota
	// OutcomeStubbed: the route is off and its off answer was sent (501 by
	// default, or the configured OffAnswer, OffHandler or Example preview).
	OutcomeStubbed
	// OutcomeHidden: the route is off and answered as if it were not
	// declared (404 or 405): OffNotFound, or a caller Config.Roadmap rejects.
	OutcomeHidden
	// OutcomeRemoved: the route is Removed (or past its Sunset, or browned
	// out) and answered 410 Gone.
	OutcomeRemoved
)

var outcomeNames = [...]string{OutcomeServed: "served", OutcomeStubbed: "stubbed", OutcomeHidden: "hidden", OutcomeRemoved: "removed"}

// String returns the outcome's lower-case name: "served", "stubbed",
// "hidden" or "removed".
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "unknown"
}

// Observer is told the outcome of every request the router answers for a
// declared route (not those rejected for a malformed opt-in header), for
// metrics. ObserveRequest runs on the request path before the answer is
// written: it must be fast and safe for concurrent use. route points into
// the frozen table and must not be modified; stage is the stage in force.
type Observer interface {
	ObserveRequest(route *Route, stage Stage, outcome Outcome)
}

// CallerObserver is an [Observer] that also learns who the caller is: when
// Config.Observer implements it, the router calls ObserveCaller instead of
// ObserveRequest, with the request. It runs like ObserveRequest and must not
// keep r nor read its body.
type CallerObserver interface {
	Observer
	ObserveCaller(route *Route, stage Stage, outcome Outcome, r *http.Request)
}

// observe reports an outcome to the Observer, if any.
func (e *entry) observe(stage Stage, o Outcome, r *http.Request) {
	rt := e.path.rt
	switch {
	case rt.callerObs != nil:
		rt.callerObs.ObserveCaller(&e.Route, stage, o, r)
	case rt.obs != nil:
		rt.obs.ObserveRequest(&e.Route, stage, o)
	}
}
