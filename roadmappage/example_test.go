package roadmappage_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/roadmap-go/roadmap/roadmappage"
	"github.com/roadmap-go/roadmap/router"
)

func ExampleHandler_Mount() {
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/users", Stage: router.Live, Handler: http.HandlerFunc(ok)},
		{Method: http.MethodDelete, Pattern: "/users/{id}", Stage: router.Planned, Available: "v2.0"},
	}, router.Config{})
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	mux := chi.NewRouter()
	mux.NotFound(rt.NotFound)
	roadmappage.New(rt, roadmappage.Options{}).Mount(mux)
	mux.Mount("/", rt)

	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/roadmap.json", nil))
	var doc roadmappage.Document
	_ = json.Unmarshal(w.Body.Bytes(), &doc)
	for _, r := range doc.Routes {
		fmt.Printf("%s %s: %s, %s, target %q\n", r.Method, r.Pattern, r.Stage, r.State, r.Available)
	}
	// Output:
	// GET /users: live, available, target ""
	// DELETE /users/{id}: planned, unavailable, target "v2.0"
}

func ExampleHandler_Feed() {
	h := http.HandlerFunc(ok)
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/users", Stage: router.Live, Handler: h},
		{Method: http.MethodGet, Pattern: "/v0/users", Stage: router.Deprecated, Handler: h, Successor: "/users",
			Deprecation: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Sunset: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
	}, router.Config{Now: func() time.Time { return time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	feed := roadmappage.New(rt, roadmappage.Options{Title: "Users API", FeedTag: "example.com,2026"})

	w := httptest.NewRecorder()
	feed.Feed(w, httptest.NewRequest(http.MethodGet, "/roadmap.atom", nil))
	var doc struct {
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
		} `xml:"entry"`
	}
	_ = xml.Unmarshal(w.Body.Bytes(), &doc)
	fmt.Println(w.Header().Get("Content-Type"))
	for _, e := range doc.Entries {
		fmt.Println(e.Updated, e.Title)
		fmt.Println(e.ID)
	}
	// Output:
	// application/atom+xml; charset=utf-8
	// 2026-01-01T00:00:00Z GET /v0/users is deprecated
	// tag:example.com,2026:roadmap/deprecated/2026-01-01/GET/v0/users
}
