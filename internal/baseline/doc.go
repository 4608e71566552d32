// Package baseline is what the benchmarks and the load tests compare the
// router against: the same routes on plain chi (PlainChi, PlainDemo, with
// the demo's handlers), the router's side of the bare comparison (Roadmap,
// LoadRoutes) and pre-rendered answers (Prerendered, ReportExportStub).
//
// It is in the root module, with chi and the OpenFeature SDK as its only
// dependencies, so that the benchmarks of internal/bench and of cmd/demo,
// and internal/bench's load server, share it without one module requiring
// the other (docs/modules.md).
package baseline
