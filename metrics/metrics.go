package metrics

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/router"
)

// DefaultBuckets are the evaluation latency histogram's buckets, in seconds:
// from half a millisecond (an in-process provider) to the one-second range
// of a struggling remote one. [flags.DefaultTimeout] is 0.2 s.
var DefaultBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1}

// Options configures [New]. The zero value uses the "roadmap" namespace and
// DefaultBuckets, and exports no provider state.
type Options struct {
	// Namespace prefixes every metric name. Empty means "roadmap".
	Namespace string
	// Buckets are the evaluation latency histogram's upper bounds in
	// seconds. Nil means DefaultBuckets.
	Buckets []float64
	// State, if set, reports the flag provider's state at scrape time,
	// e.g. the State method of the router's *openfeature.Client.
	State func() openfeature.State
}

// Metrics records the router's requests and flag decisions as Prometheus
// metrics. It implements [router.Observer] and [flags.Observer]: pass it as
// router.Config.Observer and router.Config.FlagOptions.Observer.
//
// Its methods run on the request path; after the first request of a route,
// stage and outcome (or of a flag) they take no lock and allocate nothing.
// A Metrics is safe for concurrent use.
type Metrics struct {
	requests  *prometheus.CounterVec
	decisions *prometheus.CounterVec
	errors    *prometheus.CounterVec
	latency   *prometheus.HistogramVec

	mu     sync.Mutex // serialises writers of routes and flags
	routes atomic.Pointer[map[*router.Route]*routeCounters]
	flags  atomic.Pointer[map[string]*flagMetrics]
}

// Stage and outcome counts, for the per-route counter table.
const (
	numStages   = int(router.Removed) + 1
	numOutcomes = int(router.OutcomeRemoved) + 1
)

type routeCounters struct {
	route, name string
	c           [numStages][numOutcomes]atomic.Pointer[prometheus.Counter]
}

type flagMetrics struct {
	on, off, onCached, offCached, onLastKnown, offLastKnown prometheus.Counter
	latency                                                 prometheus.Observer
	errors                                                  sync.Map // openfeature.ErrorCode -> prometheus.Counter
}

var (
	_ router.Observer = (*Metrics)(nil)
	_ flags.Observer  = (*Metrics)(nil)
)

