// Package bench holds the performance benchmarks of issue 6; the plain chi
// baseline they and scripts/loadtest.sh compare the router against is
// internal/baseline.
//
// Every benchmark comes in pairs run in the same process: impl=chi (or
// impl=direct, a chi handler that calls the flag provider itself) is the
// baseline, impl=roadmap the same request through [router.Router]. Compare
// them with benchstat, e.g. scripts/bench.sh, which interleaves the pairs and
// prints ratios. docs/performance.md has the method and the figures.
//
// The package lives under internal/, in a module of its own
// (github.com/roadmap-go/roadmap/internal/bench, docs/modules.md), because it
// imports the flagd in-process provider, which must stay out of the import
// graph of router/, flags/ and stub/ and out of the root module's go.mod.
//
// # Example
//
// Run every benchmark once, as scripts/checks/50-bench.sh does:
//
//	go test -run '^$' -bench . -benchtime=100x ./internal/bench
//
// Serve the plain chi side of the load test:
//
//	go run ./internal/bench/cmd/loadserver -mode plain -addr 127.0.0.1:8081
package bench
