package ofrepflags_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/relayproxytest"
	"github.com/roadmap-go/roadmap/ofrepflags"
)

// waitFor is the generous deadline for changes that travel through the
// relay proxy's file polling (1 s) and the provider's watch.
const waitFor = 15 * time.Second

const tick = 20 * time.Millisecond

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// register scopes p to the test's own OpenFeature domain.
func register(t *testing.T, p *ofrepflags.Provider) (*openfeature.Client, error) {
	t.Helper()
	err := openfeature.SetNamedProviderAndWait(t.Name(), p)
	t.Cleanup(p.Shutdown)
	return openfeature.NewClient(t.Name()), err
}

func TestProviderFollowsRelayProxy(t *testing.T) {
	proxy := relayproxytest.Start(t, relayproxytest.Static(map[string]bool{"reports-export": false}))
	p := ofrepflags.New(proxy.URL(), ofrepflags.Options{PollInterval: 100 * time.Millisecond, Logger: quiet()})
	client, err := register(t, p)
	require.NoError(t, err)
	require.Equal(t, openfeature.ReadyState, client.State())

	gate := flags.NewGate(client, flags.Options{Logger: quiet()})
	t.Cleanup(gate.Close)
	ctx := context.Background()
	d := gate.Evaluate(ctx, "reports-export", openfeature.EvaluationContext{})
	require.False(t, d.Failed(), "got %+v", d)
	require.False(t, d.On)
	require.Eventually(t, func() bool {
		return gate.Evaluate(ctx, "reports-export", openfeature.EvaluationContext{}).Cached
	}, waitFor, tick, "a STATIC decision from the relay proxy is cached")

	// Flip: the relay proxy rereads its file, the provider's watch sees a
	// new bulk answer and emits PROVIDER_CONFIGURATION_CHANGED, the gate
	// drops its cached decision.
	proxy.SetFlags(relayproxytest.Static(map[string]bool{"reports-export": true}))
	require.Eventually(t, func() bool {
		return gate.Evaluate(ctx, "reports-export", openfeature.EvaluationContext{}).On
	}, waitFor, tick, "the flip reaches the gate")

	// Outage: the provider moves to ERROR, the cache is dropped, the gate
	// fails closed.
	proxy.Stop()
	require.Eventually(t, func() bool { return client.State() == openfeature.ErrorState }, waitFor, tick)
	require.Eventually(t, func() bool {
		d := gate.Evaluate(ctx, "reports-export", openfeature.EvaluationContext{})
		return !d.On && d.ErrorCode == openfeature.GeneralCode
	}, waitFor, tick, "the gate fails closed while the service is down")
	ready, reason := gate.Ready()
	assert.False(t, ready)
	assert.Contains(t, reason, "ERROR")

	// Recovery without touching the provider.
	proxy.Restart()
	require.Eventually(t, func() bool { return client.State() == openfeature.ReadyState }, waitFor, tick)
	assert.True(t, gate.Evaluate(ctx, "reports-export", openfeature.EvaluationContext{}).On)
}

func TestProviderTargeting(t *testing.T) {
	proxy := relayproxytest.Start(t, relayproxytest.TargetedFor("users-patch", "alice"))
	p := ofrepflags.New(proxy.URL(), ofrepflags.Options{Logger: quiet()})
	client, err := register(t, p)
	require.NoError(t, err)
	gate := flags.NewGate(client, flags.Options{Logger: quiet()})
	t.Cleanup(gate.Close)

	tests := []struct {
		name   string
		key    string
		wantOn bool
	}{
		{name: "targeted user", key: "alice", wantOn: true},
		{name: "other user", key: "bob", wantOn: false},
		{name: "anonymous", key: "", wantOn: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := gate.Evaluate(context.Background(), "users-patch", openfeature.NewEvaluationContext(tt.key, nil))
			assert.False(t, d.Failed(), "got %+v", d)
			assert.Equal(t, tt.wantOn, d.On, "got %v, want %v", d.On, tt.wantOn)
			assert.NotEqual(t, openfeature.StaticReason, d.Reason)
		})
	}
	d := gate.Evaluate(context.Background(), "users-patch", openfeature.NewEvaluationContext("alice", nil))
	assert.False(t, d.Cached, "targeted decisions are never cached")
}

