package flagfile_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flagfile"
)

// FuzzSource writes arbitrary bytes as the flag file and reloads: the Source
// never panics, and a version it rejects never replaces the last good flags.
// Seeds are in testdata/fuzz/FuzzSource.
func FuzzSource(f *testing.F) {
	f.Add(flagsJSON("on"))
	f.Add([]byte(`{"flags": {"beta": {"state": "ENABLED", "variants": {"on": "yes"}, "defaultVariant": "on"}}}`))
	f.Add([]byte(`{"flags": {"beta": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on", "targeting": {"fractional": [["on", 50]]}}}}`))
	f.Add([]byte(`{"flags": [{"key": "beta", "state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"}]}`))
	f.Add([]byte(`{"flags": {}, "$evaluators": {"x": {"in": ["a", {"var": "k"}]}}}`))
	f.Add([]byte(`{"flags": {`))
	f.Add([]byte(""))
	dir := f.TempDir()
	path := filepath.Join(dir, "flags.json")
	good := flagsJSON("off")
	require.NoError(f, os.WriteFile(path, good, 0o644))
	src, err := flagfile.Open(path, flagfile.Options{Logger: slog.New(slog.DiscardHandler), Boolean: []string{"beta"}})
	require.NoError(f, err)

	f.Fuzz(func(t *testing.T, data []byte) {
		require.NoError(t, os.WriteFile(path, good, 0o644))
		require.NoError(t, src.Reload())
		before := src.Flags()

		require.NoError(t, os.WriteFile(path, data, 0o644))
		err := src.Reload()
		after := src.Flags()
		if err != nil {
			require.Equal(t, before, after, "a rejected file replaced the flags: %v", err)
			require.Error(t, src.Problem())
			return
		}
		require.NoError(t, flagfile.Validate(data, "beta"))
		require.True(t, bytes.Equal(data, after) || bytes.Equal(before, after))
	})
}
