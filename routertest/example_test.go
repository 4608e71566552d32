package routertest_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/roadmap-go/roadmap/router"
	"github.com/roadmap-go/roadmap/routertest"
)

// printT is a routertest.TB that prints failures; in a real test pass t.
type printT struct{ cleanups []func() }

func (p *printT) Helper()                   {}
func (p *printT) Name() string              { return "Example" }
func (p *printT) Errorf(f string, a ...any) { fmt.Printf("FAIL: "+f+"\n", a...) }
func (p *printT) Fatalf(f string, a ...any) { fmt.Printf("FATAL: "+f+"\n", a...) }
func (p *printT) Cleanup(f func())          { p.cleanups = append(p.cleanups, f) }
func (p *printT) done() {
	for i := len(p.cleanups) - 1; i >= 0; i-- {
		p.cleanups[i]()
	}
}

func Example() {
	t := &printT{} // in a test: func TestAPI(t *testing.T)
	defer t.done()

	fl := routertest.NewFlags(t, map[string]bool{"export": false})
	routes := []router.Route{
		{Method: http.MethodPut, Pattern: "/export", Flag: "export", Handler: http.HandlerFunc(
			func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusAccepted) })},
		{Method: http.MethodGet, Pattern: "/v0/export", Stage: router.Deprecated, Handler: http.NotFoundHandler(),
			Deprecation: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Sunset: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	rt, err := router.New(routes, router.Config{Flags: fl.Client()})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Close()
	c := routertest.New(t, rt, routertest.Options{Flags: fl})

	// Each route against its stage's contract (c.Table(t, routes) runs all
	// of them, plus 405/501/HEAD checks, as subtests).
	for _, r := range rt.Routes() {
		fmt.Println(r.Method, r.Pattern, c.Stage(r), c.Route(t, r))
	}

	// Force a flag for the rest of one test; it is restored at t.Cleanup.
	fl.Force(t, "export", true)
	fmt.Println("PUT /export with the flag on:", c.Do(t, http.MethodPut, "/export", nil).Status)
	// Output:
	// PUT /export planned true
	// GET /v0/export deprecated true
	// PUT /export with the flag on: 202
}

func ExampleCheckDeprecationHeaders() {
	r := router.Route{Method: http.MethodGet, Pattern: "/v0", Stage: router.Deprecated,
		Deprecation: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Sunset: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	good := http.Header{"Deprecation": {"@1767225600"}, "Sunset": {"Tue, 01 Jan 2030 00:00:00 GMT"}}
	bad := http.Header{"Deprecation": {"true"}, "Sunset": {"2030-01-01"}}
	fmt.Println(routertest.CheckDeprecationHeaders(good, r))
	fmt.Println(routertest.CheckDeprecationHeaders(bad, r))
	// Output:
	// <nil>
	// Deprecation "true" is not an RFC 9745 date (@<unix seconds>); Sunset "2030-01-01" is not an RFC 8594 HTTP-date (IMF-fixdate)
}

func ExampleChecker_Contract() {
	t := &printT{} // in a test: func TestContracts(t *testing.T)
	defer t.done()

	type Item struct {
		ID string `json:"id"`
	}
	fl := routertest.NewFlags(t, nil)
	patch := router.Route{Method: http.MethodPatch, Pattern: "/items/{id}", Stage: router.Beta, Flag: "items-patch",
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":7}`)) // a number: breaks the declared contract
		}),
		Responses: map[int]any{http.StatusOK: Item{}}}
	rt, err := router.New([]router.Route{patch}, router.Config{Flags: fl.Client()})
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	c := routertest.New(t, rt, routertest.Options{Flags: fl})
	fmt.Println("kept:", c.Contract(&quietT{t}, rt, patch))
	// Output:
	// kept: false
}

// quietT counts failures without printing them.
type quietT struct{ *printT }

func (quietT) Errorf(string, ...any) {}
