package roadmappage_test

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/roadmappage"
	"github.com/roadmap-go/roadmap/router"
)

// feedXML is the part of an Atom feed the tests read.
type feedXML struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Author  []string `xml:"author>name"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Content string `xml:"content"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

// feedServer serves a roadmap whose clock the test sets.
func feedServer(t *testing.T, now *atomic.Pointer[time.Time]) *httptest.Server {
	t.Helper()
	h := http.HandlerFunc(ok)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/users", Stage: router.Live, Handler: h, Name: "List users"},
		{Method: http.MethodPut, Pattern: "/reports/{id}", Stage: router.Beta, Flag: "beta", Handler: h, Name: "Report upload", LiveFrom: day(2027, 3, 1)},
		{Method: http.MethodGet, Pattern: "/v0/users", Stage: router.Deprecated, Handler: h, Name: "Users (v0)",
			Deprecation: day(2026, 1, 1), Sunset: day(2027, 1, 1), Successor: "/users", Docs: "https://example.com/v0"},
		// Secret while off; on for "vip". Its LiveFrom is far away: the
		// feed must not name it, whoever asks.
		{Method: http.MethodGet, Pattern: "/secret", Stage: router.Planned, Flag: "beta", Handler: h, Off: router.OffNotFound, LiveFrom: day(2030, 1, 1)},
		// Secret while off, live since 2027-02-01: public now.
		{Method: http.MethodGet, Pattern: "/launched", Stage: router.Planned, Flag: "beta", Handler: h, Off: router.OffNotFound, LiveFrom: day(2027, 2, 1)},
	}, router.Config{
		Flags: vipFlags(t), Context: flags.FromHeader("X-User-ID"),
		Roadmap: func(r *http.Request) bool { return !strings.HasPrefix(r.Header.Get("X-User-ID"), "guest-") },
		Now:     func() time.Time { return *now.Load() },
	})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	mux := chi.NewRouter()
	mux.NotFound(rt.NotFound)
	roadmappage.New(rt, roadmappage.Options{Title: "Users API roadmap", FeedTag: "example.com,2026"}).Mount(mux)
	mux.Mount("/", rt)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestFeed(t *testing.T) {
	var now atomic.Pointer[time.Time]
	srv := feedServer(t, &now)
	const (
		deprecatedID = "tag:example.com,2026:roadmap/deprecated/2026-01-01/GET/v0/users"
		sunsetID     = "tag:example.com,2026:roadmap/sunset/2027-01-01/GET/v0/users"
		launchedID   = "tag:example.com,2026:roadmap/live/2027-02-01/GET/launched"
		reportsID    = "tag:example.com,2026:roadmap/live/2027-03-01/PUT/reports/%7Bid%7D"
	)
	tests := []struct {
		name    string
		now     time.Time
		user    string
		wantIDs []string
		updated string
	}{
		{"before any date", time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), "", []string{deprecatedID}, "2026-01-01T00:00:00Z"},
		{"after the sunset", time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC), "", []string{sunsetID, deprecatedID}, "2027-01-01T00:00:00Z"},
		{"after both LiveFroms", time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC), "", []string{reportsID, launchedID, sunsetID, deprecatedID}, "2027-03-01T00:00:00Z"},
		// A caller the secret route is on for sees the same public feed.
		{"vip caller", time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC), "vip", []string{reportsID, launchedID, sunsetID, deprecatedID}, "2027-03-01T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now.Store(&tt.now)
			var hdr []string
			if tt.user != "" {
				hdr = []string{"X-User-ID", tt.user}
			}
			res := servetest.Do(t, srv, http.MethodGet, "/roadmap.atom", hdr...)
			require.Equal(t, http.StatusOK, res.Status, res.Body)
			assert.Equal(t, "application/atom+xml; charset=utf-8", res.Header.Get("Content-Type"))
			validateAtom(t, res.Body)
			assert.NotContains(t, res.Body, "/secret", "the feed names a route kept secret")

			var f feedXML
			require.NoError(t, xml.Unmarshal([]byte(res.Body), &f))
			assert.Equal(t, "tag:example.com,2026:roadmap", f.ID)
			assert.Equal(t, tt.updated, f.Updated)
			var ids []string
			for _, e := range f.Entries {
				ids = append(ids, e.ID)
			}
			assert.Equal(t, tt.wantIDs, ids)

			again := servetest.Do(t, srv, http.MethodGet, "/roadmap.atom", hdr...).Body
			assert.Equal(t, res.Body, again, "the feed changes between two requests")
		})
	}
}

