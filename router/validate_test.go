package router_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/router"
)

// offFlags is an Evaluator that answers every flag with false.

var anyHandler = http.NotFoundHandler()

// validationCase is one row of a per-rule validation table: wantErr nil
// means the table must be accepted.
type validationCase struct {
	name    string
	routes  []router.Route
	cfg     router.Config
	wantErr error
}

func runValidation(t *testing.T, tests []validationCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cfg.Flags == nil {
				tt.cfg.Flags = &fakeFlags{reason: openfeature.StaticReason}
			}
			rt, err := router.New(tt.routes, tt.cfg)
			if tt.wantErr == nil {
				require.NoError(t, err)
				rt.Close()
				return
			}
			require.Error(t, err)
			assert.Nil(t, rt)
			assert.ErrorIs(t, err, tt.wantErr, "got %v, want %v", err, tt.wantErr)
			var re *router.RouteError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, re.Error(), "router: ")
			// Exactly one problem per row: the rule under test.
			var joined interface{ Unwrap() []error }
			require.ErrorAs(t, err, &joined)
			assert.Len(t, joined.Unwrap(), 1, "got %v", err)
		})
	}
}

func TestValidateDuplicate(t *testing.T) {
	runValidation(t, []validationCase{
		{name: "same method and pattern", wantErr: router.ErrDuplicate, routes: []router.Route{
			{Method: "GET", Pattern: "/a", Stage: router.Live, Handler: anyHandler},
			{Method: "GET", Pattern: "/a", Stage: router.Planned},
		}},
		{name: "other method on the same pattern", routes: []router.Route{
			{Method: "GET", Pattern: "/a", Stage: router.Live, Handler: anyHandler},
			{Method: "PUT", Pattern: "/a"},
		}},
		{name: "explicit HEAD beside GET", routes: []router.Route{
			{Method: "GET", Pattern: "/a", Stage: router.Live, Handler: anyHandler},
			{Method: "HEAD", Pattern: "/a", Stage: router.Live, Handler: anyHandler},
		}},
	})
	_, err := router.New([]router.Route{
		{Method: "GET", Pattern: "/a", Stage: router.Live, Handler: anyHandler},
		{Method: "PUT", Pattern: "/b"},
		{Method: "GET", Pattern: "/a"},
	}, router.Config{})
	var re *router.RouteError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 2, re.Index, "got %d, want 2", re.Index)
	assert.Equal(t, "GET /a", re.Route)
}

func TestValidateNoHandler(t *testing.T) {
	runValidation(t, []validationCase{
		{name: "beta", wantErr: router.ErrNoHandler, routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Beta, Flag: "f"}}},
		{name: "live", wantErr: router.ErrNoHandler, routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Live}}},
		{name: "deprecated", wantErr: router.ErrNoHandler, routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Deprecated, Deprecation: servetest.Deprecation()}}},
		{name: "planned with LiveFrom", wantErr: router.ErrNoHandler, routes: []router.Route{{Method: "GET", Pattern: "/a", LiveFrom: servetest.Now()}}},
		{name: "planned without handler is fine", routes: []router.Route{{Method: "GET", Pattern: "/a"}}},
	})
}

func TestValidateNoFlag(t *testing.T) {
	runValidation(t, []validationCase{
		{name: "beta without flag", wantErr: router.ErrNoFlag, routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Beta, Handler: anyHandler}}},
		{name: "beta with flag", routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Beta, Flag: "f", Handler: anyHandler}}},
	})
}

func TestValidateUnreachable(t *testing.T) {
	runValidation(t, []validationCase{
		{name: "planned handler without flag", wantErr: router.ErrUnreachable, routes: []router.Route{{Method: "GET", Pattern: "/a", Handler: anyHandler}}},
		{name: "planned handler with flag", routes: []router.Route{{Method: "GET", Pattern: "/a", Flag: "f", Handler: anyHandler}}},
		{name: "planned handler with LiveFrom", routes: []router.Route{{Method: "GET", Pattern: "/a", LiveFrom: servetest.Now(), Handler: anyHandler}}},
	})
}

