package demand_test

import (
	"fmt"
	"net/http"
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
