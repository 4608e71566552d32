package flags_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/roadmap-go/roadmap/internal/leakcheck"
)

// TestMain fails the package when a test leaves a goroutine behind, as
// flags' own TestMain does: the Gate subscribes to provider events and runs
// timed evaluations on goroutines of its own, and every one of them must
// stop. OpenFeature's own event goroutines are stopped first by shutting the
// API down.
//
// The goroutines ignored belong to the flagd provider v0.6.0 that the tests
// here evaluate real flag files with: Provider.Shutdown never stops
// handleEvents (it ranges over a channel nobody closes), and its file sync
// can still be blocked sending an update, and its fsnotify reader waiting,
// when Shutdown runs. They are not ours to fix here.
func TestMain(m *testing.M) {
	leakcheck.Main(m,
		goleak.IgnoreAnyFunction("github.com/open-feature/go-sdk-contrib/providers/flagd/pkg.(*Provider).handleEvents"),
		goleak.IgnoreAnyFunction("github.com/open-feature/go-sdk-contrib/providers/flagd/pkg/service/in_process.(*InProcess).runDataSyncProcess"),
		goleak.IgnoreAnyFunction("github.com/open-feature/go-sdk-contrib/providers/flagd/pkg/service/in_process.(*InProcess).Shutdown"),
		goleak.IgnoreAnyFunction("github.com/fsnotify/fsnotify.(*inotify).readEvents"),
	)
}