// New creates the metrics and registers them with reg (for example
// prometheus.DefaultRegisterer, or a registry of your own served with
// promhttp.HandlerFor). It fails if a metric of the same name is already
// registered.
func New(reg prometheus.Registerer, opts Options) (*Metrics, error) {
	ns := opts.Namespace
	if ns == "" {
		ns = "roadmap"
	}
	buckets := opts.Buckets
	if buckets == nil {
		buckets = DefaultBuckets
	}
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Name: "requests_total",
			Help: "Requests to declared routes by route (method and pattern), route name, stage in force and outcome (served, stubbed, hidden, removed).",
		}, []string{"route", "name", "stage", "outcome"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Name: "flag_decisions_total",
			Help: "Flag decisions by flag, value (on, off) and source (provider, cache, last_known).",
		}, []string{"flag", "value", "source"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Name: "flag_evaluation_errors_total",
			Help: "Failed flag evaluations by flag and error code (GENERAL, FLAG_NOT_FOUND, TIMEOUT, ...); each one resolved to off or to the last known decision.",
		}, []string{"flag", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: ns, Name: "flag_evaluation_duration_seconds",
			Help:    "Duration of flag evaluations that reached the provider (cached decisions excluded), by flag.",
			Buckets: buckets,
		}, []string{"flag"}),
	}
	m.routes.Store(&map[*router.Route]*routeCounters{})
	m.flags.Store(&map[string]*flagMetrics{})
	cs := []prometheus.Collector{m.requests, m.decisions, m.errors, m.latency}
	if opts.State != nil {
		cs = append(cs, newStateCollector(ns, opts.State))
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// ObserveRequest counts one request; it implements [router.Observer].
func (m *Metrics) ObserveRequest(r *router.Route, stage router.Stage, o router.Outcome) {
	if int(stage) >= numStages || int(o) >= numOutcomes {
		return
	}
	rc := (*m.routes.Load())[r]
	if rc == nil {
		rc = m.addRoute(r)
	}
	cell := &rc.c[stage][o]
	c := cell.Load()
	if c == nil {
		cnt := m.requests.WithLabelValues(rc.route, rc.name, stage.String(), o.String())
		cell.CompareAndSwap(nil, &cnt)
		c = cell.Load()
	}
	(*c).Inc()
}

func (m *Metrics) addRoute(r *router.Route) *routeCounters {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.routes.Load()
	if rc := old[r]; rc != nil {
		return rc
	}
	name := r.Name
	if name == "" {
		name = r.OperationID
	}
	rc := &routeCounters{route: r.Method + " " + r.Pattern, name: name}
	next := make(map[*router.Route]*routeCounters, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[r] = rc
	m.routes.Store(&next)
	return rc
}

// ObserveDecision counts one flag decision, its error code if it failed,
// and its latency if it reached the provider; it implements
// [flags.Observer].
func (m *Metrics) ObserveDecision(flag string, d flags.Decision, took time.Duration) {
	fm := (*m.flags.Load())[flag]
	if fm == nil {
		fm = m.addFlag(flag)
	}
	switch {
	case d.Cached && d.On:
		fm.onCached.Inc()
	case d.Cached:
		fm.offCached.Inc()
	case d.LastKnown && d.On:
		fm.onLastKnown.Inc()
	case d.LastKnown:
		fm.offLastKnown.Inc()
	case d.On:
		fm.on.Inc()
	default:
		fm.off.Inc()
	}
	if d.ErrorCode != "" {
		c, ok := fm.errors.Load(d.ErrorCode)
		if !ok {
			c, _ = fm.errors.LoadOrStore(d.ErrorCode, m.errors.WithLabelValues(flag, string(d.ErrorCode)))
		}
		c.(prometheus.Counter).Inc()
	}
	if !d.Cached {
		fm.latency.Observe(took.Seconds())
	}
}

func (m *Metrics) addFlag(flag string) *flagMetrics {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.flags.Load()
	if fm := old[flag]; fm != nil {
		return fm
	}
	fm := &flagMetrics{
		on:           m.decisions.WithLabelValues(flag, "on", "provider"),
		off:          m.decisions.WithLabelValues(flag, "off", "provider"),
		onCached:     m.decisions.WithLabelValues(flag, "on", "cache"),
		offCached:    m.decisions.WithLabelValues(flag, "off", "cache"),
		onLastKnown:  m.decisions.WithLabelValues(flag, "on", "last_known"),
		offLastKnown: m.decisions.WithLabelValues(flag, "off", "last_known"),
		latency:      m.latency.WithLabelValues(flag),
	}
	next := make(map[string]*flagMetrics, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[flag] = fm
	m.flags.Store(&next)
	return fm
}

// providerStates are the states the provider state gauge reports.
var providerStates = [...]openfeature.State{
	openfeature.NotReadyState, openfeature.ReadyState, openfeature.ErrorState,
	openfeature.StaleState, openfeature.FatalState,
}

// stateCollector reports the provider's state at scrape time: one series per
// state, 1 for the current one.
type stateCollector struct {
	desc  *prometheus.Desc
	state func() openfeature.State
}

func newStateCollector(ns string, state func() openfeature.State) *stateCollector {
	return &stateCollector{
		desc: prometheus.NewDesc(prometheus.BuildFQName(ns, "", "flag_provider_state"),
			"State of the flag provider: 1 for the current state (NOT_READY, READY, ERROR, STALE, FATAL), 0 for the others.",
			[]string{"state"}, nil),
		state: state,
	}
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	cur := c.state()
	for _, s := range providerStates {
		v := 0.0
		if s == cur {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v, string(s))
	}
}
