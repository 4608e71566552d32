package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/ofrepflags"
)

// envOFREPToken is the environment variable with the OFREP service's API
// key, used when -ofrep-token is not given (keeps it out of ps output).
const envOFREPToken = "ROADMAP_OFREP_TOKEN"

// envDemandSecret is the environment variable with the demand hashing
// secret, used when -demand-secret is not given.
const envDemandSecret = "ROADMAP_DEMAND_SECRET"

// providerFlags are the command-line settings that choose and tune the flag
// provider: the embedded or given flag file (default), or a remote OFREP
// flag service.
type providerFlags struct {
	ofrepURL      *string
	ofrepToken    *string
	flagTimeout   *time.Duration
	keepLastKnown *int
	cacheTargeted *int
	traceStdout   *bool
	auditCallers  *string
	demandSecret  *string
	publicDemand  *bool
}

func addProviderFlags(fs *flag.FlagSet) *providerFlags {
	return &providerFlags{
		ofrepURL:      fs.String("ofrep", "", "base URL of an OFREP flag service (GO Feature Flag relay proxy, flagd, ...) instead of the flag file"),
		ofrepToken:    fs.String("ofrep-token", "", "API key of the OFREP service, sent as a bearer token (default: $"+envOFREPToken+")"),
		flagTimeout:   fs.Duration("flag-timeout", flags.DefaultTimeout, "bound on one flag evaluation; on timeout the route fails closed"),
		cacheTargeted: fs.Int("cache-targeted", 0, "if > 0, cache up to this many decisions of targeted flags per flag and user, dropped whenever the provider reports a change: for flag rules that read nothing but the user (no time-based rules)"),
		keepLastKnown: fs.Int("keep-last-known", 0, "if > 0, remember up to this many decisions (flag and user) and answer them while the flag service is down, instead of failing closed"),
		traceStdout:   fs.Bool("trace-stdout", false, "export OpenTelemetry traces (requests with their flag evaluations) to standard error"),
		auditCallers:  fs.String("audit-callers", "", "comma-separated targeting keys (e.g. alice,bob) whose decisions the audit trail follows and logs when flag rules change them"),
		demandSecret:  fs.String("demand-secret", "", "secret that keys the hash of callers' targeting keys in the demand counts; the same on every replica so that /demand snapshots merge (default: $"+envDemandSecret+", else random)"),
		publicDemand:  fs.Bool("public-demand", false, "show demand counts (\"42 callers asked for this\") on the roadmap to everyone who may see it, not only to the operator (loopback)"),
	}
}

// remote reports whether flags come from an OFREP service.
func (pf *providerFlags) remote() bool { return *pf.ofrepURL != "" }

// check rejects contradictory settings.
func (pf *providerFlags) check(flagsPath string) error {
	if pf.remote() && flagsPath != "" {
		return errors.New("-flags and -ofrep are exclusive: flags come from one source")
	}
	return nil
}

// provider returns the flag provider: OFREP when -ofrep is set, else the
// flag file at path.
func (pf *providerFlags) provider(path string, getenv func(string) string, logger *slog.Logger) (openfeature.FeatureProvider, error) {
	if !pf.remote() {
		logger.Info("reading flags", "path", path)
		return fileProvider(path, logger)
	}
	token := *pf.ofrepToken
	if token == "" {
		token = getenv(envOFREPToken)
	}
	logger.Info("flags from OFREP service", "url", *pf.ofrepURL, "token", token != "")
	return ofrepflags.New(*pf.ofrepURL, ofrepflags.Options{Token: token, Logger: logger}), nil
}

// startDegraded reports whether the demo may serve although the provider
// failed to initialise: a remote flag service that is down at start-up is an
// outage like any other (gated routes fail closed, /readyz says why, the
// provider becomes ready when the service answers); anything else is fatal.
func (pf *providerFlags) startDegraded(err error, logger *slog.Logger) bool {
	if !errors.Is(err, ofrepflags.ErrUnavailable) {
		return false
	}
	logger.Warn("flag service unavailable at start-up; gated routes fail closed until it answers", "err", err)
	return true
}

// opsDeps returns the operational settings chosen on the command line. The
// returned shutdown flushes the trace exporter, if any.
func (pf *providerFlags) opsDeps(stderr io.Writer, getenv func(string) string) (opsDeps, func(), error) {
	d := opsDeps{FlagOptions: flags.Options{Timeout: *pf.flagTimeout, KeepLastKnown: *pf.keepLastKnown, CacheTargeted: *pf.cacheTargeted},
		PublicDemand: *pf.publicDemand}
	if secret := cmp.Or(*pf.demandSecret, getenv(envDemandSecret)); secret != "" {
		d.DemandSecret = []byte(secret)
	}
	for k := range strings.SplitSeq(*pf.auditCallers, ",") {
		if k = strings.TrimSpace(k); k != "" {
			d.AuditCallers = append(d.AuditCallers, k)
		}
	}
	if !*pf.traceStdout {
		return d, func() {}, nil
	}
	exp, err := stdouttrace.New(stdouttrace.WithWriter(stderr))
	if err != nil {
		return d, nil, fmt.Errorf("trace exporter: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	otel.SetTracerProvider(tp) // the demo may set globals; libraries never do
	d.Tracer = tp
	return d, func() { _ = tp.Shutdown(context.Background()) }, nil
}
