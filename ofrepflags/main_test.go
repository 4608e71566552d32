package ofrepflags_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind: every
// Provider runs a watch goroutine that Shutdown must stop. OpenFeature's own
// event goroutines are stopped first by shutting the API down; idle HTTP
// connections are closed by the transports' owners (ignored here: the
// keep-alive readers of the provider's client end when the relay proxy
// exits, asynchronously).
func TestMain(m *testing.M) {
	code := m.Run()
	openfeature.Shutdown()
	if code == 0 {
		if err := goleak.Find(
			goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
			goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
			goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}
