// Command demo serves a small API whose roadmap is declared with roadmap:
// planned, beta, live, deprecated and removed routes gated by OpenFeature
// flags read from a flagd-format flag file, evaluated in process.
//
// Usage:
//
//	go run ./cmd/demo [-addr 127.0.0.1:8080] [-flags flags.json]
//	go run ./cmd/demo -ofrep http://127.0.0.1:1031 [-ofrep-token KEY] [-keep-last-known 10000]
//
// With -ofrep the flags come from a remote OFREP flag service (GO Feature
// Flag's relay proxy, flagd, ...), so that many replicas flip together; the
// token may also come from $ROADMAP_OFREP_TOKEN. The demo serves /healthz
// (liveness), /readyz (flag provider readiness, with the reason),
// /metrics (Prometheus) and /demand (the demand snapshot, to merge across
// replicas; docs/demand.md); -trace-stdout writes OpenTelemetry traces to
// standard error. -debug-addr 127.0.0.1:6060 serves Go's profiles
// (net/http/pprof) on a separate loopback listener; -cache-targeted 10000
// answers repeated decisions of targeted flags per user from a bounded cache
// that flag changes clear. Requests are traced only with -trace-stdout (a
// tracer configured); without one, no span is started.
//
// -h or -help prints the flags to standard output and exits 0.
//
// Without -flags the demo writes its embedded flag file to a temporary
// directory and logs its path; edit that file (or pass your own with -flags)
// and the change is served without a restart, about 55 ms after the save
// (the file watcher's 50 ms debounce, then validation).
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/open-feature/go-sdk/openfeature"
)

//go:embed flags.json
var defaultFlags []byte

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// run parses args, starts the flag provider and serves until ctx is done. If
// ready is not nil, the listening address is sent on it once serving.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, ready chan<- string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	flagsPath := fs.String("flags", "", "flagd-format flag file (default: the embedded demo flags, written to a temp file)")
	debugAddr := fs.String("debug-addr", "", "loopback address (e.g. 127.0.0.1:6060) to serve Go's profiles on (net/http/pprof, under /debug/pprof/); off by default")
	pflags := addProviderFlags(fs) // -ofrep, -ofrep-token, -flag-timeout, -keep-last-known, -trace-stdout (provider.go)
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil // -h, -help: the usage is on stdout; exit 0, as Go commands do
	} else if err != nil {
		return err
	}
	if err := pflags.check(*flagsPath); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stdout, nil))

	path := *flagsPath
	if pflags.remote() {
		logger.Info("no flag file: flags come from the OFREP service")
	} else if path == "" {
		dir, err := os.MkdirTemp("", "roadmap-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "flags.json")
		if err := os.WriteFile(path, defaultFlags, 0o644); err != nil {
			return err
		}
	} else if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("-flags %s: %w", path, err)
	}
	provider, err := pflags.provider(path, getenv, logger)
	if err != nil {
		return err
	}
	// One domain per flag source, so that demos run in one process (the
	// README session test runs a file demo beside an -ofrep one) keep their
	// own providers.
	domain := "roadmap-demo " + path
	if pflags.remote() {
		domain = "roadmap-demo " + *pflags.ofrepURL
	}
	if err := openfeature.SetNamedProviderAndWait(domain, provider); err != nil && !pflags.startDegraded(err, logger) {
		return fmt.Errorf("flag provider for %s: %w", path, err)
	}
	defer openfeature.Shutdown()
	client := openfeature.NewClient(domain)

	opsDeps, stopTracing, err := pflags.opsDeps(os.Stderr, getenv)
	if err != nil {
		return err
	}
	defer stopTracing()
	handler, cleanup, err := newServer(deps{Flags: client, Logger: logger, Ops: opsDeps})
	if err != nil {
		return err
	}
	defer cleanup()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	dln, err := listenDebug(*debugAddr) // debug.go
	if err != nil {
		ln.Close()
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the profile server
	serveDebug(ctx, dln, logger)
	return serve(ctx, newHTTPServer(handler, logger), ln, logger, ready) // httpserver.go
}
