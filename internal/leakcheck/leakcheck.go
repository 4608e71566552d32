// Package leakcheck is the TestMain of this repository's packages whose
// tests must leave no goroutine behind (every goroutine has an owner that
// stops it): it runs the tests, shuts the OpenFeature API down and then
// looks for leaks with goleak.
//
// Each package passes the goleak options its own dependencies need and
// explains them where it calls [Main]:
//
//	// TestMain fails the package when a test leaves a goroutine behind. ...
//	func TestMain(m *testing.M) { leakcheck.Main(m) }
package leakcheck

import (
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"go.uber.org/goleak"
)

// Main runs the tests of m, then shuts the OpenFeature API down, which stops
// its own event goroutines, and, if the tests passed, fails the package when
// a goroutine is left that opts do not ignore. It exits the process with the
// result, as [goleak.VerifyTestMain] does, so it is the whole body of a
// TestMain.
func Main(m *testing.M, opts ...goleak.Option) {
	goleak.VerifyTestMain(shutdownAfter{m}, opts...)
}

// shutdownAfter runs the tests, then shuts the OpenFeature API down, so that
// goleak looks for leaks after the API's goroutines are gone.
type shutdownAfter struct{ m *testing.M }

// Run implements [goleak.TestingM].
func (s shutdownAfter) Run() int {
	code := s.m.Run()
	openfeature.Shutdown()
	return code
}
