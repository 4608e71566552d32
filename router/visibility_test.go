package router_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/router"
)

func TestHidesWhenOff(t *testing.T) {
	routes := []router.Route{
		{Method: http.MethodGet, Pattern: "/live", Stage: router.Live, Handler: servetest.Served("live")},
		{Method: http.MethodGet, Pattern: "/secret", Stage: router.Planned, Off: router.OffNotFound},
		{Method: http.MethodGet, Pattern: "/forbidden", Stage: router.Planned, Off: router.OffForbidden},
		{Method: http.MethodGet, Pattern: "/inherit", Stage: router.Planned},
	}
	tests := []struct {
		name    string
		cfgOff  router.OffAnswer
		method  string
		pattern string
		want    bool
	}{
		{name: "route OffNotFound", method: "GET", pattern: "/secret", want: true},
		{name: "route OffForbidden", method: "GET", pattern: "/forbidden", want: false},
		{name: "inherits 501", method: "GET", pattern: "/inherit", want: false},
		{name: "inherits Config.Off OffNotFound", cfgOff: router.OffNotFound, method: "GET", pattern: "/inherit", want: true},
		{name: "route overrides Config.Off", cfgOff: router.OffNotFound, method: "GET", pattern: "/forbidden", want: false},
		{name: "undeclared method", method: "POST", pattern: "/secret", want: false},
		{name: "undeclared pattern", method: "GET", pattern: "/nowhere", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt, err := router.New(routes, router.Config{Off: tt.cfgOff})
			require.NoError(t, err)
			defer rt.Close()
			assert.Equal(t, tt.want, rt.HidesWhenOff(tt.method, tt.pattern), "got %v, want %v", !tt.want, tt.want)
		})
	}
}

func TestRoadmapVisible(t *testing.T) {
	routes := []router.Route{{Method: http.MethodGet, Pattern: "/p", Stage: router.Planned}}
	staff := func(r *http.Request) bool { return r.Header.Get("X-Staff") == "1" }
	tests := []struct {
		name    string
		roadmap func(*http.Request) bool
		staff   bool
		want    bool
	}{
		{name: "no predicate", want: true},
		{name: "predicate accepts", roadmap: staff, staff: true, want: true},
		{name: "predicate rejects", roadmap: staff, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt, err := router.New(routes, router.Config{Roadmap: tt.roadmap})
			require.NoError(t, err)
			defer rt.Close()
			r := httptest.NewRequest(http.MethodGet, "/roadmap", nil)
			if tt.staff {
				r.Header.Set("X-Staff", "1")
			}
			assert.Equal(t, tt.want, rt.RoadmapVisible(r))
		})
	}
}
