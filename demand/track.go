package demand

import (
	"context"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/router"
)

// Tracking event names sent to Options.Track.
const (
	// EventDemand is sent for a request a Planned or Beta route did not
	// serve (KindDemand).
	EventDemand = "roadmap.demand"
	// EventDeprecated is sent for a request to a Deprecated route
	// (KindDeprecated).
	EventDeprecated = "roadmap.deprecated"
)

// Attributes of the tracking events' details.
const (
	// TrackRoute is "METHOD /pattern".
	TrackRoute = "route"
	// TrackStage is the stage in force, e.g. "planned".
	TrackStage = "stage"
	// TrackOutcome is the router's outcome, e.g. "stubbed".
	TrackOutcome = "outcome"
)

var _ Tracker = (*openfeature.Client)(nil)

// sendEvent sends one tracking event with value 1. The evaluation context
// has the caller's targeting key, as flag evaluations do (a flag service
// that records tracking events attributes them to the key it evaluated
// flags for); it is the only place a key leaves the Counter.
func (c *Counter) sendEvent(ctx context.Context, route *router.Route, kind Kind, stage router.Stage, outcome router.Outcome, key string) {
	name := EventDemand
	if kind == KindDeprecated {
		name = EventDeprecated
	}
	details := openfeature.NewTrackingEventDetails(1).
		Add(TrackRoute, route.Method+" "+route.Pattern).
		Add(TrackStage, stage.String()).
		Add(TrackOutcome, outcome.String())
	c.track.Track(ctx, name, openfeature.NewEvaluationContext(key, nil), details)
}
