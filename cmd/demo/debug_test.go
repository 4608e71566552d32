package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListenDebug(t *testing.T) {
	tests := []struct {
		name    string
		addr    string
		wantNil bool
		wantErr bool
	}{
		{name: "off", addr: "", wantNil: true},
		{name: "loopback", addr: "127.0.0.1:0"},
		{name: "localhost", addr: "localhost:0"},
		{name: "every interface", addr: "0.0.0.0:0", wantErr: true},
		{name: "no host", addr: ":0", wantErr: true},
		{name: "not an address", addr: "6060", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := listenDebug(tt.addr)
			if tt.wantErr {
				assert.Error(t, err)
				assert.Nil(t, ln)
				return
			}
			require.NoError(t, err)
			if tt.wantNil {
				assert.Nil(t, ln)
				return
			}
			require.NotNil(t, ln)
			assert.NoError(t, ln.Close())
		})
	}
}

// TestDebugMuxServesProfiles: the heap profile's text ends with the
// runtime.MemStats counters the load test reads.
func TestDebugMuxServesProfiles(t *testing.T) {
	srv := httptest.NewServer(debugMux())
	t.Cleanup(srv.Close)
	got := demoDo(t, http.MethodGet, srv.URL+"/debug/pprof/allocs?debug=1")
	require.Equal(t, http.StatusOK, got.status)
	assert.True(t, strings.Contains(got.body, "\n# Mallocs = "), "no Mallocs counter in:\n%s", got.body[:min(len(got.body), 500)])
}
