package demand_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/router"
)

func ExampleCounter() {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	c := demand.New(demand.HeaderKey("X-User-ID"), demand.Options{
		Secret: []byte("shared by every replica"),
		Now:    func() time.Time { return now },
	})
	export := &router.Route{Method: http.MethodPut, Pattern: "/api/reports/export", Stage: router.Planned}
	for _, key := range []string{"ada", "bob", "ada", "cy", ""} {
		c.Count(export, router.Planned, router.OutcomeStubbed, key)
	}
	rr, _ := c.Report().Route(http.MethodPut, "/api/reports/export")
	w, _ := rr.Window(7)
	fmt.Printf("%d callers asked for this in the last %d days (%d requests, %d anonymous)\n",
		w.Callers, w.Days, w.Requests, w.Anonymous)
	// Output: 3 callers asked for this in the last 7 days (5 requests, 1 anonymous)
}

func ExampleMerge() {
	secret := []byte("shared by every replica")
	a := demand.New(demand.HeaderKey("X-User-ID"), demand.Options{Secret: secret})
	defer a.Close()
	b := demand.New(demand.HeaderKey("X-User-ID"), demand.Options{Secret: secret})
	defer b.Close()
	export := &router.Route{Method: http.MethodPut, Pattern: "/api/reports/export", Stage: router.Planned}
	for _, key := range []string{"ada", "bob"} {
		a.Count(export, router.Planned, router.OutcomeStubbed, key)
	}
	for _, key := range []string{"bob", "cy"} {
		b.Count(export, router.Planned, router.OutcomeStubbed, key)
	}
	merged, err := demand.Merge(a.Snapshot(), b.Snapshot())
	if err != nil {
		fmt.Println(err)
		return
	}
	rr, _ := merged.Report().Route(http.MethodPut, "/api/reports/export")
	w, _ := rr.Window(7)
	fmt.Println(w.Callers, "callers,", w.Requests, "requests")
	// Output: 3 callers, 4 requests
}

// A Counter is the router's observer: here it counts who asks for a planned
// route (two callers, one of them twice, and an anonymous request).
func ExampleCounter_Observer() {
	c := demand.New(demand.HeaderKey("X-User-ID"), demand.Options{Secret: []byte("s")})
	defer c.Close()
	rt, err := router.New([]router.Route{
		{Method: http.MethodPut, Pattern: "/api/reports/export", Name: "Report export"},
	}, router.Config{Observer: c.Observer(nil)}) // or Observer: c; c.Observer(m) also tells m
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Close()
	for _, user := range []string{"ada", "bob", "ada", ""} {
		r := httptest.NewRequest(http.MethodPut, "/api/reports/export", nil)
		if user != "" {
			r.Header.Set("X-User-ID", user)
		}
		rt.ServeHTTP(httptest.NewRecorder(), r)
	}
	rr, _ := c.Report().Route(http.MethodPut, "/api/reports/export")
	w, _ := rr.Window(7)
	fmt.Println(rr.Kind, w.Callers, "callers,", w.Requests, "requests,", w.Anonymous, "anonymous")
	// Output: demand 2 callers, 4 requests, 1 anonymous
}

// An operator looks up a known customer among a deprecated route's top
// callers by its pseudonym.
func ExampleCounter_Pseudonym() {
	c := demand.New(demand.HeaderKey("X-User-ID"), demand.Options{Secret: []byte("s")})
	defer c.Close()
	v0 := &router.Route{Method: http.MethodGet, Pattern: "/api/v0/users/{id}", Stage: router.Deprecated,
		Deprecation: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, user := range []string{"acme", "globex", "acme"} {
		c.Count(v0, router.Deprecated, router.OutcomeServed, user)
	}
	rr, _ := c.Report().Route(http.MethodGet, "/api/v0/users/{id}")
	w, _ := rr.Window(7)
	top := w.Top[0]
	fmt.Println(top.ID == c.Pseudonym("acme"), top.Requests)
	// Output: true 2
}
