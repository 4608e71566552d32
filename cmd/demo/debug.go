package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
)

// debugMux serves Go's profiles (net/http/pprof) under /debug/pprof/: CPU
// profiles, heap and allocation profiles (whose ?debug=1 text ends with the
// runtime.MemStats counters, Mallocs among them), goroutines. It is served
// on its own loopback listener (-debug-addr), never on the API's address.
func debugMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// listenDebug listens on addr, which must be a loopback address (profiles
// show the program's internals), or returns nil, nil when addr is empty.
func listenDebug(addr string) (net.Listener, error) {
	if addr == "" {
		return nil, nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("-debug-addr %s: %w", addr, err)
	}
	if ip, err := netip.ParseAddr(host); host != "localhost" && (err != nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("-debug-addr %s: profiles are served on loopback addresses only", addr)
	}
	return net.Listen("tcp", addr)
}

// serveDebug serves debugMux on ln until ctx is done. A nil ln serves
// nothing.
func serveDebug(ctx context.Context, ln net.Listener, logger *slog.Logger) {
	if ln == nil {
		return
	}
	srv := &http.Server{Handler: debugMux(), ReadHeaderTimeout: readHeaderTimeout, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	logger.Info("serving profiles", "addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Warn("profile server stopped", "err", err)
		}
	}()
	context.AfterFunc(ctx, func() { _ = srv.Close() })
}
