package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/roadmappage"
)

// demandReplica starts one demo server (newServer, as run builds it) with
// its own in-memory flags, every flag off but those in on, under its own
// OpenFeature domain.
func demandReplica(t *testing.T, name string, o opsDeps, on ...string) *httptest.Server {
	t.Helper()
	off := memprovider.InMemoryFlag{State: memprovider.Enabled, DefaultVariant: "off", Variants: map[string]any{"on": true, "off": false}}
	fl := map[string]memprovider.InMemoryFlag{}
	for _, k := range []string{"reports-export", "feature-write", "users-patch", "users-activity", "insights", "users-v0-brownout"} {
		f := off
		f.Key = k
		if slices.Contains(on, k) {
			f.DefaultVariant = "on"
		}
		fl[k] = f
	}
	domain := t.Name() + "/" + name
	require.NoError(t, openfeature.SetNamedProviderAndWait(domain, memprovider.NewInMemoryProvider(fl)))
	h, cleanup, err := newServer(deps{Flags: openfeature.NewClient(domain), Logger: slog.New(slog.DiscardHandler), Ops: o})
	require.NoError(t, err)
	t.Cleanup(cleanup)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// demandGet sends one request as user and returns the status.
func demandGet(t *testing.T, c *http.Client, method, url, user string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	req.Header.Set("X-User-ID", user)
	res, err := c.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	require.NoError(t, res.Body.Close())
	return res.StatusCode
}

func demandSnapshot(t *testing.T, base string) *demand.Snapshot {
	t.Helper()
	res, err := http.Get(base + "/demand")
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	s, err := demand.ReadSnapshot(res.Body)
	require.NoError(t, err)
	return s
}

func demandWindow(t *testing.T, rep demand.Report, method, pattern string, days int) demand.Window {
	t.Helper()
	rr, ok := rep.Route(method, pattern)
	require.True(t, ok, "%s %s not counted", method, pattern)
	w, ok := rr.Window(days)
	require.True(t, ok)
	return w
}

// TestDemandReplicas runs two demo servers with the same demand secret
// and sends overlapping callers to the planned PUT /api/reports/export:
// 3,000 to each, 1,500 of them to both (4,500 distinct). Merging the two
// replicas' /demand snapshots estimates 4,500 within three standard errors
// of the sketch, while adding the replicas' estimates counts the 1,500
// twice.
func TestDemandReplicas(t *testing.T) {
	o := opsDeps{DemandSecret: []byte("shared by the replicas")}
	a, b := demandReplica(t, "a", o), demandReplica(t, "b", o)
	const perReplica, overlap = 3000, 1500
	const path = "/api/reports/export"
	c := &http.Client{}
	for i := range perReplica {
		require.Equal(t, http.StatusNotImplemented, demandGet(t, c, http.MethodPut, a.URL+path, fmt.Sprintf("user-%d", i)))
		require.Equal(t, http.StatusNotImplemented, demandGet(t, c, http.MethodPut, b.URL+path, fmt.Sprintf("user-%d", i+perReplica-overlap)))
	}
	// Who still calls the deprecated v0 route: acme most.
	for i, user := range []string{"acme", "acme", "acme", "globex", "acme", "initech"} {
		srv := a
		if i%2 == 1 {
			srv = b
		}
		require.Equal(t, http.StatusOK, demandGet(t, c, http.MethodGet, srv.URL+"/api/v0/users/7", user))
	}

	sa, sb := demandSnapshot(t, a.URL), demandSnapshot(t, b.URL)
	merged, err := demand.Merge(sa, sb)
	require.NoError(t, err)
	truth := float64(2*perReplica - overlap)
	sigma := 1.04 / math.Sqrt(4096)
	got := demandWindow(t, merged.Report(), http.MethodPut, path, 7)
	assert.InEpsilon(t, truth, float64(got.Callers), 3*sigma, "merged estimate: got %d, want %v ± 3σ", got.Callers, truth)
	assert.Equal(t, uint64(2*perReplica), got.Requests)
	sum := demandWindow(t, sa.Report(), http.MethodPut, path, 7).Callers + demandWindow(t, sb.Report(), http.MethodPut, path, 7).Callers
	assert.Greater(t, float64(sum), truth*(1+3*sigma), "the sum of the replicas' estimates overcounts: %d", sum)
	t.Logf("truth %v, merged %d, sum %d", truth, got.Callers, sum)

	v0 := demandWindow(t, merged.Report(), http.MethodGet, "/api/v0/users/{id}", 7)
	assert.Equal(t, uint64(3), v0.Callers)
	require.NotEmpty(t, v0.Top)
	assert.Equal(t, uint64(4), v0.Top[0].Requests, "acme, on both replicas")

	// The operator (loopback) sees the replica's demand on its roadmap.
	res, err := http.Get(a.URL + "/roadmap.json")
	require.NoError(t, err)
	defer res.Body.Close()
	var doc roadmappage.Document
	require.NoError(t, json.NewDecoder(res.Body).Decode(&doc))
	found := false
	for _, r := range doc.Routes {
		if r.Method == http.MethodPut && r.Pattern == path {
			require.NotNil(t, r.Demand, "the operator sees demand")
			assert.InEpsilon(t, perReplica, float64(r.Demand.Windows[0].Callers), 3*sigma)
			found = true
		}
	}
	assert.True(t, found)
}

// TestDemandForOperatorsOnly: a caller who is not the operator gets the
// router's 404 for /demand, and a roadmap without demand (or with the
// counts only, never the top callers, with -public-demand); hidden routes
// are never named.
func TestDemandForOperatorsOnly(t *testing.T) {
	for _, public := range []bool{false, true} {
		t.Run(fmt.Sprintf("public=%v", public), func(t *testing.T) {
			srv := demandReplica(t, "r", opsDeps{DemandSecret: []byte("s"), PublicDemand: public})
			c := &http.Client{}
			for _, u := range []string{"ada", "bob"} {
				demandGet(t, c, http.MethodPut, srv.URL+"/api/reports/export", u)
				demandGet(t, c, http.MethodGet, srv.URL+"/api/insights", u) // hidden: 404
				demandGet(t, c, http.MethodGet, srv.URL+"/api/v0/users/1", u)
			}
			h := srv.Config.Handler
			remote := func(path string) (int, string) {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.RemoteAddr = "203.0.113.7:40000" // a documentation address; no traffic is sent
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				return w.Code, w.Body.String()
			}
			code, body := remote("/demand")
			assert.Equal(t, http.StatusNotFound, code)
			assert.NotContains(t, body, "insights")
			code, body = remote("/roadmap.json")
			require.Equal(t, http.StatusOK, code)
			assert.NotContains(t, body, "/api/insights", "a hidden route is never named")
			if public {
				assert.Contains(t, body, `"demand"`)
				assert.NotContains(t, body, "topCallers")
			} else {
				assert.NotContains(t, body, `"demand"`)
			}
			// The operator's snapshot does count the hidden route.
			s := demandSnapshot(t, srv.URL)
			w := demandWindow(t, s.Report(), http.MethodGet, "/api/insights", 7)
			assert.Equal(t, uint64(2), w.Callers)
		})
	}
}

// TestDemoBrownout: the demo's v0 route has a brownout flag, off in the
// shipped flags; where it is on, the route answers 410 problem+json with its
// deprecation headers, and the call is still counted as a deprecated call.
func TestDemoBrownout(t *testing.T) {
	var shipped struct {
		Flags map[string]struct {
			DefaultVariant string          `json:"defaultVariant"`
			Targeting      json.RawMessage `json:"targeting"`
		} `json:"flags"`
	}
	require.NoError(t, json.Unmarshal(defaultFlags, &shipped))
	f, ok := shipped.Flags["users-v0-brownout"]
	require.True(t, ok, "flags.json declares the brownout flag")
	assert.Equal(t, "off", f.DefaultVariant)
	assert.Empty(t, f.Targeting, "off for everyone")

	srv := demandReplica(t, "r", opsDeps{DemandSecret: []byte("s")}, "users-v0-brownout")
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/v0/users/7", nil)
	require.NoError(t, err)
	req.Header.Set("X-User-ID", "acme")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	assert.Equal(t, http.StatusGone, res.StatusCode)
	assert.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
	assert.Equal(t, "@1767225600", res.Header.Get("Deprecation"))
	assert.Equal(t, "Tue, 01 Jan 2030 00:00:00 GMT", res.Header.Get("Sunset"))
	assert.Contains(t, res.Header.Get("Link"), `</api/users/7>; rel="successor-version"`, "the successor, filled in, in the first field")
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	assert.Contains(t, string(body), `"status":410`)

	w := demandWindow(t, demandSnapshot(t, srv.URL).Report(), http.MethodGet, "/api/v0/users/{id}", 7)
	assert.Equal(t, uint64(1), w.Requests, "a browned-out call is a deprecated call")
}
