// Command loadserver serves baselines for load tests. With -mode
// plain-demo (what scripts/loadtest.sh compares the demo with) it serves
// the demo's API paths written by hand on plain chi, with the demo's
// handlers (baseline.PlainDemo). With -mode plain a plain chi router with the
// routes of the bare-router comparison (baseline.PlainChi); with -mode roadmap
// the same server with those routes declared and served by the roadmap
// router, flags read from a flagd flag file by the flagd in-process
// provider (baseline.Roadmap).
//
// -debug-addr serves Go's profiles (net/http/pprof) on a second, loopback
// listener, as the demo's -debug-addr does: the load test reads the
// allocation counters there.
//
// Usage:
//
//	go run ./internal/bench/cmd/loadserver [-addr 127.0.0.1:8081] [-mode plain-demo] [-debug-addr 127.0.0.1:6061]
//	go run ./internal/bench/cmd/loadserver -mode roadmap -flags flags.json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	flagd "github.com/open-feature/go-sdk-contrib/providers/flagd/pkg"
	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/internal/baseline"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadserver:", err)
		os.Exit(1)
	}
}

// run serves the -mode server on -addr until ctx is done.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("loadserver", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", "127.0.0.1:8081", "listen address")
	mode := fs.String("mode", "plain", "plain-demo (the demo's paths on plain chi), plain (chi only) or roadmap")
	flagsPath := fs.String("flags", "", "flagd flag file (-mode roadmap)")
	debugAddr := fs.String("debug-addr", "", "loopback address to serve net/http/pprof on (off by default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var handler http.Handler
	switch *mode {
	case "plain-demo":
		handler = baseline.PlainDemo()
	case "plain":
		handler = baseline.PlainChi()
	case "roadmap":
		if *flagsPath == "" {
			return errors.New("-mode roadmap needs -flags")
		}
		p, err := flagd.NewProvider(flagd.WithFileResolver(), flagd.WithOfflineFilePath(*flagsPath))
		if err != nil {
			return err
		}
		if err := openfeature.SetNamedProviderAndWait("loadserver", p); err != nil {
			return err
		}
		defer openfeature.Shutdown()
		h, release, err := baseline.Roadmap(openfeature.NewClient("loadserver"))
		if err != nil {
			return err
		}
		defer release()
		handler = h
	default:
		return fmt.Errorf("-mode %q: want plain-demo, plain or roadmap", *mode)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// The same server settings as the demo's.
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	if *debugAddr != "" {
		dln, err := net.Listen("tcp", *debugAddr)
		if err != nil {
			return err
		}
		dsrv := &http.Server{Handler: debugMux(), ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = dsrv.Serve(dln) }()
		defer dsrv.Close()
		fmt.Fprintln(stdout, "profiles on", dln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintln(stdout, "serving on", ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// debugMux serves net/http/pprof under /debug/pprof/.
func debugMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	return mux
}
