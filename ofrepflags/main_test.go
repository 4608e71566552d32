package ofrepflags_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/roadmap-go/roadmap/internal/leakcheck"
)

// TestMain fails the package when a test leaves a goroutine behind: every
// Provider runs a watch goroutine that Shutdown must stop. OpenFeature's own
// event goroutines are stopped first by shutting the API down; idle HTTP
// connections are closed by the transports' owners (ignored here: the
// keep-alive readers of the provider's client end when the relay proxy
// exits, asynchronously).
func TestMain(m *testing.M) {
	leakcheck.Main(m,
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
	)
}
