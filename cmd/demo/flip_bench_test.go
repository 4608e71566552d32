package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"
)

// BenchmarkDemoFlip measures what the README's flip shows: the demo runs on
// its shipped flag file, each op turns reports-export on or off by renaming
// a new version over the file (as sed -i does) and polls
// PUT /api/reports/export over HTTP every millisecond until the answer
// changes (202 or 501). It reports the median and the maximum time from the
// rename to the new answer as ms-median/flip and ms-max/flip; they are never
// asserted. docs/performance.md ("Flip latency from a file edit") explains
// the figure.
func BenchmarkDemoFlip(b *testing.B) {
	path := mtFlagFile(b, defaultFlags)
	d := mtRun(b, mtNoEnv, io.Discard, "-flags", path)
	versions := map[bool][]byte{}
	for _, on := range []bool{false, true} {
		var doc map[string]any
		if err := json.Unmarshal(defaultFlags, &doc); err != nil {
			b.Fatal(err)
		}
		variant := map[bool]string{false: "off", true: "on"}[on]
		doc["flags"].(map[string]any)["reports-export"].(map[string]any)["defaultVariant"] = variant
		out, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			b.Fatal(err)
		}
		versions[on] = out
	}
	status := func() int {
		req, _ := http.NewRequest(http.MethodPut, d.base+"/api/reports/export", nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		return res.StatusCode
	}
	want := map[bool]int{false: http.StatusNotImplemented, true: http.StatusAccepted}
	on := false
	var times []time.Duration
	for b.Loop() {
		on = !on
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, versions[on], 0o644); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		for status() != want[on] {
			if time.Since(start) > 10*time.Second {
				b.Fatalf("flip to %v not served after 10s", on)
			}
			time.Sleep(time.Millisecond)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(times[len(times)/2]), "ms-median/flip")
	b.ReportMetric(ms(times[len(times)-1]), "ms-max/flip")
}
