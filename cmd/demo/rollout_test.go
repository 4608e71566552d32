package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/internal/rollouttest"
)

// demoKeyCount generated users are enough to measure a share within ± 3
// points at the demo's steps.
const demoKeyCount = 2000

// demoPatched sends PATCH /api/users/1 as each user and returns who was
// served.
func demoPatched(t *testing.T, base string, keys []string) []bool {
	t.Helper()
	return rollouttest.Served(t, http.DefaultClient, http.MethodPatch, base+"/api/users/1", "X-User-ID", keys)
}

type demoAnswer struct {
	status int
	header http.Header
	body   string
}

// demoDo sends one request with header name/value pairs.
func demoDo(t *testing.T, method, url string, hdr ...string) demoAnswer {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return demoAnswer{status: res.StatusCode, header: res.Header, body: string(b)}
}

// TestDemoRollout runs the demo on its shipped flags and checks each rollout
// feature it shows (docs/rollout.md).
func TestDemoRollout(t *testing.T) {
	base := startDemoForDocs(t, string(defaultFlags))

	t.Run("users-patch: 50% of identified users", func(t *testing.T) {
		share := rollouttest.Share(demoPatched(t, base, rollouttest.Keys(demoKeyCount, 5)))
		assert.InDelta(t, 50, share, 3, "got %.2f%% served, want 50%% ± 3", share)
	})
	t.Run("users-patch: named users, anonymous", func(t *testing.T) {
		for _, u := range []string{"grace", "linus"} {
			assert.Equal(t, http.StatusOK, demoDo(t, http.MethodPatch, base+"/api/users/1", "X-User-ID", u).status, u)
		}
		anon := demoDo(t, http.MethodPatch, base+"/api/users/1")
		require.Equal(t, http.StatusNotImplemented, anon.status)
		assert.Contains(t, anon.body, "Partial user update is not yet available.")
	})

	tests := []struct {
		name        string
		method      string
		path        string
		hdr         []string
		want        int
		wantApplied string
		wantAllow   string
		wantBody    string
	}{
		{name: "activity: named user without opt-in", path: "/api/users/1/activity", hdr: []string{"X-User-ID", "grace"}, want: http.StatusForbidden},
		{name: "activity: named user opted in", path: "/api/users/1/activity", hdr: []string{"X-User-ID", "grace", "Roadmap-Beta", "users-activity"}, want: http.StatusOK, wantApplied: "users-activity"},
		{name: "activity: opt-in never bypasses the flag", path: "/api/users/1/activity", hdr: []string{"X-User-ID", "bob", "Roadmap-Beta", "users-activity"}, want: http.StatusForbidden},
		{name: "unknown beta name", method: http.MethodPatch, path: "/api/users/1", hdr: []string{"Roadmap-Beta", "users-activty"}, want: http.StatusBadRequest, wantBody: `\"users-activty\"`},
		{name: "insights: hidden", path: "/api/insights", want: http.StatusNotFound},
		{name: "insights: grace", path: "/api/insights", hdr: []string{"X-User-ID", "grace"}, want: http.StatusOK},
		{name: "planned: 501 for a viewer", method: http.MethodPut, path: "/api/reports/export", want: http.StatusNotImplemented, wantBody: "Report export is not yet available."},
		{name: "planned: 404 for a guest", method: http.MethodPut, path: "/api/reports/export", hdr: []string{"X-User-ID", "guest-1"}, want: http.StatusNotFound},
		{name: "guest: Allow without planned methods", method: http.MethodPatch, path: "/api/feature", hdr: []string{"X-User-ID", "guest-1"}, want: http.StatusMethodNotAllowed, wantAllow: "GET, HEAD, POST"},
		{name: "viewer: Allow with planned methods", method: http.MethodPatch, path: "/api/feature", want: http.StatusMethodNotAllowed, wantAllow: "GET, HEAD, POST, PUT, DELETE"},
		{name: "guest: removed route still 410", path: "/api/v0/reports", hdr: []string{"X-User-ID", "guest-1"}, want: http.StatusGone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			got := demoDo(t, method, base+tt.path, tt.hdr...)
			require.Equal(t, tt.want, got.status, "body: %s", got.body)
			assert.Equal(t, tt.wantApplied, got.header.Get("Roadmap-Beta-Applied"))
			if tt.wantAllow != "" {
				assert.Equal(t, tt.wantAllow, got.header.Get("Allow"))
			}
			assert.Contains(t, got.body, tt.wantBody)
		})
	}

	t.Run("hidden route answers like a missing one", func(t *testing.T) {
		hidden := demoDo(t, http.MethodGet, base+"/api/insights")
		missing := demoDo(t, http.MethodGet, base+"/api/insightz")
		assert.Equal(t, missing.status, hidden.status)
		assert.Equal(t, missing.header.Get("Content-Type"), hidden.header.Get("Content-Type"))
		assert.Equal(t, missing.header.Get("Content-Length"), hidden.header.Get("Content-Length"))
		assert.Equal(t, strings.ReplaceAll(missing.body, "/api/insightz", "/api/insights"), hidden.body)
	})
}

