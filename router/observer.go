package router

// Outcome is what the router did with one request to a declared route, as
// reported to an [Observer].
type Outcome uint8

// Outcomes, in the order a route's life reaches them.
const (
	// OutcomeServed means the route's handler answered: a Live or Deprecated
	// route, or a Planned or Beta route whose flag is on.
	OutcomeServed Outcome = iota
	// OutcomeStubbed means the route is off and its off answer was sent (501 by
	// default, or the configured OffAnswer, OffHandler or Example preview).
	OutcomeStubbed
	// OutcomeHidden means the route is off and answered exactly as if it were not
	// declared (404 or 405): OffNotFound, or a caller Config.Roadmap
	// rejects.
	OutcomeHidden
	// OutcomeRemoved means the route is Removed, or Deprecated past its Sunset,
	// and answered 410 Gone.
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
// declared route, for metrics. Requests to undeclared paths or methods, and
// requests rejected for a malformed opt-in header, are not reported.
//
// ObserveRequest runs on the request path before the answer is written: it
// must be fast and safe for concurrent use. route points into the router's frozen
// table and must not be modified; stage is the stage in force for the
// request (Live after LiveFrom, Removed after Sunset).
type Observer interface {
	ObserveRequest(route *Route, stage Stage, outcome Outcome)
}

// observe reports an outcome when an Observer is configured. With no
// Observer it costs one nil check.
func (e *entry) observe(stage Stage, o Outcome) {
	if obs := e.path.rt.obs; obs != nil {
		obs.ObserveRequest(e.x.decl, stage, o) // New keeps every declaration when there is an Observer
	}
}
