package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync/atomic"

	"github.com/go-chi/chi/v5"
	otelhooks "github.com/open-feature/go-sdk-contrib/hooks/open-telemetry/pkg"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/roadmap-go/roadmap/audit"
	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/metrics"
	"github.com/roadmap-go/roadmap/roadmappage"
	"github.com/roadmap-go/roadmap/router"
)

// opsDeps are the demo's operational settings: how flags are evaluated,
// where traces go. The zero value means the flags package defaults (200 ms
// timeout, fail closed) and OpenTelemetry's global tracer provider.
type opsDeps struct {
	// FlagOptions are passed to the router (Timeout, KeepLastKnown); the
	// Observer is set by the demo.
	FlagOptions flags.Options
	// Tracer provides the request spans. Nil means no tracing: no request
	// spans and no OpenTelemetry hook on the flag evaluations (with no
	// tracer provider set, OpenTelemetry's global one records nothing, and
	// its spans would cost every request about 10 allocations for nothing).
	Tracer trace.TracerProvider
	// AuditCallers are targeting keys whose decisions the audit trail
	// follows (audit.Options.Callers), from -audit-callers.
	AuditCallers []string
	// DemandSecret keys the hash of targeting keys in the demand counts
	// (demand.Options.Secret), from -demand-secret. Nil means random.
	DemandSecret []byte
	// PublicDemand shows demand on the roadmap to everyone who may see it
	// (roadmappage.Options.PublicDemand), from -public-demand.
	PublicDemand bool
}

// ops is the demo's operational surface for one server: Prometheus metrics
// (/metrics), readiness (/readyz), request spans with the flag evaluations
// on them, and the audit trail of flag flips.
type ops struct {
	log          *slog.Logger
	auditCallers []string
	flags        flags.Evaluator
	reg          *prometheus.Registry
	metrics      *metrics.Metrics
	demand       *demand.Counter
	publicDemand bool
	tracer       trace.Tracer // nil: requests are not traced
	prop         propagation.TextMapPropagator
	trail        *audit.Trail

	client    *openfeature.Client // nil when Flags is not a client
	lastError atomic.Pointer[string]
	onError   func(openfeature.EventDetails)
	onReady   func(openfeature.EventDetails)
}

// newOps prepares the operational pieces of a server; configure and mount
// wire them in. Each server has its own metrics registry.
func newOps(d deps) (*ops, error) {
	o := &ops{log: d.Logger, flags: d.Flags, reg: prometheus.NewRegistry(), prop: propagation.TraceContext{},
		auditCallers: d.Ops.AuditCallers}
	o.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	var state func() openfeature.State
	if c, ok := d.Flags.(*openfeature.Client); ok {
		o.client = c
		state = c.State
		if d.Ops.Tracer != nil {
			// Each flag evaluation becomes a "feature_flag.evaluation" event
			// on the span in the evaluation's context: the request's span.
			c.AddHooks(recordingOnly{traces: otelhooks.NewTracesHook()})
		}
		o.onError = func(e openfeature.EventDetails) { msg := e.Message; o.lastError.Store(&msg) }
		o.onReady = func(openfeature.EventDetails) { o.lastError.Store(nil) }
		c.AddHandler(openfeature.ProviderError, &o.onError)
		c.AddHandler(openfeature.ProviderReady, &o.onReady)
	}
	m, err := metrics.New(o.reg, metrics.Options{State: state})
	if err != nil {
		return nil, err
	}
	o.metrics = m
	// Demand: who asks for planned routes, who still calls deprecated ones,
	// by the same targeting key as the flags (X-User-ID).
	o.demand = demand.New(demand.HeaderKey(userHeader), demand.Options{Secret: d.Ops.DemandSecret})
	o.publicDemand = d.Ops.PublicDemand
	if err := metrics.NewDemand(o.reg, o.demand, metrics.Options{}); err != nil {
		o.demand.Close()
		return nil, err
	}
	if d.Ops.Tracer != nil {
		o.tracer = d.Ops.Tracer.Tracer("github.com/roadmap-go/roadmap/cmd/demo")
	}
	return o, nil
}

// configure adds the metrics and demand observers and the flag options to
// cfg.
func (o *ops) configure(cfg *router.Config, d deps) {
	cfg.Observer = o.demand.Observer(o.metrics)
	opts := d.Ops.FlagOptions
	opts.Observer = o.metrics
	cfg.FlagOptions = opts
}

