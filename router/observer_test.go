package router_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/router"
)

type observed struct {
	pattern string
	stage   router.Stage
	outcome router.Outcome
}

type recordingObserver struct {
	mu  sync.Mutex
	got []observed
}

func (o *recordingObserver) ObserveRequest(r *router.Route, s router.Stage, out router.Outcome) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.got = append(o.got, observed{r.Pattern, s, out})
}

func TestObserverOutcomes(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	dep := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	routes := []router.Route{
		{Method: http.MethodGet, Pattern: "/live", Stage: router.Live, Handler: ok},
		{Method: http.MethodGet, Pattern: "/old", Stage: router.Deprecated, Handler: ok, Deprecation: dep},
		{Method: http.MethodGet, Pattern: "/gone", Stage: router.Removed},
		{Method: http.MethodGet, Pattern: "/on", Stage: router.Beta, Flag: "on", Handler: ok},
		{Method: http.MethodGet, Pattern: "/off", Stage: router.Planned, Flag: "off", Handler: ok},
		{Method: http.MethodGet, Pattern: "/secret", Stage: router.Planned, Flag: "off", Handler: ok, Off: router.OffNotFound},
		{Method: http.MethodGet, Pattern: "/sunset", Stage: router.Deprecated, Handler: ok, Deprecation: dep, Sunset: dep.Add(time.Hour)},
	}
	obs := &recordingObserver{}
	rt, err := router.New(routes, router.Config{Flags: &fakeFlags{on: func(f string) bool { return f == "on" }}, Observer: obs})
	require.NoError(t, err)
	t.Cleanup(rt.Close)

	tests := []struct {
		name       string
		path       string
		wantStatus int
		want       []observed
	}{
		{name: "live", path: "/live", wantStatus: 200, want: []observed{{"/live", router.Live, router.OutcomeServed}}},
		{name: "deprecated", path: "/old", wantStatus: 200, want: []observed{{"/old", router.Deprecated, router.OutcomeServed}}},
		{name: "removed", path: "/gone", wantStatus: 410, want: []observed{{"/gone", router.Removed, router.OutcomeRemoved}}},
		{name: "flag on", path: "/on", wantStatus: 200, want: []observed{{"/on", router.Beta, router.OutcomeServed}}},
		{name: "flag off", path: "/off", wantStatus: 501, want: []observed{{"/off", router.Planned, router.OutcomeStubbed}}},
		{name: "hidden", path: "/secret", wantStatus: 404, want: []observed{{"/secret", router.Planned, router.OutcomeHidden}}},
		{name: "past sunset", path: "/sunset", wantStatus: 410, want: []observed{{"/sunset", router.Removed, router.OutcomeRemoved}}},
		{name: "undeclared", path: "/nope", wantStatus: 404, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs.mu.Lock()
			obs.got = nil
			obs.mu.Unlock()
			w := httptest.NewRecorder()
			rt.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tt.path, nil))
			assert.Equal(t, tt.wantStatus, w.Result().StatusCode, "got %d, want %d", w.Result().StatusCode, tt.wantStatus)
			obs.mu.Lock()
			defer obs.mu.Unlock()
			assert.Equal(t, tt.want, obs.got)
		})
	}
}

func TestOutcomeString(t *testing.T) {
	tests := []struct {
		name string
		o    router.Outcome
		want string
	}{
		{name: "served", o: router.OutcomeServed, want: "served"},
		{name: "stubbed", o: router.OutcomeStubbed, want: "stubbed"},
		{name: "hidden", o: router.OutcomeHidden, want: "hidden"},
		{name: "removed", o: router.OutcomeRemoved, want: "removed"},
		{name: "unknown", o: router.Outcome(42), want: "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.o.String())
		})
	}
}

func BenchmarkServeNilObserver(b *testing.B) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})
	rt, err := router.New([]router.Route{{Method: http.MethodGet, Pattern: "/live", Stage: router.Live, Handler: ok}}, router.Config{})
	require.NoError(b, err)
	r := httptest.NewRequest(http.MethodGet, "/live", nil)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		rt.ServeHTTP(w, r)
	}
}
