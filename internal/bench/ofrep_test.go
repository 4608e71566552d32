package bench_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/internal/relayproxytest"
	"github.com/roadmap-go/roadmap/ofrepflags"
	"github.com/roadmap-go/roadmap/router"
)

// BenchmarkOFREP is BenchmarkFlag for the OFREP provider (ofrepflags) on a
// real GO Feature Flag relay proxy on 127.0.0.1: every evaluation the router
// does not answer from its cache is an HTTP round trip. flag=static has no
// targeting (cached by the router), flag=targeted is on for one targeting
// key. The relay proxy comes from ROADMAP_RELAYPROXY (scripts/setup); without
// it the benchmark is skipped, or fails when CI=true.
func BenchmarkOFREP(b *testing.B) {
	proxy := relayproxytest.Start(b, relayproxytest.Static(map[string]bool{flagOn: true})+relayproxytest.TargetedFor("targeted", "user-1"))
	client := scoped(b, ofrepflags.New(proxy.URL(), ofrepflags.Options{}))
	for _, flag := range []struct{ name, key string }{{"static", flagOn}, {"targeted", "targeted"}} {
		req := httptest.NewRequest(http.MethodPatch, "/api/users/42", nil)
		req.Header.Set("X-User-ID", "user-1")
		route := router.Route{Method: http.MethodPatch, Pattern: userPattern, Stage: router.Beta, Flag: flag.key,
			Handler: http.HandlerFunc(userHandler)}
		b.Run("flag="+flag.name+"/impl=direct", func(b *testing.B) {
			serve(b, chiRouter(http.MethodPatch, userPattern, directCall(client, flag.key, nil)), req, http.StatusOK)
		})
		b.Run("flag="+flag.name+"/impl=direct-attrs", func(b *testing.B) {
			serve(b, chiRouter(http.MethodPatch, userPattern, directCall(client, flag.key, map[string]any{router.AttrRoute: "",
				router.AttrMethod: http.MethodPatch, router.AttrPattern: userPattern, router.AttrStage: router.Beta.String(),
				router.AttrOptIn: []any{}})), req, http.StatusOK)
		})
		b.Run("flag="+flag.name+"/impl=roadmap", func(b *testing.B) {
			rt := newRouter(b, []router.Route{route}, router.Config{Flags: client, Context: flags.FromHeader("X-User-ID")})
			serve(b, rt, req, http.StatusOK)
		})
	}
}