func TestFeedEntries(t *testing.T) {
	var now atomic.Pointer[time.Time]
	at := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	now.Store(&at)
	srv := feedServer(t, &now)
	body := servetest.Do(t, srv, http.MethodGet, "/roadmap.atom").Body
	var f feedXML
	require.NoError(t, xml.Unmarshal([]byte(body), &f))
	require.Len(t, f.Entries, 4)
	assert.Equal(t, []string{"Users API roadmap"}, f.Author)
	byTitle := map[string]string{}
	for _, e := range f.Entries {
		byTitle[e.Title] = e.Content
	}
	assert.Equal(t, map[string]string{
		"Report upload (PUT /reports/{id}) is live": "PUT /reports/{id} is generally available since 2027-03-01: it is served to every caller.",
		"GET /launched is live":                     "GET /launched is generally available since 2027-02-01: it is served to every caller.",
		"Users (v0) (GET /v0/users) is gone":        "GET /v0/users reached its sunset on 2027-01-01: it answers 410 Gone. Use /users instead.",
		"Users (v0) (GET /v0/users) is deprecated":  "GET /v0/users is deprecated since 2026-01-01. It stops being served on 2027-01-01 and answers 410 Gone from then on. Use /users instead.",
	}, byTitle)
	links := map[string]string{}
	for _, l := range f.Entries[3].Links {
		links[l.Rel] = l.Href
	}
	assert.Equal(t, map[string]string{"related": "/roadmap", "alternate": "https://example.com/v0"}, links)
}

func TestFeedAccess(t *testing.T) {
	var now atomic.Pointer[time.Time]
	at := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	now.Store(&at)
	srv := feedServer(t, &now)
	res := servetest.Do(t, srv, http.MethodGet, "/roadmap.atom", "X-User-Id", "guest-1")
	assert.Equal(t, http.StatusNotFound, res.Status)
	res = servetest.Do(t, srv, http.MethodHead, "/roadmap.atom")
	assert.Equal(t, http.StatusOK, res.Status)
	assert.Empty(t, res.Body)
}

func TestFeedDefaultTag(t *testing.T) {
	srv := newServer(t, roadmappage.Options{}, nil)
	body := servetest.Do(t, srv, http.MethodGet, "/roadmap.atom").Body
	validateAtom(t, body)
	var f feedXML
	require.NoError(t, xml.Unmarshal([]byte(body), &f))
	assert.Equal(t, "tag:127.0.0.1,"+roadmappage.DefaultFeedYear+":roadmap", f.ID)
	require.NotEmpty(t, f.Entries)
	for _, e := range f.Entries {
		assert.True(t, strings.HasPrefix(e.ID, "tag:127.0.0.1,2026:roadmap/"), e.ID)
	}
}

// validateAtom validates an Atom document with jing (Debian package "jing",
// installed by scripts/setup/30-jing.sh) against the RELAX NG schema of RFC
// 4287 Appendix B, and checks the schema's two Schematron rules, which jing
// does not: a feed has an author unless every entry has one, and an entry
// has an alternate link or content.
func validateAtom(t *testing.T, doc string) {
	t.Helper()
	jing := os.Getenv("ROADMAP_JING")
	if jing == "" {
		jing, _ = exec.LookPath("jing")
	}
	if jing == "" {
		msg := "jing not found (ROADMAP_JING or PATH); run scripts/setup/30-jing.sh"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	path := filepath.Join(t.TempDir(), "feed.xml")
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	out, err := exec.Command(jing, "-c", "testdata/atom.rnc", path).CombinedOutput()
	require.NoError(t, err, "jing: the feed is not valid Atom:\n%s\n%s", out, doc)

	var f struct {
		Author  []string `xml:"author>name"`
		Entries []struct {
			Author  []string `xml:"author>name"`
			Content *string  `xml:"content"`
			Links   []struct {
				Rel string `xml:"rel,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	require.NoError(t, xml.Unmarshal([]byte(doc), &f))
	for i, e := range f.Entries {
		assert.True(t, len(f.Author) > 0 || len(e.Author) > 0, "entry %d has no author and neither has the feed", i)
		alternate := e.Content != nil
		for _, l := range e.Links {
			alternate = alternate || l.Rel == "" || l.Rel == "alternate"
		}
		assert.True(t, alternate, "entry %d has neither content nor an alternate link", i)
	}
}

// TestValidateAtomRejects makes sure the validator can fail: documents
// that break RFC 4287 are rejected by jing.
func TestValidateAtomRejects(t *testing.T) {
	jing, err := exec.LookPath("jing")
	if env := os.Getenv("ROADMAP_JING"); env != "" {
		jing, err = env, nil
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("jing not found; run scripts/setup/30-jing.sh")
		}
		t.Skip("jing not found")
	}
	for name, doc := range map[string]string{
		"no id":       `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><updated>2026-01-01T00:00:00Z</updated></feed>`,
		"bad updated": `<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:a,2026:x</id><title>t</title><updated>yesterday</updated></feed>`,
		"entry id":    `<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:a,2026:x</id><title>t</title><updated>2026-01-01T00:00:00Z</updated><entry><title>e</title><updated>2026-01-01T00:00:00Z</updated></entry></feed>`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "feed.xml")
			require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
			out, err := exec.Command(jing, "-c", "testdata/atom.rnc", path).CombinedOutput()
			assert.Error(t, err, "jing accepted an invalid feed: %s", out)
		})
	}
}
