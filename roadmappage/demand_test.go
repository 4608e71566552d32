package roadmappage_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/roadmappage"
	"github.com/roadmap-go/roadmap/router"
)

// counted returns a Counter that saw demand for DELETE /users/{id} (two
// callers), GET /secret (one) and calls to the deprecated GET /v0/users.
func counted(t *testing.T) *demand.Counter {
	t.Helper()
	c := demand.New(demand.HeaderKey("X-User-ID"), demand.Options{Now: func() time.Time { return testNow }, Secret: []byte("s")})
	del := &router.Route{Method: http.MethodDelete, Pattern: "/users/{id}", Stage: router.Planned}
	secret := &router.Route{Method: http.MethodGet, Pattern: "/secret", Stage: router.Planned}
	v0 := &router.Route{Method: http.MethodGet, Pattern: "/v0/users", Stage: router.Deprecated, Deprecation: deprAt}
	for _, k := range []string{"ada", "bob", "ada", ""} {
		c.Count(del, router.Planned, router.OutcomeStubbed, k)
	}
	c.Count(secret, router.Planned, router.OutcomeHidden, "eve")
	for _, k := range []string{"acme", "acme", "zed"} {
		c.Count(v0, router.Removed, router.OutcomeRemoved, k)
	}
	return c
}

func isOperator(r *http.Request) bool { return r.Header.Get("X-Operator") == "yes" }

func demandByRoute(t *testing.T, body string) map[string]*roadmappage.Demand {
	t.Helper()
	var doc roadmappage.Document
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	out := map[string]*roadmappage.Demand{}
	for _, r := range doc.Routes {
		if r.Demand != nil {
			out[r.Method+" "+r.Pattern] = r.Demand
		}
	}
	return out
}

// TestDemandVisibility checks who sees demand: nobody by default, the
// operator with top callers, everyone with PublicDemand but without top
// callers; and that a hidden route is never named to a caller it is hidden
// from, operator or not.
func TestDemandVisibility(t *testing.T) {
	c := counted(t)
	acme := c.Pseudonym("acme")
	tests := []struct {
		name       string
		opts       roadmappage.Options
		hdr        []string // header name/value pairs
		wantRoutes []string
		wantTop    bool
	}{
		{name: "not opted in", opts: roadmappage.Options{Demand: c}},
		{name: "operator not opted in", opts: roadmappage.Options{Demand: c}, hdr: []string{"X-Operator", "yes"}},
		{name: "operator", opts: roadmappage.Options{Demand: c, Operator: isOperator}, hdr: []string{"X-Operator", "yes"},
			wantRoutes: []string{"DELETE /users/{id}", "GET /v0/users"}, wantTop: true},
		{name: "operator served the secret route", opts: roadmappage.Options{Demand: c, Operator: isOperator},
			hdr:        []string{"X-Operator", "yes", "X-User-Id", "vip"},
			wantRoutes: []string{"DELETE /users/{id}", "GET /secret", "GET /v0/users"}, wantTop: true},
		{name: "public", opts: roadmappage.Options{Demand: c, Operator: isOperator, PublicDemand: true},
			wantRoutes: []string{"DELETE /users/{id}", "GET /v0/users"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, tc.opts, nil)
			res := servetest.Do(t, srv, http.MethodGet, "/roadmap.json", tc.hdr...)
			require.Equal(t, http.StatusOK, res.Status)
			got := demandByRoute(t, res.Body)
			names := []string{}
			for k := range got {
				names = append(names, k)
			}
			assert.ElementsMatch(t, tc.wantRoutes, names)
			if i := slices.Index(tc.hdr, "X-User-Id"); i < 0 || tc.hdr[i+1] != "vip" {
				assert.NotContains(t, res.Body, "/secret", "a hidden route is never named")
			}
			if len(tc.wantRoutes) == 0 {
				assert.NotContains(t, res.Body, `"demand"`)
				return
			}
			del := got["DELETE /users/{id}"]
			require.Len(t, del.Windows, 2)
			assert.Equal(t, demand.KindDemand, del.Kind)
			assert.Equal(t, uint64(2), del.Windows[0].Callers)
			assert.Equal(t, uint64(4), del.Windows[0].Requests)
			assert.Equal(t, uint64(1), del.Windows[0].Anonymous)
			v0 := got["GET /v0/users"]
			assert.Equal(t, demand.KindDeprecated, v0.Kind)
			if tc.wantTop {
				require.NotEmpty(t, v0.Windows[0].Top)
				assert.Equal(t, acme, v0.Windows[0].Top[0].ID)
			} else {
				assert.Empty(t, v0.Windows[0].Top)
				assert.NotContains(t, res.Body, acme, "top callers are for operators")
			}
		})
	}
}

func TestDemandOnPage(t *testing.T) {
	c := counted(t)
	srv := newServer(t, roadmappage.Options{Demand: c, Operator: isOperator, PublicDemand: true}, nil)
	body := servetest.Do(t, srv, http.MethodGet, "/roadmap", "X-Operator", "yes").Body
	assert.Contains(t, body, "2 callers asked for this in the last 7 days (2 in the last 30 days), and 1 request without a caller id.")
	assert.Contains(t, body, "2 callers still called this in the last 7 days")
	assert.Contains(t, body, "<code>"+c.Pseudonym("acme")+"</code>")
	assert.NotContains(t, body, "/secret")

	public := servetest.Do(t, srv, http.MethodGet, "/roadmap").Body
	assert.Contains(t, public, "2 callers asked for this in the last 7 days")
	assert.NotContains(t, public, c.Pseudonym("acme"))
}
