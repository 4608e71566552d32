package flags

// CachedDecision returns the decision the cache of g holds for flag, if any,
// for the tests of package flags_test.
func CachedDecision(g *Gate, flag string) (Decision, bool) {
	d := g.cache.Load().decisions[flag]
	if d == nil {
		return Decision{}, false
	}
	return *d, true
}
