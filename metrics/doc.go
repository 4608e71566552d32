// Package metrics exports a roadmap router's requests and flag decisions as
// Prometheus metrics. It is a separate package so that the router's core does
// not depend on the Prometheus client.
//
// [Metrics] implements [router.Observer] (requests) and [flags.Observer]
// (decisions); give it to the router in both places:
//
//	roadmap_requests_total{route, name, stage, outcome}         counter
//	roadmap_flag_decisions_total{flag, value, source}           counter
//	roadmap_flag_evaluation_errors_total{flag, code}            counter
//	roadmap_flag_evaluation_duration_seconds{flag}              histogram
//	roadmap_flag_provider_state{state}                          gauge (with Options.State)
//
// [NewDemand] adds gauges of a demand.Counter (or a snapshot merged from
// replicas), read at scrape time; see docs/demand.md:
//
//	roadmap_demand_callers{route, name, kind, window}            gauge
//	roadmap_demand_requests{route, name, kind, window}           gauge
//	roadmap_demand_anonymous_requests{route, name, kind, window} gauge
//	roadmap_deprecated_top_caller_requests{route, name, caller, window} gauge
//
// route is "METHOD pattern" (unique in a table), name the route's Name or
// OperationID, stage the stage in force (planned, beta, live, deprecated,
// removed), outcome one of served, stubbed, hidden, removed. source is
// provider (evaluated), cache (a cached static decision) or last_known
// (flags.Options.KeepLastKnown during an outage). The latency histogram
// counts evaluations that reached the provider, including failed ones
// (a TIMEOUT lands near flags.Options.Timeout).
//
// # Example
//
//	reg := prometheus.NewRegistry()
//	m, err := metrics.New(reg, metrics.Options{State: client.State})
//	if err != nil { ... }
//	rt, err := router.New(routes, router.Config{
//		Flags:       client,
//		Observer:    m,
//		FlagOptions: flags.Options{Observer: m},
//	})
//	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
package metrics
