package metrics

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/roadmap-go/roadmap/demand"
)

// DemandSource reports demand: *demand.Counter has this method, and so
// does a *demand.Snapshot merged from replicas.
type DemandSource interface {
	Report() demand.Report
}

var (
	_ DemandSource = (*demand.Counter)(nil)
	_ DemandSource = (*demand.Snapshot)(nil)
)

// NewDemand registers with reg gauges of src's demand, read at scrape
// time, per route (method and pattern), route name, kind ("demand" for
// planned and beta routes, "deprecated") and window ("7d", "30d"):
//
//   - <namespace>_demand_callers: the estimated distinct callers;
//   - <namespace>_demand_requests and _demand_anonymous_requests;
//   - <namespace>_deprecated_top_caller_requests, also per caller
//     pseudonym: the requests (an upper bound) of a deprecated route's most
//     frequent callers, at most Options.TopCallers of them per route.
//
// Only opts.Namespace is used ("roadmap" when empty). Like the request
// metrics, these name hidden routes: serve them to operators only.
func NewDemand(reg prometheus.Registerer, src DemandSource, opts Options) error {
	ns := opts.Namespace
	if ns == "" {
		ns = "roadmap"
	}
	labels := []string{"route", "name", "kind", "window"}
	c := &demandCollector{
		src: src,
		callers: prometheus.NewDesc(prometheus.BuildFQName(ns, "", "demand_callers"),
			"Estimated distinct callers (targeting keys) of a route over the window: for planned and beta routes (kind demand) those it did not serve, for deprecated routes all (HyperLogLog, standard error 1.6%).",
			labels, nil),
		requests: prometheus.NewDesc(prometheus.BuildFQName(ns, "", "demand_requests"),
			"Requests counted for a route over the window (kind demand: not served by a planned or beta route; kind deprecated: to a deprecated route).",
			labels, nil),
		anonymous: prometheus.NewDesc(prometheus.BuildFQName(ns, "", "demand_anonymous_requests"),
			"Counted requests without a targeting key, over the window.",
			labels, nil),
		top: prometheus.NewDesc(prometheus.BuildFQName(ns, "", "deprecated_top_caller_requests"),
			"Requests (an upper bound) of a deprecated route's most frequent callers over the window, by caller pseudonym (see demand.Counter.Pseudonym).",
			[]string{"route", "name", "caller", "window"}, nil),
	}
	return reg.Register(c)
}

type demandCollector struct {
	src                               DemandSource
	callers, requests, anonymous, top *prometheus.Desc
}

func (c *demandCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.callers
	ch <- c.requests
	ch <- c.anonymous
	ch <- c.top
}

func (c *demandCollector) Collect(ch chan<- prometheus.Metric) {
	for _, rr := range c.src.Report().Routes {
		route := rr.Method + " " + rr.Pattern
		for _, w := range rr.Windows {
			win := strconv.Itoa(w.Days) + "d"
			kind := rr.Kind.String()
			ch <- prometheus.MustNewConstMetric(c.callers, prometheus.GaugeValue, float64(w.Callers), route, rr.Name, kind, win)
			ch <- prometheus.MustNewConstMetric(c.requests, prometheus.GaugeValue, float64(w.Requests), route, rr.Name, kind, win)
			ch <- prometheus.MustNewConstMetric(c.anonymous, prometheus.GaugeValue, float64(w.Anonymous), route, rr.Name, kind, win)
			for _, t := range w.Top {
				ch <- prometheus.MustNewConstMetric(c.top, prometheus.GaugeValue, float64(t.Requests), route, rr.Name, t.ID, win)
			}
		}
	}
}
