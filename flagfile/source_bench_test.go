package flagfile_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/flagfile"
	"github.com/roadmap-go/roadmap/internal/logtest"
)

// benchFlip rewrites the flag file at path by rename (as sed -i and most
// editors do), flipping flag "beta", and polls observe every 200 µs until it
// sees the new value. It reports the median and the maximum time from the
// rename to the new value, as ms-median/flip and ms-max/flip; they are never
// asserted.
func benchFlip(b *testing.B, path string, observe func() bool) {
	b.Helper()
	on := false
	var times []time.Duration
	for b.Loop() {
		on = !on
		variant := "off"
		if on {
			variant = "on"
		}
		tmp := filepath.Join(filepath.Dir(path), ".flags.json.tmp")
		if err := os.WriteFile(tmp, flagsJSON(variant), 0o644); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		for observe() != on {
			if time.Since(start) > 10*time.Second {
				b.Fatalf("flip to %v not seen after 10s", on)
			}
			time.Sleep(200 * time.Microsecond)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(times[len(times)/2]), "ms-median/flip")
	b.ReportMetric(ms(times[len(times)-1]), "ms-max/flip")
}

// BenchmarkSourceFlip measures a flag file edit until a flagd in-process
// provider fed by a Source answers the new value, with the default debounce
// and without one: the difference is the debounce; the rest is the read,
// the validation, flagd's own parsing and its change event.
func BenchmarkSourceFlip(b *testing.B) {
	for _, bc := range []struct {
		name     string
		debounce time.Duration
	}{
		{name: "debounce=default", debounce: 0},
		{name: "debounce=none", debounce: -1},
	} {
		b.Run(bc.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "flags.json")
			if err := os.WriteFile(path, flagsJSON("off"), 0o644); err != nil {
				b.Fatal(err)
			}
			var logs logtest.Buffer
			src, err := flagfile.Open(path, flagfile.Options{Logger: logs.Logger(), Debounce: bc.debounce, Boolean: []string{"beta"}})
			if err != nil {
				b.Fatal(err)
			}
			p, err := src.Provider()
			if err != nil {
				b.Fatal(err)
			}
			if err := openfeature.SetNamedProviderAndWait(b.Name(), p); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(b.Name(), openfeature.NoopProvider{}) })
			client := openfeature.NewClient(b.Name())
			benchFlip(b, path, func() bool {
				v, _ := client.BooleanValue(context.Background(), "beta", false, openfeature.EvaluationContext{})
				return v
			})
		})
	}
}

// BenchmarkSourceReload measures what a Source does with each new version
// of the file once the debounce has passed, without a provider: read it,
// hash it and validate it (JSON, the flagd schema, flagd's evaluator, flag
// types). The file is the demo's (cmd/demo/flags.json), with one flag
// flipped on every op.
func BenchmarkSourceReload(b *testing.B) {
	demo, err := os.ReadFile("../cmd/demo/flags.json")
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "flags.json")
	if err := os.WriteFile(path, demo, 0o644); err != nil {
		b.Fatal(err)
	}
	var logs logtest.Buffer
	src, err := flagfile.Open(path, flagfile.Options{Logger: logs.Logger(), Boolean: []string{"reports-export", "users-patch"}})
	if err != nil {
		b.Fatal(err)
	}
	versions := [][]byte{demo, append(slices.Clone(demo), '\n')} // two valid versions with different hashes
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		if err := os.WriteFile(path, versions[i%2], 0o644); err != nil {
			b.Fatal(err)
		}
		if err := src.Reload(); err != nil {
			b.Fatal(err)
		}
	}
}