func TestValidateHandlerNotAllowed(t *testing.T) {
	runValidation(t, []validationCase{
		{name: "removed with handler", wantErr: router.ErrHandlerNotAllowed, routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Removed, Handler: anyHandler}}},
		{name: "removed without handler", routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Removed}}},
	})
}

func TestValidatePattern(t *testing.T) {
	live := func(p string) router.Route {
		return router.Route{Method: "GET", Pattern: p, Stage: router.Live, Handler: anyHandler}
	}
	runValidation(t, []validationCase{
		{name: "no leading slash", wantErr: router.ErrPattern, routes: []router.Route{live("a")}},
		{name: "empty", wantErr: router.ErrPattern, routes: []router.Route{live("")}},
		{name: "white space", wantErr: router.ErrPattern, routes: []router.Route{live("/a b")}},
		{name: "control character", wantErr: router.ErrPattern, routes: []router.Route{live("/a\x00")}},
		{name: "unclosed parameter", wantErr: router.ErrPattern, routes: []router.Route{live("/a/{id")}},
		{name: "duplicate parameter", wantErr: router.ErrPattern, routes: []router.Route{live("/a/{id}/{id}")}},
		{name: "wildcard not last", wantErr: router.ErrPattern, routes: []router.Route{live("/a/*/b")}},
		{name: "same path, parameters named differently", wantErr: router.ErrPattern, routes: []router.Route{
			live("/users/{id}"),
			{Method: "PUT", Pattern: "/users/{uid}", Stage: router.Live, Handler: anyHandler},
		}},
		{name: "same path, same parameter names", routes: []router.Route{
			live("/users/{id}"),
			{Method: "PUT", Pattern: "/users/{id}", Stage: router.Live, Handler: anyHandler},
		}},
		{name: "regexp parameter", routes: []router.Route{live("/users/{id:[0-9]{1,6}}")}},
		{name: "wildcard", routes: []router.Route{live("/files/*")}},
	})
}

func TestValidateMethod(t *testing.T) {
	get := func(m string) []router.Route {
		return []router.Route{{Method: m, Pattern: "/a", Stage: router.Live, Handler: anyHandler}}
	}
	runValidation(t, []validationCase{
		{name: "empty", wantErr: router.ErrMethod, routes: get("")},
		{name: "not a token", wantErr: router.ErrMethod, routes: get("GE T")},
		{name: "lower case", wantErr: router.ErrMethod, routes: get("get")},
		{name: "non-standard", wantErr: router.ErrMethod, routes: get("BREW")},
		{name: "PATCH", routes: get("PATCH")},
		{name: "OPTIONS", routes: get("OPTIONS")},
	})
}

func TestValidateStage(t *testing.T) {
	runValidation(t, []validationCase{
		{name: "out of range", wantErr: router.ErrStage, routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Stage(42)}}},
		{name: "negative", wantErr: router.ErrStage, routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Stage(-1)}}},
	})
	_, err := router.ParseStage("alpha")
	assert.ErrorIs(t, err, router.ErrStage)
	var s router.Stage
	assert.ErrorIs(t, s.UnmarshalText([]byte("GA")), router.ErrStage)
	_, err = router.Stage(7).MarshalText()
	assert.ErrorIs(t, err, router.ErrStage)
}

