package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/roadmap-go/roadmap/flags"
)

func TestFlagEvaluationsOnRequestSpan(t *testing.T) {
	p := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"reports-export": {State: memprovider.Enabled, DefaultVariant: "on", Variants: map[string]any{"on": true, "off": false}},
	})
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	client := openfeature.NewClient(t.Name())

	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })

	h, cleanup, err := newServer(deps{Flags: client, Logger: slog.New(slog.DiscardHandler),
		Ops: opsDeps{Tracer: tp, FlagOptions: flags.Options{NoCache: true}}})
	require.NoError(t, err)
	t.Cleanup(cleanup)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	tests := []struct {
		name      string
		method    string
		path      string
		wantEvent bool
	}{
		{name: "gated route evaluates its flag on the span", method: http.MethodPut, path: "/api/reports/export", wantEvent: true},
		{name: "live route evaluates nothing", method: http.MethodGet, path: "/api/users/42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(rec.Ended())
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			require.NoError(t, err)
			// The caller's trace continues: the server span is its child.
			req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Less(t, resp.StatusCode, 500)

			spans := rec.Ended()[before:]
			require.Len(t, spans, 1)
			span := spans[0]
			assert.Equal(t, "4bf92f3577b34da6a3ce929d0e0e4736", span.SpanContext().TraceID().String())
			var events []sdktrace.Event
			for _, e := range span.Events() {
				if e.Name == "feature_flag.evaluation" {
					events = append(events, e)
				}
			}
			if !tt.wantEvent {
				assert.Empty(t, events)
				return
			}
			require.Len(t, events, 1)
			attrs := attribute.NewSet(events[0].Attributes...)
			key, _ := attrs.Value("feature_flag.key")
			assert.Equal(t, "reports-export", key.AsString())
			variant, _ := attrs.Value("feature_flag.result.variant")
			assert.Equal(t, "on", variant.AsString())
		})
	}
}

// TestUnsampledRequestsCarryNoSpans checks that a tracer whose sampler drops
// every span leaves no span and no evaluation event, and that requests are
// served as with tracing on.
func TestUnsampledRequestsCarryNoSpans(t *testing.T) {
	p := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"reports-export": {State: memprovider.Enabled, DefaultVariant: "on", Variants: map[string]any{"on": true, "off": false}},
	})
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec), sdktrace.WithSampler(sdktrace.NeverSample()))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	h, cleanup, err := newServer(deps{Flags: openfeature.NewClient(t.Name()), Logger: slog.New(slog.DiscardHandler),
		Ops: opsDeps{Tracer: tp, FlagOptions: flags.Options{NoCache: true}}})
	require.NoError(t, err)
	t.Cleanup(cleanup)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	got := demoDo(t, http.MethodPut, srv.URL+"/api/reports/export")
	assert.Equal(t, http.StatusAccepted, got.status)
	assert.Empty(t, rec.Started())
	assert.Empty(t, rec.Ended())
}
