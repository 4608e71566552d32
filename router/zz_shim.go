package router

import (
	"context"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/flags"
)

// TODO(core): remove when flags.Gate.EvaluateFunc lands.
func evaluateFunc(g *flags.Gate, ctx context.Context, flag string, ec func() openfeature.EvaluationContext) flags.Decision {
	if d, ok := g.Cached(flag); ok {
		return d
	}
	return g.Evaluate(ctx, flag, ec())
}
