package routertest

// TB is the part of testing.TB that Flags and Checker use; *testing.T,
// *testing.B and *testing.F satisfy it. A failed check calls Errorf; a
// request that cannot be made at all calls Fatalf.
type TB interface {
	Helper()
	Name() string
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}
