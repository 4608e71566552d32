package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/roadmap-go/roadmap/stub"
)

// Limits of the demo's HTTP server. What net/http itself answers to
// malformed requests, before any handler runs, is listed in
// docs/reliability.md (431, 400, 501 for an unsupported Transfer-Encoding).
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
	// maxHeaderBytes bounds the request line and headers; larger requests
	// get 431 from net/http.
	maxHeaderBytes = 64 << 10
	// shutdownTimeout bounds how long shutdown waits for in-flight requests.
	shutdownTimeout = 10 * time.Second
)

// newHTTPServer returns the demo's server for h, with every timeout set and
// request headers bounded. Server errors (malformed requests, TLS noise) go
// to logger at warning level.
func newHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// serve serves srv on ln until ctx is done, then shuts down gracefully:
// it stops accepting connections and waits (up to shutdownTimeout) for
// in-flight requests to finish. If ready is not nil, the listening address is
// sent on it once serving.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, logger *slog.Logger, ready chan<- string) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("serving", "addr", ln.Addr().String())
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newTooLarge returns the answer to a request body over maxBodyBytes. A
// Responder keeps the body of the first path it answered, so each
// middleware makes its own rather than sharing a package variable.
func newTooLarge() *stub.Responder {
	return stub.New(stub.Problem{Status: http.StatusRequestEntityTooLarge,
		Detail: fmt.Sprintf("The request body is larger than %d bytes.", maxBodyBytes)})
}

// limitBody answers 413 to a request that declares a body over
// maxBodyBytes, before any handler runs, and bounds every other body with
// http.MaxBytesReader (a handler that reads past the bound gets an
// *http.MaxBytesError and should answer 413 too).
func limitBody(next http.Handler) http.Handler {
	tooLarge := newTooLarge()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBodyBytes {
			w.Header().Set("Connection", "close")
			tooLarge.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		next.ServeHTTP(w, r)
	})
}
