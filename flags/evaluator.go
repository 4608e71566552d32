package flags

import (
	"context"

	"github.com/open-feature/go-sdk/openfeature"
)

// Evaluator evaluates one boolean flag. [*openfeature.Client] satisfies it,
// so callers pass the client they built for their provider; tests may pass a
// fake.
//
// Implementations must be safe for concurrent use.
type Evaluator interface {
	BooleanValueDetails(ctx context.Context, flag string, defaultValue bool, evalCtx openfeature.EvaluationContext, options ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error)
}

var _ Evaluator = (*openfeature.Client)(nil)

// eventSource is the optional capability of an [Evaluator] to report
// provider events: the [Gate] caches decisions only for evaluators that say
// when to drop them.
type eventSource interface {
	AddHandler(eventType openfeature.EventType, callback openfeature.EventCallback)
	RemoveHandler(eventType openfeature.EventType, callback openfeature.EventCallback)
}

var _ eventSource = (*openfeature.Client)(nil)

// stateSource is the optional capability of an [Evaluator] to report its
// provider's state, for [Gate.Ready].
type stateSource interface {
	State() openfeature.State
}

var _ stateSource = (*openfeature.Client)(nil)
