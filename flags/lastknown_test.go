package flags_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"

	"github.com/roadmap-go/roadmap/flags"
)

func TestKeepLastKnown(t *testing.T) {
	type eval struct {
		flag, key     string
		wantOn        bool
		wantLastKnown bool
	}
	tests := []struct {
		name   string
		keep   int
		before []eval // evaluated while the service answers
		fail   openfeature.ErrorCode
		during []eval // evaluated during the failure
	}{
		{
			name:   "disabled fails closed",
			keep:   0,
			before: []eval{{flag: "beta", key: "alice", wantOn: true}},
			fail:   openfeature.GeneralCode,
			during: []eval{{flag: "beta", key: "alice"}},
		},
		{
			name:   "targeted decision kept per key",
			keep:   100,
			before: []eval{{flag: "beta", key: "alice", wantOn: true}, {flag: "beta", key: "bob"}},
			fail:   openfeature.GeneralCode,
			during: []eval{
				{flag: "beta", key: "alice", wantOn: true, wantLastKnown: true},
				{flag: "beta", key: "bob", wantLastKnown: true},
				{flag: "beta", key: "carol"},
			},
		},
		{
			name:   "static decision kept for every key",
			keep:   100,
			before: []eval{{flag: "planned", key: "alice", wantOn: true}},
			fail:   flags.TimeoutCode,
			during: []eval{{flag: "planned", key: "dave", wantOn: true, wantLastKnown: true}},
		},
		{
			name:   "provider not ready is an outage",
			keep:   100,
			before: []eval{{flag: "planned", wantOn: true}},
			fail:   openfeature.ProviderNotReadyCode,
			during: []eval{{flag: "planned", wantOn: true, wantLastKnown: true}},
		},
		{
			name:   "flag not found is not an outage",
			keep:   100,
			before: []eval{{flag: "planned", wantOn: true}},
			fail:   openfeature.FlagNotFoundCode,
			during: []eval{{flag: "planned"}},
		},
		{
			name: "bounded",
			keep: 2,
			before: []eval{
				{flag: "beta", key: "alice", wantOn: true},
				{flag: "beta", key: "erin", wantOn: true},
				{flag: "beta", key: "frank", wantOn: true},
			},
			fail: openfeature.GeneralCode,
			during: []eval{
				{flag: "beta", key: "alice"},
				{flag: "beta", key: "frank", wantOn: true, wantLastKnown: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &switchableFlags{
				static: map[string]bool{"planned": true},
				byKey:  map[string]map[string]bool{"beta": {"alice": true, "erin": true, "frank": true}},
			}
			g := flags.NewGate(ev, flags.Options{KeepLastKnown: tt.keep, Logger: slog.New(slog.DiscardHandler)})
			defer g.Close()
			ctx := context.Background()
			for _, e := range tt.before {
				d := g.Evaluate(ctx, e.flag, userCtx(e.key))
				assert.Equal(t, e.wantOn, d.On, "before: %s/%s: got %v, want %v", e.flag, e.key, d.On, e.wantOn)
			}
			ev.set(tt.fail)
			for _, e := range tt.during {
				d := g.Evaluate(ctx, e.flag, userCtx(e.key))
				assert.Equal(t, e.wantOn, d.On, "during: %s/%s: got %v, want %v", e.flag, e.key, d.On, e.wantOn)
				assert.Equal(t, e.wantLastKnown, d.LastKnown, "during: %s/%s LastKnown", e.flag, e.key)
				assert.Equal(t, tt.fail, d.ErrorCode, "the failure is still reported")
			}
		})
	}
}

func TestKeepLastKnownRecovers(t *testing.T) {
	ev := &switchableFlags{byKey: map[string]map[string]bool{"beta": {"alice": true}}}
	g := flags.NewGate(ev, flags.Options{KeepLastKnown: 10, Logger: slog.New(slog.DiscardHandler)})
	defer g.Close()
	ctx := context.Background()
	assert.True(t, g.Evaluate(ctx, "beta", userCtx("alice")).On)

	ev.set(openfeature.GeneralCode)
	assert.True(t, g.Evaluate(ctx, "beta", userCtx("alice")).LastKnown)

	// The service comes back with the flag switched off for alice: that
	// answer wins and is remembered for the next outage.
	ev.mu.Lock()
	ev.fail, ev.byKey["beta"]["alice"] = "", false
	ev.mu.Unlock()
	d := g.Evaluate(ctx, "beta", userCtx("alice"))
	assert.False(t, d.On)
	assert.False(t, d.Failed())

	ev.set(openfeature.GeneralCode)
	d = g.Evaluate(ctx, "beta", userCtx("alice"))
	assert.False(t, d.On, "got %v, want the remembered off", d.On)
	assert.True(t, d.LastKnown)
}

// TestKeepLastKnownForgetsStaticValueWhenTargeted: a flag that was on for
// everyone (STATIC) and is now targeted must not answer its old flag-wide
// value, during an outage, to keys never evaluated since.
func TestKeepLastKnownForgetsStaticValueWhenTargeted(t *testing.T) {
	ev := &switchableFlags{static: map[string]bool{"f": true}}
	g := flags.NewGate(ev, flags.Options{Timeout: -1, KeepLastKnown: 100})
	t.Cleanup(g.Close)
	ctx := context.Background()

	assert.True(t, g.Evaluate(ctx, "f", userCtx("ada")).On)
	ev.mu.Lock()
	ev.static = nil
	ev.byKey = map[string]map[string]bool{"f": {"grace": true}}
	ev.mu.Unlock()
	assert.True(t, g.Evaluate(ctx, "f", userCtx("grace")).On)

	ev.set(openfeature.GeneralCode)
	d := g.Evaluate(ctx, "f", userCtx("eve"))
	assert.False(t, d.On, "got %+v, want off for a key never seen since the flag became targeted", d)
	assert.True(t, g.Evaluate(ctx, "f", userCtx("grace")).On, "grace keeps her own last known value")
}