// rolloutStep is one users-patch definition from docs/rollout.md.
type rolloutStep struct {
	name string
	def  json.RawMessage
}

// docRolloutSteps reads the users-patch snippets of docs/rollout.md, each
// marked "<!-- users-patch step: NAME -->", in order.
func docRolloutSteps(t *testing.T) []rolloutStep {
	t.Helper()
	doc, err := os.ReadFile("../../docs/rollout.md")
	require.NoError(t, err)
	re := regexp.MustCompile("(?s)<!-- users-patch step: (\\S+) -->\\s*```json\\n(.*?)```")
	var steps []rolloutStep
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		var obj map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte("{"+m[2]+"}"), &obj), "step %s", m[1])
		require.Contains(t, obj, "users-patch", "step %s", m[1])
		steps = append(steps, rolloutStep{name: m[1], def: obj["users-patch"]})
	}
	return steps
}

// flagsWith returns the shipped flag file with users-patch replaced by def.
func flagsWith(t *testing.T, def json.RawMessage) string {
	t.Helper()
	var file struct {
		Schema string                     `json:"$schema"`
		Flags  map[string]json.RawMessage `json:"flags"`
	}
	require.NoError(t, json.Unmarshal(defaultFlags, &file))
	file.Flags["users-patch"] = def
	b, err := json.Marshal(file)
	require.NoError(t, err)
	return string(b)
}

// TestDemoRolloutSteps runs the demo on each step of the users-patch rollout
// in docs/rollout.md: named users are on at every step, anonymous requests
// off, the share matches the step, nobody who was on loses the route at the
// next step, and the 50% step is what cmd/demo/flags.json ships.
func TestDemoRolloutSteps(t *testing.T) {
	steps := docRolloutSteps(t)
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = s.name
	}
	require.Equal(t, []string{"named", "10", "50", "100"}, names, "steps in docs/rollout.md")

	var shipped struct {
		Flags map[string]any `json:"flags"`
	}
	require.NoError(t, json.Unmarshal(defaultFlags, &shipped))
	var step50 any
	require.NoError(t, json.Unmarshal(steps[2].def, &step50))
	assert.Equal(t, step50, shipped.Flags["users-patch"], "cmd/demo/flags.json ships the 50% step")

	wantShare := map[string]float64{"named": 0, "10": 10, "50": 50, "100": 100}
	keys := rollouttest.Keys(demoKeyCount, 5)
	var prev []bool
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			base := startDemoForDocs(t, flagsWith(t, s.def))
			for _, u := range []string{"grace", "linus"} {
				assert.Equal(t, http.StatusOK, demoDo(t, http.MethodPatch, base+"/api/users/1", "X-User-ID", u).status, u)
			}
			assert.Equal(t, http.StatusNotImplemented, demoDo(t, http.MethodPatch, base+"/api/users/1").status, "anonymous")
			on := demoPatched(t, base, keys)
			share := rollouttest.Share(on)
			assert.InDelta(t, wantShare[s.name], share, 3, "got %.2f%% served", share)
			lost := 0
			if prev != nil {
				idx := rollouttest.LostKeys(prev, on)
				rollouttest.Recheck(t, http.DefaultClient, http.MethodPatch, base+"/api/users/1", "X-User-ID", keys, on, idx, 3)
				lost = rollouttest.Lost(prev, on)
			}
			assert.Zero(t, lost, "got %d users switched off since the previous step, want 0", lost)
			prev = on
		})
	}
}
