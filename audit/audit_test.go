package audit_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/audit"
	"github.com/roadmap-go/roadmap/internal/logtest"
	"github.com/roadmap-go/roadmap/router"
)

type record struct {
	Msg, Route, Name, Flag, Caller, Old, New, Cause string
	At                                              time.Time
}

func records(t *testing.T, b *logtest.Buffer) []record {
	var out []record
	dec := json.NewDecoder(strings.NewReader(b.String()))
	for dec.More() {
		var r record
		require.NoError(t, dec.Decode(&r))
		out = append(out, r)
	}
	return out
}

func flag(on bool) memprovider.InMemoryFlag {
	v := "off"
	if on {
		v = "on"
	}
	return memprovider.InMemoryFlag{State: memprovider.Enabled, DefaultVariant: v, Variants: map[string]any{"on": true, "off": false}}
}

func targeted() memprovider.InMemoryFlag {
	f := flag(false)
	fn := func(_ memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		return ec[openfeature.TargetingKey] == "alice", openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason}
	}
	f.ContextEvaluator = &fn
	return f
}

func TestTrailLogsEachChangeOnce(t *testing.T) {
	p := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"export": flag(false), "patch": flag(false),
	})
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	client := openfeature.NewClient(t.Name())

	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})
	rt, err := router.New([]router.Route{
		{Method: http.MethodPut, Pattern: "/export", Stage: router.Planned, Flag: "export", Handler: ok, Name: "Export"},
		{Method: http.MethodPatch, Pattern: "/patch", Stage: router.Beta, Flag: "patch", Handler: ok},
		{Method: http.MethodGet, Pattern: "/live", Stage: router.Live, Handler: ok},
	}, router.Config{Flags: client, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(rt.Close)

	logs := &logtest.Buffer{}
	at := time.Date(2026, 11, 27, 4, 0, 0, 0, time.UTC)
	trail := audit.New(rt, client, audit.Options{
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{ReplaceAttr: lowerKeys})),
		Now:    func() time.Time { return at },
	})
	t.Cleanup(trail.Close)

	initial := records(t, logs)
	require.Len(t, initial, 2, "the initial state of each flagged route, live routes excluded")
	assert.Equal(t, record{Msg: "route state changed", Route: "PUT /export", Name: "Export", Flag: "export", Old: "", New: audit.StateOff, Cause: "initial", At: at}, initial[0])

	// Flip export on, make patch targeted: one record each, whatever the
	// number of requests and events.
	p.UpdateFlags(map[string]memprovider.InMemoryFlag{"export": flag(true), "patch": targeted()})
	require.Eventually(t, func() bool { return len(records(t, logs)) >= 4 }, 10*time.Second, 5*time.Millisecond)
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)
	for range 20 {
		req, _ := http.NewRequest(http.MethodPut, srv.URL+"/export", nil)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	// Another event with no change of state logs nothing.
	p.UpdateFlags(map[string]memprovider.InMemoryFlag{"export": flag(true), "patch": targeted()})
	// Then a real change, which must come after everything above.
	p.UpdateFlags(map[string]memprovider.InMemoryFlag{"export": flag(false), "patch": targeted()})
	require.Eventually(t, func() bool { return len(records(t, logs)) >= 5 }, 10*time.Second, 5*time.Millisecond)
	require.Eventually(t, func() bool { return trail.States()["PUT /export"] == audit.StateOff }, 10*time.Second, 5*time.Millisecond)

	got := records(t, logs)[2:]
	want := map[string][]string{ // route -> old>new transitions
		"PUT /export":  {"off>on", "on>off"},
		"PATCH /patch": {"off>targeted"},
	}
	byRoute := map[string][]string{}
	for _, r := range got {
		assert.Equal(t, "PROVIDER_CONFIGURATION_CHANGED", r.Cause)
		byRoute[r.Route] = append(byRoute[r.Route], r.Old+">"+r.New)
	}
	assert.Equal(t, want, byRoute)
}

func TestTrailRecordsFailures(t *testing.T) {
	p := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{"export": flag(true)})
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	client := openfeature.NewClient(t.Name())
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})
	rt, err := router.New([]router.Route{
		{Method: http.MethodPut, Pattern: "/export", Stage: router.Planned, Flag: "export", Handler: ok},
	}, router.Config{Flags: client, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	trail := audit.New(rt, client, audit.Options{Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(trail.Close)
	require.Equal(t, audit.StateOn, trail.States()["PUT /export"])

	p.UpdateFlags(map[string]memprovider.InMemoryFlag{}) // the flag is deleted
	require.Eventually(t, func() bool {
		return trail.States()["PUT /export"] == "error:"+string(openfeature.FlagNotFoundCode)
	}, 10*time.Second, 5*time.Millisecond)
}

// TestTrailFollowsCallers: a change of targeting rules alone leaves the
// anonymous state at "targeted", and is logged for the watched callers whose
// decision it changes, once each.
func TestTrailFollowsCallers(t *testing.T) {
	only := func(key string) memprovider.InMemoryFlag {
		f := flag(false)
		fn := func(_ memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
			// The route's attributes reach the rule, as in the router.
			on := ec[openfeature.TargetingKey] == key && ec[router.AttrRoute] == "Patch" && ec["plan"] == "pro"
			return on, openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason}
		}
		f.ContextEvaluator = &fn
		return f
	}
	p := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{"patch": only("alice")})
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	client := openfeature.NewClient(t.Name())
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})
	rt, err := router.New([]router.Route{
		{Method: http.MethodPatch, Pattern: "/patch", Stage: router.Beta, Flag: "patch", Handler: ok, Name: "Patch"},
	}, router.Config{Flags: client, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	logs := &logtest.Buffer{}
	pro := map[string]any{"plan": "pro"}
	trail := audit.New(rt, client, audit.Options{
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{ReplaceAttr: lowerKeys})),
		Callers: []openfeature.EvaluationContext{openfeature.NewEvaluationContext("alice", pro), openfeature.NewEvaluationContext("bob", pro),
			openfeature.NewEvaluationContext("alice", nil), openfeature.NewEvaluationContext("", pro)}, // ignored: repeated, no key
	})
	t.Cleanup(trail.Close)
	assert.Equal(t, map[string]map[string]string{"PATCH /patch": {"alice": audit.StateOn, "bob": audit.StateOff}}, trail.CallerStates())

	p.UpdateFlags(map[string]memprovider.InMemoryFlag{"patch": only("bob")})
	require.Eventually(t, func() bool { return trail.CallerStates()["PATCH /patch"]["bob"] == audit.StateOn }, 10*time.Second, 5*time.Millisecond)
	assert.Equal(t, audit.StateTargeted, trail.States()["PATCH /patch"], "the anonymous state did not change")

	assert.Equal(t, 2, strings.Count(logs.String(), "caller ignored"), logs.String())
	var changes []string
	for _, r := range records(t, logs) {
		if r.Msg == "route state changed for caller" {
			changes = append(changes, r.Caller+":"+r.Old+">"+r.New)
		}
	}
	assert.Equal(t, []string{"alice:>on", "bob:>off", "alice:on>off", "bob:off>on"}, changes)
}

// lowerKeys makes the JSON keys match the record struct's lower-cased
// standard fields.
func lowerKeys(_ []string, a slog.Attr) slog.Attr {
	switch a.Key {
	case slog.MessageKey:
		a.Key = "msg"
	case slog.TimeKey, slog.LevelKey:
		return slog.Attr{}
	}
	return a
}
