package ofrepflags_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/ofrepflags"
	"github.com/roadmap-go/roadmap/router"
)

func Example() {
	// A stand-in for an OFREP flag service (GO Feature Flag's relay proxy,
	// flagd, ...): reports-export is on for everyone.
	service := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/ofrep/v1/evaluate/flags" { // the provider's change probe
			w.Header().Set("ETag", `"v1"`)
			_, _ = w.Write([]byte(`{"flags":[{"key":"reports-export","value":true,"reason":"STATIC","variant":"on"}]}`))
			return
		}
		_, _ = w.Write([]byte(`{"key":"reports-export","value":true,"reason":"STATIC","variant":"on"}`))
	}))
	defer service.Close()

	p := ofrepflags.New(service.URL, ofrepflags.Options{Token: "api-key", Logger: slog.New(slog.DiscardHandler)})
	if err := openfeature.SetNamedProviderAndWait("example-ofrep", p); err != nil {
		fmt.Println(err) // the service is down: gated routes fail closed until it answers
	}
	defer p.Shutdown()

	rt, err := router.New([]router.Route{{
		Method: http.MethodPut, Pattern: "/api/reports/export", Stage: router.Planned, Flag: "reports-export",
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusAccepted) }),
	}}, router.Config{Flags: openfeature.NewClient("example-ofrep")})
	if err != nil {
		panic(err)
	}
	defer rt.Close()

	w := httptest.NewRecorder()
	rt.ServeHTTP(w, httptest.NewRequest(http.MethodPut, "/api/reports/export", nil))
	fmt.Println(w.Code)
	// Output:
	// 202
}
