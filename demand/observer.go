package demand

import (
	"net/http"

	"github.com/roadmap-go/roadmap/router"
)

// ObserveRequest does nothing: a request reported without the request has
// no caller to count. It makes a Counter a router Observer; the router
// calls ObserveCaller instead on an Observer that has it.
func (c *Counter) ObserveRequest(*router.Route, router.Stage, router.Outcome) {}

// Observer is a router Observer that counts callers with a Counter and
// tells another Observer (e.g. *metrics.Metrics) every request as well: the
// router takes a single Config.Observer. Make one with [Counter.Observer].
type Observer struct {
	c    *Counter
	next router.Observer
}

// Observer returns an Observer for Config.Observer that counts callers with
// c and passes every request on to next, which may be nil.
func (c *Counter) Observer(next router.Observer) *Observer {
	return &Observer{c: c, next: next}
}

// ObserveRequest tells next; it implements router.Observer.
func (o *Observer) ObserveRequest(route *router.Route, stage router.Stage, outcome router.Outcome) {
	if o.next != nil {
		o.next.ObserveRequest(route, stage, outcome)
	}
}

// ObserveCaller counts the caller and tells next (with the request, if next
// wants it).
func (o *Observer) ObserveCaller(route *router.Route, stage router.Stage, outcome router.Outcome, r *http.Request) {
	switch next := o.next.(type) {
	case nil:
	case interface {
		ObserveCaller(*router.Route, router.Stage, router.Outcome, *http.Request)
	}:
		next.ObserveCaller(route, stage, outcome, r)
	default:
		next.ObserveRequest(route, stage, outcome)
	}
	o.c.ObserveCaller(route, stage, outcome, r)
}

var (
	_ router.Observer = (*Counter)(nil)
	_ router.Observer = (*Observer)(nil)
)

var _ router.CallerObserver = (*Counter)(nil)
