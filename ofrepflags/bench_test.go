package ofrepflags_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/relayproxytest"
	"github.com/roadmap-go/roadmap/ofrepflags"
)

// BenchmarkOFREP measures flag evaluations per second through a flags.Gate
// against a real GO Feature Flag relay proxy on 127.0.0.1:
//
//   - static/no-cache: every evaluation is an OFREP HTTP request
//     (flags.Options.NoCache);
//   - static/gate-cache: the gate's cache of STATIC decisions, kept correct
//     by the provider's change events, answers without a request;
//   - targeted: a flag with targeting rules is never cached, so it always
//     costs a request, whatever the setting.
//
// Run: ROADMAP_RELAYPROXY=.cache/bin/relayproxy go test -run '^$' -bench BenchmarkOFREP ./ofrepflags/
func BenchmarkOFREP(b *testing.B) {
	proxy := relayproxytest.Start(b, relayproxytest.Static(map[string]bool{"static-flag": true})+
		relayproxytest.TargetedFor("targeted-flag", "alice"))
	p := ofrepflags.New(proxy.URL(), ofrepflags.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(b, openfeature.SetNamedProviderAndWait(b.Name(), p))
	b.Cleanup(p.Shutdown)
	client := openfeature.NewClient(b.Name())
	quietLog := slog.New(slog.DiscardHandler)

	cases := []struct {
		name string
		flag string
		opts flags.Options
	}{
		{name: "static/no-cache", flag: "static-flag", opts: flags.Options{NoCache: true, Timeout: time.Second, Logger: quietLog}},
		{name: "static/gate-cache", flag: "static-flag", opts: flags.Options{Timeout: time.Second, Logger: quietLog}},
		{name: "targeted", flag: "targeted-flag", opts: flags.Options{Timeout: time.Second, Logger: quietLog}},
	}
	for _, c := range cases {
		for _, parallel := range []bool{false, true} {
			name := c.name + "/serial"
			if parallel {
				name = c.name + "/parallel"
			}
			b.Run(name, func(b *testing.B) {
				g := flags.NewGate(client, c.opts)
				defer g.Close()
				ec := openfeature.NewEvaluationContext("alice", nil)
				ctx := context.Background()
				require.True(b, g.Evaluate(ctx, c.flag, ec).On, "warm-up evaluation")
				b.ReportAllocs()
				b.ResetTimer()
				if parallel {
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if !g.Evaluate(ctx, c.flag, ec).On {
								b.Error("evaluation failed")
								return
							}
						}
					})
				} else {
					for range b.N {
						if !g.Evaluate(ctx, c.flag, ec).On {
							b.Fatal("evaluation failed")
						}
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
			})
		}
	}
}
