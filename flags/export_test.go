package flags

// CachedDecision returns the decision the cache of g holds for flag, if any,
// for the tests of package flags_test.
func CachedDecision(g *Gate, flag string) (Decision, bool) {
	f, ok := g.flags.Load(flag)
	if !ok {
		return Decision{}, false
	}
	c := f.(*Flag).cached.Load()
	if c == nil || c.gen != g.gen.Load() {
		return Decision{}, false
	}
	return c.d, true
}
