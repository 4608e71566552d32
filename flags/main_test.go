package flags_test

import (
	"testing"

	"github.com/roadmap-go/roadmap/internal/leakcheck"
)

// TestMain fails the package when a test leaves a goroutine behind: the Gate
// subscribes to provider events and runs timed evaluations on goroutines of
// its own, and every one of them must stop. OpenFeature's own event
// goroutines are stopped first by shutting the API down.
//
// Tests that evaluate real flag files with the flagd provider live in
// internal/integration/flags (docs/modules.md), with their own TestMain.
func TestMain(m *testing.M) { leakcheck.Main(m) }
