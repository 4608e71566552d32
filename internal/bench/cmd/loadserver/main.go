// Command loadserver serves the two sides of scripts/loadtest.sh: with
// -mode plain a plain chi router with the demo's middleware and handlers on
// the routes the load test requests (bench.PlainChi); with -mode roadmap the
// same server with those routes declared and served by the roadmap router,
// flags read from a flagd flag file by the flagd in-process provider
// (bench.Roadmap).
//
// Usage:
//
//	go run ./internal/bench/cmd/loadserver [-addr 127.0.0.1:8081] [-mode plain]
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
	"os"
	"os/signal"
	"syscall"
	"time"

	flagd "github.com/open-feature/go-sdk-contrib/providers/flagd/pkg"
	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/internal/bench"
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
	mode := fs.String("mode", "plain", "plain (chi only) or roadmap")
	flagsPath := fs.String("flags", "", "flagd flag file (-mode roadmap)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var handler http.Handler
	switch *mode {
	case "plain":
		handler = bench.PlainChi()
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
		h, release, err := bench.Roadmap(openfeature.NewClient("loadserver"))
		if err != nil {
			return err
		}
		defer release()
		handler = h
	default:
		return fmt.Errorf("-mode %q: want plain or roadmap", *mode)
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