func TestValidateDates(t *testing.T) {
	dep := func(d, s time.Time) []router.Route {
		return []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Deprecated, Handler: anyHandler, Deprecation: d, Sunset: s}}
	}
	runValidation(t, []validationCase{
		{name: "sunset before deprecation (RFC 9745 §4)", wantErr: router.ErrDates, routes: dep(servetest.Sunset(), servetest.Deprecation())},
		{name: "deprecated without deprecation date", wantErr: router.ErrDates, routes: dep(time.Time{}, servetest.Sunset())},
		{name: "deprecation date on a live route", wantErr: router.ErrDates, routes: []router.Route{
			{Method: "GET", Pattern: "/a", Stage: router.Live, Handler: anyHandler, Deprecation: servetest.Deprecation()}}},
		{name: "sunset on a planned route", wantErr: router.ErrDates, routes: []router.Route{
			{Method: "GET", Pattern: "/a", Sunset: servetest.Sunset()}}},
		{name: "LiveFrom on a live route", wantErr: router.ErrDates, routes: []router.Route{
			{Method: "GET", Pattern: "/a", Stage: router.Live, Handler: anyHandler, LiveFrom: servetest.Now()}}},
		{name: "sunset equal to deprecation", routes: dep(servetest.Deprecation(), servetest.Deprecation())},
		{name: "sunset after deprecation", routes: dep(servetest.Deprecation(), servetest.Sunset())},
		{name: "no sunset", routes: dep(servetest.Deprecation(), time.Time{})},
	})
}

func TestValidateLink(t *testing.T) {
	runValidation(t, []validationCase{
		{name: "docs with space", wantErr: router.ErrLink, routes: []router.Route{{Method: "GET", Pattern: "/a", Docs: "https://example.com/a b"}}},
		{name: "successor with angle bracket", wantErr: router.ErrLink, routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Removed, Successor: "/b>; rel=x"}}},
		{name: "docs with bad escape", wantErr: router.ErrLink, routes: []router.Route{{Method: "GET", Pattern: "/a", Docs: "https://example.com/%zz"}}},
		{name: "successor names a parameter the pattern lacks", wantErr: router.ErrLink, routes: []router.Route{{Method: "GET", Pattern: "/v0/users/{id}", Stage: router.Removed, Successor: "/users/{uid}"}}},
		{name: "absolute and relative", routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Removed, Docs: "https://example.com/docs", Successor: "/b"}}},
	})
}

func TestValidateNoFlags(t *testing.T) {
	for _, tt := range []struct {
		name    string
		routes  []router.Route
		wantErr error
	}{
		{name: "gated route without Config.Flags", wantErr: router.ErrNoFlags, routes: []router.Route{{Method: "PUT", Pattern: "/a", Flag: "f", Handler: anyHandler}}},
		{name: "planned without handler needs no flags", routes: []router.Route{{Method: "PUT", Pattern: "/a", Flag: "f"}}},
		{name: "live with a flag needs no flags", routes: []router.Route{{Method: "PUT", Pattern: "/a", Stage: router.Live, Flag: "f", Handler: anyHandler}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rt, err := router.New(tt.routes, router.Config{})
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Nil(t, rt.Gate(), "no flags, no gate")
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
			var re *router.RouteError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, -1, re.Index, "a Config problem has no route index")
		})
	}
}

func TestValidateConfig(t *testing.T) {
	runValidation(t, []validationCase{
		{name: "opt-in header not a token", wantErr: router.ErrConfig, cfg: router.Config{OptInHeader: "Roadmap Beta"},
			routes: []router.Route{{Method: "GET", Pattern: "/a"}}},
		{name: "config Off out of range", wantErr: router.ErrConfig, cfg: router.Config{Off: router.OffAnswer(9)},
			routes: []router.Route{{Method: "GET", Pattern: "/a"}}},
		{name: "route Off out of range", wantErr: router.ErrConfig,
			routes: []router.Route{{Method: "GET", Pattern: "/a", Off: router.OffAnswer(-1)}}},
		{name: "example status not 2xx", wantErr: router.ErrConfig,
			routes: []router.Route{{Method: "GET", Pattern: "/a", Example: &router.Example{Status: 500}}}},
		{name: "example on a live route", wantErr: router.ErrConfig,
			routes: []router.Route{{Method: "GET", Pattern: "/a", Stage: router.Live, Handler: anyHandler, Example: &router.Example{}}}},
		{name: "opt-in disabled", cfg: router.Config{OptInHeader: "-"}, routes: []router.Route{{Method: "GET", Pattern: "/a"}}},
		{name: "custom opt-in header", cfg: router.Config{OptInHeader: "Beta-Features"}, routes: []router.Route{{Method: "GET", Pattern: "/a"}}},
	})
}

