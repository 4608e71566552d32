package openapi

import (
	"testing"
	"time"
)

// ReportCPU reports the CPU time per operation b used since start (from
// cpuTime), where it can be read.
func ReportCPU(b *testing.B, start time.Duration) {
	if start == 0 {
		return
	}
	b.ReportMetric(float64((cpuTime()-start).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// CPUTime is cpuTime, for the benchmarks of package openapi_test.
var CPUTime = cpuTime
