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

// eventSource is the optional capability of an [Evaluator] to report provider
// events. [*openfeature.Client] has it; the [Gate] caches static flag
// decisions only for evaluators that have it, because only they say when a
// cached decision must be dropped.
type eventSource interface {
	AddHandler(eventType openfeature.EventType, callback openfeature.EventCallback)
	RemoveHandler(eventType openfeature.EventType, callback openfeature.EventCallback)
}

var _ eventSource = (*openfeature.Client)(nil)

// stateSource is the optional capability of an [Evaluator] to report its
// provider's state, used by [Gate.Ready].
type stateSource interface {
	State() openfeature.State
}

var _ stateSource = (*openfeature.Client)(nil)