func TestProviderInitUnavailable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now

	p := ofrepflags.New("http://"+addr, ofrepflags.Options{PollInterval: 50 * time.Millisecond, Logger: quiet()})
	client, err := register(t, p)
	require.ErrorIs(t, err, ofrepflags.ErrUnavailable)
	assert.Equal(t, openfeature.ErrorState, client.State())

	// The service comes up at that address later: the provider becomes ready.
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"flags":[]}`))
	}))
	srv.Listener, err = net.Listen("tcp", addr)
	require.NoError(t, err)
	srv.Start()
	t.Cleanup(srv.Close)
	require.Eventually(t, func() bool { return client.State() == openfeature.ReadyState }, waitFor, tick)
}

func TestProviderWithoutBulkEndpoint(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ofrep/v1/evaluate/flags" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"key":"f","value":true,"reason":"STATIC","variant":"on"}`))
	}))
	t.Cleanup(srv.Close)
	p := ofrepflags.New(srv.URL, ofrepflags.Options{PollInterval: 20 * time.Millisecond, Logger: quiet()})
	client, err := register(t, p)
	require.NoError(t, err)

	changes := make(chan struct{}, 1)
	fn := func(openfeature.EventDetails) {
		select {
		case changes <- struct{}{}:
		default:
		}
	}
	cb := openfeature.EventCallback(&fn)
	client.AddHandler(openfeature.ProviderConfigChange, cb)
	t.Cleanup(func() { client.RemoveHandler(openfeature.ProviderConfigChange, cb) })
	select {
	case <-changes:
	case <-time.After(waitFor):
		t.Fatal("no PROVIDER_CONFIGURATION_CHANGED from a service without bulk evaluation")
	}
	d, err := client.BooleanValueDetails(context.Background(), "f", false, openfeature.EvaluationContext{})
	require.NoError(t, err)
	assert.True(t, d.Value)
}

func TestProviderSendsToken(t *testing.T) {
	tests := []struct {
		name       string
		opts       ofrepflags.Options
		wantHeader string
		wantValue  string
		wantErr    bool // the service rejects the key
	}{
		{name: "bearer", opts: ofrepflags.Options{Token: "s3cret"}, wantHeader: "Authorization", wantValue: "Bearer s3cret"},
		{name: "api key header", opts: ofrepflags.Options{Token: "s3cret", TokenHeader: "X-API-Key"}, wantHeader: "X-API-Key", wantValue: "s3cret"},
		{name: "wrong token", opts: ofrepflags.Options{Token: "guess"}, wantHeader: "Authorization", wantValue: "Bearer s3cret", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get(tt.wantHeader) != tt.wantValue {
					w.WriteHeader(http.StatusUnauthorized)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				if r.URL.Path == "/ofrep/v1/evaluate/flags" {
					_, _ = w.Write([]byte(`{"flags":[]}`))
					return
				}
				_, _ = w.Write([]byte(`{"key":"f","value":true,"reason":"STATIC","variant":"on"}`))
			}))
			t.Cleanup(srv.Close)
			tt.opts.Logger, tt.opts.PollInterval = quiet(), -1
			client, err := register(t, ofrepflags.New(srv.URL, tt.opts))
			gate := flags.NewGate(client, flags.Options{Logger: quiet()})
			t.Cleanup(gate.Close)
			d := gate.Evaluate(context.Background(), "f", openfeature.EvaluationContext{})
			if tt.wantErr {
				assert.ErrorIs(t, err, ofrepflags.ErrUnavailable, "a rejected key makes the service unavailable")
				assert.ErrorContains(t, err, "(HTTP 401)")
				assert.NotContains(t, err.Error(), srv.URL, "no address in errors that reach provider events")
				assert.False(t, d.On, "fails closed")
				assert.Equal(t, openfeature.GeneralCode, d.ErrorCode)
				return
			}
			require.NoError(t, err, "the probe carries the token")
			assert.True(t, d.On, "the evaluation carries the token: %+v", d)
		})
	}
}
