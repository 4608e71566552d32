// Package integration holds no code: its sub-directories hold the tests of
// the core packages (router, flags) that run against the flagd provider in
// process, on real flag files.
//
// They live in a module of their own, github.com/roadmap-go/roadmap/internal/integration,
// so that the root module's go.mod needs only chi, the OpenFeature SDK and
// testify: a test's imports are requirements of its module, and the flagd
// provider brings gRPC, connect, zap and the flagd core with it. See
// docs/modules.md. Run them with
//
//	go test -race ./internal/integration/...
//
// from the repository root (go.work lists this module).
package integration
