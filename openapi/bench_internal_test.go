package openapi

import (
	"net/http/httptest"
	"testing"

	"github.com/roadmap-go/roadmap/internal/routetable"
	"github.com/roadmap-go/roadmap/router"
)

// BenchmarkLargeNewView measures, for a table of 10,000 routes, a per-request
// document that a PerRequest Handler does not keep yet (after a flag flip,
// or for a caller whose view is new): its operations kept, the document
// selected, pruned and encoded. BenchmarkLarge's op=PerRequest serves a kept
// one.
func BenchmarkLargeNewView(b *testing.B) {
	rt, err := router.New(routetable.Routes(10000), router.Config{Flags: routetable.StaticEvaluator{}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(rt.Close)
	h, err := NewHandler(rt, Options{PerRequest: true})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/openapi.json", nil)
	if _, err := h.perRequest(r); err != nil { // keeps the operations
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		views, routes := viewsFor(rt, r, h.opts)
		if _, err := marshal(build(views, routes, h.opts, h.ops), h.ops); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
	ReportCPU(b, start)
}
