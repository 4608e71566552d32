package routertest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/router"
	"github.com/roadmap-go/roadmap/routertest"
)

var (
	dep = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sun = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
)

func ok(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"ok":true}` + "\n"))
}

// table covers every stage and off answer.
func table() []router.Route {
	h := http.HandlerFunc(ok)
	return []router.Route{
		{Method: http.MethodPut, Pattern: "/reports/export", Flag: "export", Handler: h, Name: "Report export"},
		{Method: http.MethodPost, Pattern: "/reports/export", Name: "Export options"},
		{Method: http.MethodGet, Pattern: "/items/{id}", Stage: router.Live, Handler: h},
		{Method: http.MethodPatch, Pattern: "/items/{id}", Stage: router.Beta, Flag: "items-patch", Handler: h},
		{Method: http.MethodDelete, Pattern: "/items/{id}", Stage: router.Beta, Flag: "items-delete", Handler: h, Off: router.OffNotFound},
		{Method: http.MethodPost, Pattern: "/items/{id}", Stage: router.Beta, Flag: "items-post", Handler: h, Off: router.OffForbidden},
		{Method: http.MethodPut, Pattern: "/items/{id}", Flag: "items-put", Handler: h,
			Example: &router.Example{Status: http.StatusAccepted, Body: []byte(`{"example":true}`)}},
		{Method: http.MethodGet, Pattern: "/v0/items/{id}", Stage: router.Deprecated, Handler: h,
			Deprecation: dep, Sunset: sun, Docs: "https://example.com/v0", Successor: "/items/{id}"},
		{Method: http.MethodGet, Pattern: "/v0/reports", Stage: router.Removed},
		{Method: http.MethodGet, Pattern: "/v0/old", Stage: router.Deprecated, Handler: h, Deprecation: dep, Sunset: dep.Add(time.Hour)},
	}
}

func TestTablePasses(t *testing.T) {
	t.Parallel()
	fl := routertest.NewFlags(t, nil)
	rt, err := router.New(table(), router.Config{Flags: fl.Client()})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	parent := chi.NewRouter()
	parent.Use(router.KnownMethods)
	parent.NotFound(rt.NotFound)
	parent.Mount("/api", rt)

	c := routertest.New(t, parent, routertest.Options{Flags: fl, Prefix: "/api", Params: map[string]string{"id": "7"}})
	assert.True(t, c.Table(t, rt.Routes()))
	assert.Equal(t, "/items/7/x", c.Path("/items/{id:[0-9]+}/*"))
}

// recorder is a routertest.TB that records failures instead of failing, to
// show that the checks can fail.
type recorder struct {
	mu       sync.Mutex
	errs     []string
	cleanups []func()
}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return "recorder" }
func (r *recorder) Errorf(f string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(f, a...))
}
func (r *recorder) Fatalf(f string, a ...any) { r.Errorf(f, a...) }
func (r *recorder) Cleanup(f func())          { r.cleanups = append(r.cleanups, f) }
func (r *recorder) close() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}
func (r *recorder) failures() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errs, "\n")
}

// TestChecksFail runs each check against a handler that breaks its
// contract, and expects a failure that names the problem.
func TestChecksFail(t *testing.T) {
	t.Parallel()
	plain := chi.NewRouter() // chi alone: 405 for unknown methods, no lifecycle
	plain.Put("/planned", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "not implemented", http.StatusNotImplemented)
	})
	plain.Get("/deprecated", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Deprecation", "true")
		w.Header().Set("Sunset", "2020-01-01")
	})
	plain.Get("/early-sunset", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Deprecation", fmt.Sprintf("@%d", sun.AddDate(1, 0, 0).Unix()))
		w.Header().Set("Sunset", sun.Format(http.TimeFormat))
	})
	plain.Get("/removed", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) })
	plain.Get("/allow", ok)
	plain.Post("/allow", ok)
	plain.Patch("/beta", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	plain.Get("/live", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotImplemented) })
	plain.Head("/head", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	plain.Get("/head", ok)

	h := http.HandlerFunc(ok)
	tests := []struct {
		name  string
		check func(c *routertest.Checker, t routertest.TB) bool
		want  string
	}{
		{"planned without problem+json", func(c *routertest.Checker, t routertest.TB) bool {
			return c.Route(t, router.Route{Method: http.MethodPut, Pattern: "/planned"})
		}, "application/problem+json"},
		{"malformed deprecation headers", func(c *routertest.Checker, t routertest.TB) bool {
			return c.Route(t, router.Route{Method: http.MethodGet, Pattern: "/deprecated", Stage: router.Deprecated, Handler: h, Deprecation: dep, Sunset: sun})
		}, "not an RFC 9745 date"},
		{"sunset before deprecation", func(c *routertest.Checker, t routertest.TB) bool {
			return c.Route(t, router.Route{Method: http.MethodGet, Pattern: "/early-sunset", Stage: router.Deprecated, Handler: h, Deprecation: sun.AddDate(1, 0, 0), Sunset: sun})
		}, "before Deprecation"},
		{"removed not 410", func(c *routertest.Checker, t routertest.TB) bool {
			return c.Route(t, router.Route{Method: http.MethodGet, Pattern: "/removed", Stage: router.Removed})
		}, "want 410"},
		{"unknown method gets 405", func(c *routertest.Checker, t routertest.TB) bool {
			return c.UnknownMethod(t, "/allow")
		}, "want 501"},
		{"Allow does not match the table", func(c *routertest.Checker, t routertest.TB) bool {
			return c.MethodNotAllowed(t, "/allow", []router.Route{{Method: http.MethodGet, Pattern: "/allow"}})
		}, "got Allow"},
		{"beta served with its flag off", func(c *routertest.Checker, t routertest.TB) bool {
			return c.Route(t, router.Route{Method: http.MethodPatch, Pattern: "/beta", Stage: router.Beta, Flag: "b", Handler: h})
		}, "want 501"},
		{"live answers 501", func(c *routertest.Checker, t routertest.TB) bool {
			return c.Route(t, router.Route{Method: http.MethodGet, Pattern: "/live", Stage: router.Live, Handler: h})
		}, "want the handler's answer"},
		{"HEAD unlike GET", func(c *routertest.Checker, t routertest.TB) bool {
			return c.Head(t, router.Route{Method: http.MethodGet, Pattern: "/head", Stage: router.Live, Handler: h})
		}, "HEAD /head: got status 204, want 200"},
		{"gated route without Flags", func(c *routertest.Checker, t routertest.TB) bool {
			return c.Route(t, router.Route{Method: http.MethodPatch, Pattern: "/beta", Stage: router.Beta, Flag: "b", Handler: h})
		}, "set Options.Flags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := routertest.Options{}
			if tt.name != "gated route without Flags" {
				opts.Flags = routertest.NewFlags(t, nil)
			}
			c := routertest.New(t, plain, opts)
			rec := &recorder{}
			defer rec.close()
			assert.False(t, tt.check(c, rec), "got pass, want a failure")
			assert.Contains(t, rec.failures(), tt.want)
		})
	}
}

func TestFlags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eval := func(fl *routertest.Flags, flag string, ec openfeature.EvaluationContext) string {
		d, err := fl.Client().BooleanValueDetails(ctx, flag, false, ec)
		if err != nil {
			return string(d.ErrorCode)
		}
		return fmt.Sprint(d.Value)
	}
	anyone := openfeature.EvaluationContext{}
	t.Run("set applies to the next evaluation", func(t *testing.T) {
		t.Parallel()
		fl := routertest.NewFlags(t, map[string]bool{"a": true})
		assert.Equal(t, "true", eval(fl, "a", anyone))
		for _, on := range []bool{false, true, false} {
			fl.Set("a", on)
			assert.Equal(t, fmt.Sprint(on), eval(fl, "a", anyone))
		}
		assert.Equal(t, string(openfeature.FlagNotFoundCode), eval(fl, "b", anyone))
		fl.Set("b", true)
		assert.Equal(t, "true", eval(fl, "b", anyone))
		fl.Unset("b")
		assert.Equal(t, string(openfeature.FlagNotFoundCode), eval(fl, "b", anyone))
	})
	t.Run("force restores at the end of the test", func(t *testing.T) {
		t.Parallel()
		fl := routertest.NewFlags(t, map[string]bool{"a": false})
		t.Run("forced", func(t *testing.T) {
			fl.Force(t, "a", true)
			fl.Force(t, "new", true)
			assert.Equal(t, "true", eval(fl, "a", anyone))
			assert.Equal(t, "true", eval(fl, "new", anyone))
		})
		assert.Equal(t, "false", eval(fl, "a", anyone))
		assert.Equal(t, string(openfeature.FlagNotFoundCode), eval(fl, "new", anyone))
	})
	t.Run("rule targets one key", func(t *testing.T) {
		t.Parallel()
		fl := routertest.NewFlags(t, nil)
		fl.SetRule("a", func(ec openfeature.FlattenedContext) bool { return ec[openfeature.TargetingKey] == "ada" })
		assert.Equal(t, "true", eval(fl, "a", openfeature.NewEvaluationContext("ada", nil)))
		assert.Equal(t, "false", eval(fl, "a", openfeature.NewEvaluationContext("bob", nil)))
	})
	t.Run("parallel tests are isolated", func(t *testing.T) {
		t.Parallel()
		for i := range 8 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				fl := routertest.NewFlags(t, nil)
				on := i%2 == 0
				for range 50 {
					fl.Set("shared-name", on)
					require.Equal(t, fmt.Sprint(on), eval(fl, "shared-name", anyone))
					on = !on
				}
			})
		}
	})
}

func TestParseDates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		parse   func(string) (time.Time, error)
		in      string
		want    time.Time
		wantErr bool
	}{
		{name: "deprecation", parse: routertest.ParseDeprecation, in: "@1767225600", want: dep},
		{name: "deprecation negative", parse: routertest.ParseDeprecation, in: "@-1", want: time.Unix(-1, 0).UTC()},
		{name: "deprecation boolean (draft syntax)", parse: routertest.ParseDeprecation, in: "true", wantErr: true},
		{name: "deprecation HTTP-date", parse: routertest.ParseDeprecation, in: dep.Format(http.TimeFormat), wantErr: true},
		{name: "deprecation decimal", parse: routertest.ParseDeprecation, in: "@1.5", wantErr: true},
		{name: "deprecation empty", parse: routertest.ParseDeprecation, in: "@", wantErr: true},
		{name: "sunset", parse: routertest.ParseSunset, in: "Tue, 01 Jan 2030 00:00:00 GMT", want: sun},
		{name: "sunset RFC 850", parse: routertest.ParseSunset, in: "Tuesday, 01-Jan-30 00:00:00 GMT", wantErr: true},
		{name: "sunset not GMT", parse: routertest.ParseSunset, in: "Tue, 01 Jan 2030 00:00:00 UTC", wantErr: true},
		{name: "sunset ISO", parse: routertest.ParseSunset, in: "2030-01-01T00:00:00Z", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.parse(tt.in)
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.True(t, got.Equal(tt.want), "got %v, want %v", got, tt.want)
		})
	}
}
