package router_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/roadmap-go/roadmap/internal/servetest"
	"github.com/roadmap-go/roadmap/router"
)

// TestBrownoutRetryAfter: a brownout whose flag says when it ends (flag
// metadata "until", read by flagd's in-process provider from the flag file)
// answers its 410 with Retry-After, the seconds left, rounded up; one whose
// end is unknown or past sends none.
func TestBrownoutRetryAfter(t *testing.T) {
	now := time.Date(2029, 9, 4, 14, 20, 0, 500_000_000, time.UTC)
	tests := []struct {
		name     string
		metadata string // the flag's "metadata" member, "" for none
		want     string // Retry-After, "" for none
	}{
		{name: "end known", metadata: `{"until": "2029-09-04T15:00:00Z"}`, want: "2400"},
		{name: "end in Unix seconds", metadata: fmt.Sprintf(`{"until": %d}`, now.Add(90*time.Second).Unix()), want: "90"},
		{name: "end past", metadata: `{"until": "2029-09-04T14:00:00Z"}`},
		{name: "not a time", metadata: `{"until": "after lunch"}`},
		{name: "end unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			meta := ""
			if tt.metadata != "" {
				meta = `,"metadata":` + tt.metadata
			}
			path := filepath.Join(t.TempDir(), "flags.json")
			writeFile(t, path, `{"$schema":"https://flagd.dev/schema/v0/flags.json","flags":{"v1-brownout":{"state":"ENABLED","variants":{"on":true,"off":false},"defaultVariant":"on"`+meta+`}}}`)
			client := flagdClient(t, t.Name(), path)
			_, srv := servetest.Serve(t, []router.Route{{Method: http.MethodGet, Pattern: "/v1/users", Stage: router.Deprecated, Handler: servetest.Served("v1"),
				Deprecation: servetest.Deprecation(), Sunset: servetest.Sunset(), Successor: "/v2/users", Brownout: "v1-brownout"}},
				router.Config{Flags: client, Now: func() time.Time { return now }})
			a := servetest.Do(t, srv, http.MethodGet, "/v1/users")
			assert.Equal(t, http.StatusGone, a.Status)
			assert.Equal(t, tt.want, a.Header.Get("Retry-After"), "got %q, want %q", a.Header.Get("Retry-After"), tt.want)
			assert.Equal(t, servetest.Sunset().Format(http.TimeFormat), a.Header.Get("Sunset"))
		})
	}
}
