package flags

import "time"

// TODO(core): remove once router stops using it.

// Cached returns the cached decision for flag, if there is one.
//
// Deprecated: use [Gate.EvaluateFunc], which builds no evaluation context
// for a cached decision.
func (g *Gate) Cached(flag string) (Decision, bool) {
	d, ok := g.cache.Load().decisions[flag]
	if ok && g.obs != nil {
		g.obs.ObserveDecision(flag, d, 0)
	}
	return d, ok
}

// Timeout returns the bound of one evaluation.
//
// Deprecated: every evaluation is bounded on its own.
func (g *Gate) Timeout() time.Duration { return g.timeout }
