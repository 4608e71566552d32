package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/router"
	"github.com/roadmap-go/roadmap/routertest"
)

const (
	secGuest  = "guest-7"  // rejected by the demo's Config.Roadmap
	secMember = "member-7" // may see the roadmap
)

// secAnswer is one answer with the per-request parts removed: the Date
// header, and the request path wherever it is echoed (the problem's
// "instance"), so that answers to different paths can be compared.
type secAnswer struct {
	Status int
	Header http.Header
	Body   string
}

func secDemo(t *testing.T) (*httptest.Server, *routertest.Flags) {
	t.Helper()
	fl := routertest.NewFlags(t, map[string]bool{
		"reports-export": false, "feature-write": false, "users-patch": false, "users-activity": false, "insights": false,
	})
	h, cleanup, err := newServer(deps{Flags: fl.Client(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(cleanup)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, fl
}

func secDo(t *testing.T, srv *httptest.Server, user, method, path string, hdr ...string) secAnswer {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("X-User-ID", user)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	h := resp.Header.Clone()
	h.Del("Date")
	if resp.Header.Get("Content-Length") != "" {
		h.Del("Content-Length") // differs with the echoed path; compared through the body
	}
	return secAnswer{Status: resp.StatusCode, Header: h, Body: strings.ReplaceAll(string(body), path, "{path}")}
}

// TestRejectedCallerCannotTellPlannedFromMissing compares, for a caller the
// Config.Roadmap predicate rejects, the answer of each route that is not
// served with the answer of a request that matches nothing: status, headers
// and body must be identical. A caller who may see the roadmap tells them
// apart, which shows the comparison can fail.
func TestRejectedCallerCannotTellPlannedFromMissing(t *testing.T) {
	t.Parallel()
	srv, _ := secDemo(t)
	tests := []struct {
		name             string
		declared, absent [2]string // method, path
		hdr              []string
	}{
		{"planned path", [2]string{"PUT", "/api/reports/export"}, [2]string{"PUT", "/api/reports/exports"}, nil},
		{"planned path, other method", [2]string{"PUT", "/api/reports/export"}, [2]string{"DELETE", "/api/reports/nothing"}, nil},
		{"planned GET", [2]string{"GET", "/api/insights"}, [2]string{"GET", "/api/insightz"}, nil},
		{"planned HEAD", [2]string{"HEAD", "/api/insights"}, [2]string{"HEAD", "/api/insightz"}, nil},
		{"planned method on a live path", [2]string{"PUT", "/api/feature"}, [2]string{"PATCH", "/api/feature"}, nil},
		{"beta method on a live path", [2]string{"PATCH", "/api/users/7"}, [2]string{"DELETE", "/api/users/7"}, nil},
		{"beta with opt-in", [2]string{"PATCH", "/api/users/7"}, [2]string{"DELETE", "/api/users/7"}, []string{router.DefaultOptInHeader, "users-patch"}},
		{"unknown opt-in name", [2]string{"PATCH", "/api/users/7"}, [2]string{"DELETE", "/api/users/7"}, []string{router.DefaultOptInHeader, "no-such-feature"}},
		{"beta path", [2]string{"GET", "/api/users/7/activity"}, [2]string{"GET", "/api/users/7/activitz"}, nil},
		{"roadmap page", [2]string{"GET", "/roadmap"}, [2]string{"GET", "/roadmapz"}, nil},
		{"roadmap JSON", [2]string{"GET", "/roadmap.json"}, [2]string{"GET", "/roadmapz.json"}, nil},
		{"roadmap JSON HEAD", [2]string{"HEAD", "/roadmap.json"}, [2]string{"HEAD", "/roadmapz.json"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := secDo(t, srv, secGuest, tt.declared[0], tt.declared[1], tt.hdr...)
			a := secDo(t, srv, secGuest, tt.absent[0], tt.absent[1], tt.hdr...)
			assert.Equal(t, a, d, "a rejected caller can tell %s %s from %s %s", tt.declared[0], tt.declared[1], tt.absent[0], tt.absent[1])
			assert.Contains(t, []int{http.StatusNotFound, http.StatusMethodNotAllowed}, d.Status)
			for _, leak := range []string{"planned", "beta", "reports-export", "users-patch", "insights", "Not Implemented"} {
				assert.NotContains(t, d.Body, leak)
				for k, v := range d.Header {
					assert.NotContains(t, strings.Join(v, ","), leak, "header %s", k)
				}
			}
		})
	}
	t.Run("a member can tell them apart", func(t *testing.T) {
		t.Parallel()
		d := secDo(t, srv, secMember, "PUT", "/api/reports/export")
		a := secDo(t, srv, secMember, "PUT", "/api/reports/exports")
		assert.NotEqual(t, a, d)
		assert.Equal(t, http.StatusNotImplemented, d.Status)
		assert.Equal(t, http.StatusBadRequest, secDo(t, srv, secMember, "PATCH", "/api/users/7", router.DefaultOptInHeader, "no-such-feature").Status)
	})
}

// TestRejectedCallerOpenAPI checks that the OpenAPI document served to a
// rejected caller lists only what is public: no planned or off beta
// operation, no flag key.
func TestRejectedCallerOpenAPI(t *testing.T) {
	t.Parallel()
	srv, _ := secDemo(t)
	guest := secDo(t, srv, secGuest, "GET", "/openapi.json")
	require.Equal(t, http.StatusOK, guest.Status)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	require.NoError(t, json.Unmarshal([]byte(guest.Body), &doc))
	for _, leak := range []string{"reports-export", "feature-write", "users-patch", "users-activity", `"insights"`, `"stage":"planned"`, "/api/insights", "/api/reports/export", "/activity"} {
		assert.NotContains(t, guest.Body, leak)
	}
	var ops []string
	for p, item := range doc.Paths {
		for m := range item {
			ops = append(ops, strings.ToUpper(m)+" "+p)
		}
	}
	slices.Sort(ops)
	for _, op := range ops {
		assert.NotContains(t, []string{"PUT /api/feature", "DELETE /api/feature", "PATCH /api/users/{id}"}, op)
	}
	member := secDo(t, srv, secMember, "GET", "/openapi.json")
	assert.Contains(t, member.Body, "/api/reports/export", "members see the roadmap (shows the check can fail)")
}

// TestOptInNeverBypassesAFlag: naming a beta feature in the opt-in header
// is input to the flag rule, never a switch.
func TestOptInNeverBypassesAFlag(t *testing.T) {
	t.Parallel()
	srv, fl := secDemo(t)
	for _, user := range []string{secMember, secGuest, ""} {
		a := secDo(t, srv, user, "PATCH", "/api/users/7", router.DefaultOptInHeader, "users-patch")
		assert.NotEqual(t, http.StatusOK, a.Status, "user %q opted in with the flag off", user)
		assert.Empty(t, a.Header.Get(router.OptInAppliedHeader))
	}
	fl.Set("users-patch", true)
	a := secDo(t, srv, secMember, "PATCH", "/api/users/7", router.DefaultOptInHeader, "users-patch")
	assert.Equal(t, http.StatusOK, a.Status)
	assert.Equal(t, "users-patch", a.Header.Get(router.OptInAppliedHeader))
}

// TestStubBodiesSayOnlyTheDeclaration: a 501 body has exactly the RFC 9457
// members and the declared roadmap members, nothing else.
func TestStubBodiesSayOnlyTheDeclaration(t *testing.T) {
	t.Parallel()
	srv, _ := secDemo(t)
	allowed := []string{"type", "title", "status", "detail", "instance", "stage", "route", "available", "docs"}
	for _, r := range routes() {
		if r.Stage != router.Planned && r.Stage != router.Beta && r.Stage != router.Removed {
			continue
		}
		a := secDo(t, srv, secMember, r.Method, strings.ReplaceAll(r.Pattern, "{id}", "7"))
		var p map[string]any
		require.NoError(t, json.Unmarshal([]byte(a.Body), &p), "%s %s", r.Method, r.Pattern)
		for k := range p {
			assert.Contains(t, allowed, k, "%s %s: member %q", r.Method, r.Pattern, k)
		}
	}
}