// mount serves /metrics and /readyz on r and starts the audit trail of rt.
func (o *ops) mount(r chi.Router, rt *router.Router) {
	// The metrics name every route, hidden ones included, and every flag:
	// they are for the operator, whose scraper runs beside the server, so
	// they are served to loopback peers only. Any other caller gets the
	// router's 404, like a path that does not exist. (A real deployment
	// serves them on an internal port.)
	metricsHandler := promhttp.HandlerFor(o.reg, promhttp.HandlerOpts{})
	r.Get("/metrics", func(w http.ResponseWriter, req *http.Request) {
		if !fromLoopback(req) {
			rt.NotFound(w, req)
			return
		}
		metricsHandler.ServeHTTP(w, req)
	})
	// The demand snapshot names hidden routes too: for the operator (an
	// aggregator merging replicas), loopback peers only, like /metrics.
	r.Method(http.MethodGet, "/demand", o.demand.Handler(fromLoopback, http.HandlerFunc(rt.NotFound)))
	r.Get("/readyz", func(w http.ResponseWriter, _ *http.Request) { o.ready(w, rt) })
	if o.flags != nil {
		callers := make([]openfeature.EvaluationContext, len(o.auditCallers))
		for i, k := range o.auditCallers {
			callers[i] = openfeature.NewEvaluationContext(k, nil)
		}
		o.trail = audit.New(rt, o.flags, audit.Options{Logger: o.log, Callers: callers})
	}
}

// ready answers 200 when the flag provider is ready, else 503 with the
// reason. Routes keep working either way: gated routes fail closed (or
// answer their last known decision) and live routes need no flags.
func (o *ops) ready(w http.ResponseWriter, rt *router.Router) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	g := rt.Gate()
	if g == nil {
		_, _ = fmt.Fprintln(w, "ready (no flags)")
		return
	}
	ok, reason := g.Ready()
	if ok {
		_, _ = fmt.Fprintln(w, "ready")
		return
	}
	if msg := o.lastError.Load(); msg != nil && *msg != "" {
		reason += ": " + *msg
	}
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = fmt.Fprintf(w, "not ready: %s\n", reason)
}

// traceRequests starts a server span per request (continuing a W3C
// traceparent from the caller), so that flag evaluations land on it. The
// span is named by the method (OpenTelemetry's HTTP convention when there
// is no route template); its attributes are set only when it records (a
// sampler may decide not to). Without a tracer, requests pass untouched.
func (o *ops) traceRequests(next http.Handler) http.Handler {
	if o.tracer == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := o.prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := o.tracer.Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		if span.IsRecording() {
			span.SetAttributes(attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path))
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// recordingOnly runs the OpenTelemetry traces hook only for evaluations whose
// span records: the hook builds its event's attributes before the span can
// drop them.
type recordingOnly struct {
	openfeature.UnimplementedHook
	traces openfeature.Hook
}

// Finally adds the evaluation event to the recording span in ctx.
func (h recordingOnly) Finally(ctx context.Context, hc openfeature.HookContext, d openfeature.InterfaceEvaluationDetails, hints openfeature.HookHints) {
	if trace.SpanFromContext(ctx).IsRecording() {
		h.traces.Finally(ctx, hc, d, hints)
	}
}

// roadmap returns the roadmap page's demand options: the operator (a
// loopback peer, as for /metrics) sees demand with the top callers;
// everyone else only with -public-demand.
func (o *ops) roadmap() roadmappage.Options {
	return roadmappage.Options{Demand: o.demand, Operator: fromLoopback, PublicDemand: o.publicDemand}
}

// close stops the audit trail, the event handlers and the demand counter's
// day timer.
func (o *ops) close() {
	o.demand.Close()
	if o.trail != nil {
		o.trail.Close()
	}
	if o.client != nil {
		o.client.RemoveHandler(openfeature.ProviderError, &o.onError)
		o.client.RemoveHandler(openfeature.ProviderReady, &o.onReady)
	}
}

// fromLoopback reports whether the request's TCP peer is on this machine.
// It reads RemoteAddr as net/http set it: no forwarding header is trusted.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
