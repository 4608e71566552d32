// Package audit keeps an audit trail of flag flips: every change of a flagged
// route's effective state, as one replica sees it, is logged once with
// log/slog, never once per request.
//
// A [Trail] re-evaluates the flag of every Planned and Beta route after each
// provider event (PROVIDER_CONFIGURATION_CHANGED, READY, ERROR, STALE) and
// logs the routes whose state changed:
//
//	level=INFO msg="route state changed" route="PATCH /api/users/{id}" name="Partial user update"
//	    flag=users-patch old=off new=targeted at=2026-11-27T04:00:00Z cause=PROVIDER_CONFIGURATION_CHANGED
//
// States are [StateOn], [StateOff], [StateTargeted] (the decision depends on
// the caller) and "error:CODE" (evaluations fail: the route fails closed).
// With N replicas, each logs its own view: a flip appears N times, once per
// replica, at the moment that replica saw it.
//
// A change of targeting rules alone leaves the anonymous state at
// [StateTargeted]; Options.Callers names callers whose own decision is
// followed and logged ("route state changed for caller", with their
// targeting key).
//
// # Example
//
//	rt, err := router.New(routes, router.Config{Flags: client})
//	...
//	trail := audit.New(rt, client, audit.Options{Logger: logger})
//	defer trail.Close()
package audit