// TestValidationReportsEverything builds one table with many problems and
// checks that New reports all of them at once, each as a *RouteError.
func TestValidationReportsEverything(t *testing.T) {
	routes := []router.Route{
		{Method: "GET", Pattern: "/ok", Stage: router.Live, Handler: anyHandler},                                                                            // 0: fine
		{Method: "GET", Pattern: "/ok", Stage: router.Live, Handler: anyHandler},                                                                            // 1: duplicate
		{Method: "GET", Pattern: "/live", Stage: router.Live},                                                                                               // 2: no handler
		{Method: "GET", Pattern: "/beta", Stage: router.Beta, Handler: anyHandler},                                                                          // 3: no flag
		{Method: "GET", Pattern: "/planned", Handler: anyHandler},                                                                                           // 4: unreachable
		{Method: "GET", Pattern: "/removed", Stage: router.Removed, Handler: anyHandler},                                                                    // 5: handler not allowed
		{Method: "GET", Pattern: "/bad/{id", Stage: router.Live, Handler: anyHandler},                                                                       // 6: pattern
		{Method: "get", Pattern: "/method", Stage: router.Live, Handler: anyHandler},                                                                        // 7: method
		{Method: "GET", Pattern: "/stage", Stage: router.Stage(9)},                                                                                          // 8: stage
		{Method: "GET", Pattern: "/dates", Stage: router.Deprecated, Handler: anyHandler, Deprecation: servetest.Sunset(), Sunset: servetest.Deprecation()}, // 9: dates
		{Method: "GET", Pattern: "/link", Docs: "not a link"},                                                                                               // 10: link
		{Method: "PUT", Pattern: "/gated", Flag: "f", Handler: anyHandler},                                                                                  // needs Config.Flags
	}
	_, err := router.New(routes, router.Config{OptInHeader: "bad header"})
	require.Error(t, err)

	tests := []struct {
		name     string
		sentinel error
		index    int
	}{
		{name: "duplicate", sentinel: router.ErrDuplicate, index: 1},
		{name: "no handler", sentinel: router.ErrNoHandler, index: 2},
		{name: "no flag", sentinel: router.ErrNoFlag, index: 3},
		{name: "unreachable", sentinel: router.ErrUnreachable, index: 4},
		{name: "handler not allowed", sentinel: router.ErrHandlerNotAllowed, index: 5},
		{name: "pattern", sentinel: router.ErrPattern, index: 6},
		{name: "method", sentinel: router.ErrMethod, index: 7},
		{name: "stage", sentinel: router.ErrStage, index: 8},
		{name: "dates", sentinel: router.ErrDates, index: 9},
		{name: "link", sentinel: router.ErrLink, index: 10},
		{name: "no flags", sentinel: router.ErrNoFlags, index: -1},
		{name: "config", sentinel: router.ErrConfig, index: -1},
	}
	var joined interface{ Unwrap() []error }
	require.ErrorAs(t, err, &joined)
	all := joined.Unwrap()
	assert.Len(t, all, len(tests), "got %v", err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, err, tt.sentinel)
			found := false
			for _, e := range all {
				var re *router.RouteError
				require.ErrorAs(t, e, &re, "every joined error is a *RouteError")
				if errors.Is(e, tt.sentinel) {
					found = true
					assert.Equal(t, tt.index, re.Index, "got %d, want %d", re.Index, tt.index)
				}
			}
			assert.True(t, found)
		})
	}
}
