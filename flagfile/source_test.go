package flagfile_test

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flagfile"
	"github.com/roadmap-go/roadmap/internal/logtest"
)

// flagsJSON is a flagd file with one boolean flag "beta" whose default
// variant is variant ("on" or "off").
func flagsJSON(variant string) []byte {
	return []byte(fmt.Sprintf(`{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "flags": {
    "beta": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": %q}
  }
}
`, variant))
}

// countLines returns how many lines of the log contain every one of parts.
func countLines(logs *logtest.Buffer, parts ...string) int {
	n := 0
next:
	for _, line := range strings.Split(logs.String(), "\n") {
		for _, p := range parts {
			if !strings.Contains(line, p) {
				continue next
			}
		}
		n++
	}
	return n
}

type fixture struct {
	path   string
	src    *flagfile.Source
	client *openfeature.Client
	logs   *logtest.Buffer
}

// newFixture writes content to a flag file in a fresh directory, opens a
// Source on it and registers its provider under the test's own domain.
func newFixture(t *testing.T, content []byte, opts flagfile.Options) *fixture {
	t.Helper()
	f := &fixture{path: filepath.Join(t.TempDir(), "flags.json"), logs: &logtest.Buffer{}}
	if content != nil {
		require.NoError(t, os.WriteFile(f.path, content, 0o644))
	}
	opts.Logger = f.logs.Logger()
	if opts.Debounce == 0 {
		opts.Debounce = 20 * time.Millisecond
	}
	src, err := flagfile.Open(f.path, opts)
	require.NoError(t, err)
	f.src = src
	p, err := src.Provider()
	require.NoError(t, err)
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(t.Name(), openfeature.NoopProvider{}) })
	f.client = openfeature.NewClient(t.Name())
	return f
}

// beta evaluates flag "beta"; a failed evaluation is reported as "error".
func (f *fixture) beta(t *testing.T) string {
	d, err := f.client.BooleanValueDetails(context.Background(), "beta", false, openfeature.EvaluationContext{})
	switch {
	case err != nil || d.ErrorCode != "":
		return "error"
	case d.Value:
		return "on"
	}
	return "off"
}

func (f *fixture) waitBeta(t *testing.T, want string) {
	t.Helper()
	require.Eventually(t, func() bool { return f.beta(t) == want }, 10*time.Second, 5*time.Millisecond,
		"flag beta never became %s", want)
}

// atomicWrite writes content next to path and renames it over path.
func atomicWrite(t *testing.T, path string, content []byte) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), ".flags.json.tmp")
	require.NoError(t, os.WriteFile(tmp, content, 0o644))
	require.NoError(t, os.Rename(tmp, path))
}

const (
	rejectedMsg = "flag file rejected"
	missingMsg  = "flag file missing"
	appliedMsg  = "flag file applied"
)

func TestSourceKeepsLastGoodFlags(t *testing.T) {
	good := flagsJSON("on")
	tests := []struct {
		name    string
		bad     func(t *testing.T, path string)
		wantErr error
		wantLog string
	}{
		{"invalid JSON", func(t *testing.T, p string) {
			require.NoError(t, os.WriteFile(p, []byte(`{"flags": {"beta": {"state": "ENABLED",,}}}`), 0o644))
		}, flagfile.ErrSyntax, rejectedMsg},
		{"flag of the wrong type", func(t *testing.T, p string) {
			require.NoError(t, os.WriteFile(p, []byte(`{"flags": {"beta": {"state": "ENABLED", "variants": {"on": "yes", "off": "no"}, "defaultVariant": "off"}}}`), 0o644))
		}, flagfile.ErrType, rejectedMsg},
		{"variants of mixed types", func(t *testing.T, p string) {
			require.NoError(t, os.WriteFile(p, []byte(`{"flags": {"beta": {"state": "ENABLED", "variants": {"on": true, "off": 0}, "defaultVariant": "off"}}}`), 0o644))
		}, flagfile.ErrType, rejectedMsg},
		{"not the flagd shape", func(t *testing.T, p string) {
			require.NoError(t, os.WriteFile(p, []byte(`{"flags": {"beta": {"state": "MAYBE"}}}`), 0o644))
		}, flagfile.ErrSchema, rejectedMsg},
		{"default variant names no variant", func(t *testing.T, p string) {
			require.NoError(t, os.WriteFile(p, []byte(`{"flags": {"beta": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "maybe"}}}`), 0o644))
		}, flagfile.ErrRejected, rejectedMsg},
		{"truncated write", func(t *testing.T, p string) {
			off := flagsJSON("off")
			require.NoError(t, os.WriteFile(p, off[:len(off)/2], 0o644))
		}, flagfile.ErrSyntax, rejectedMsg},
		{"empty file", func(t *testing.T, p string) {
			require.NoError(t, os.WriteFile(p, nil, 0o644))
		}, flagfile.ErrEmpty, rejectedMsg},
		{"deleted file", func(t *testing.T, p string) {
			require.NoError(t, os.Remove(p))
		}, flagfile.ErrMissing, missingMsg},
		{"bad file renamed into place", func(t *testing.T, p string) {
			atomicWrite(t, p, []byte(`{"flags": `))
		}, flagfile.ErrSyntax, rejectedMsg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, flagsJSON("off"), flagfile.Options{Boolean: []string{"beta"}})
			f.waitBeta(t, "off")
			require.NoError(t, os.WriteFile(f.path, good, 0o644))
			f.waitBeta(t, "on")

			tt.bad(t, f.path)
			require.Eventually(t, func() bool { return countLines(f.logs, tt.wantLog) == 1 }, 10*time.Second, 5*time.Millisecond,
				"the problem was never logged")
			assert.ErrorIs(t, f.src.Problem(), tt.wantErr)
			assert.Equal(t, "on", f.beta(t), "the last good flags must stay in force")
			assert.Equal(t, string(good), string(f.src.Flags()))

			// Seeing the same bad version again logs nothing new.
			assert.ErrorIs(t, f.src.Reload(), tt.wantErr)
			assert.Equal(t, 1, countLines(f.logs, tt.wantLog), "got %d log lines, want 1", countLines(f.logs, tt.wantLog))
			assert.Equal(t, "on", f.beta(t))

			// The next valid edit applies.
			atomicWrite(t, f.path, flagsJSON("off"))
			f.waitBeta(t, "off")
			assert.NoError(t, f.src.Problem())
			assert.Equal(t, 1, countLines(f.logs, tt.wantLog))
		})
	}
}

func TestSourceAtomicRename(t *testing.T) {
	t.Parallel()
	f := newFixture(t, flagsJSON("off"), flagfile.Options{})
	for i, v := range []string{"on", "off", "on", "off", "on"} {
		atomicWrite(t, f.path, flagsJSON(v))
		f.waitBeta(t, v)
		assert.Equal(t, i+1, countLines(f.logs, appliedMsg))
	}
	assert.Zero(t, countLines(f.logs, rejectedMsg))
}

// TestSourceSurvivesDeletion covers what flagd's own file watcher does not:
// after the file is deleted, a file created again at the same path applies.
func TestSourceSurvivesDeletion(t *testing.T) {
	t.Parallel()
	f := newFixture(t, flagsJSON("on"), flagfile.Options{})
	for range 3 {
		require.NoError(t, os.Remove(f.path))
		require.Eventually(t, func() bool { return f.src.Problem() != nil }, 10*time.Second, 5*time.Millisecond)
		assert.ErrorIs(t, f.src.Problem(), fs.ErrNotExist)
		assert.Equal(t, "on", f.beta(t))

		require.NoError(t, os.WriteFile(f.path, flagsJSON("off"), 0o644))
		f.waitBeta(t, "off")
		require.NoError(t, os.WriteFile(f.path, flagsJSON("on"), 0o644))
		f.waitBeta(t, "on")
	}
	assert.Equal(t, 3, countLines(f.logs, missingMsg))
}

func TestSourceMissingAtStart(t *testing.T) {
	t.Parallel()
	t.Run("error by default", func(t *testing.T) {
		_, err := flagfile.Open(filepath.Join(t.TempDir(), "nope.json"), flagfile.Options{Logger: slog.New(slog.DiscardHandler)})
		require.Error(t, err)
		assert.ErrorIs(t, err, flagfile.ErrMissing)
		assert.ErrorIs(t, err, fs.ErrNotExist)
		assert.Contains(t, err.Error(), "nope.json")
	})
	t.Run("AllowMissing waits for the file", func(t *testing.T) {
		f := newFixture(t, nil, flagfile.Options{AllowMissing: true})
		assert.Equal(t, 1, countLines(f.logs, missingMsg))
		assert.Equal(t, "error", f.beta(t), "no flags yet: evaluations fail (and gates fail closed)")
		assert.ErrorIs(t, f.src.Problem(), flagfile.ErrMissing)

		require.NoError(t, os.WriteFile(f.path, flagsJSON("on"), 0o644))
		f.waitBeta(t, "on")
		assert.NoError(t, f.src.Problem())
	})
	t.Run("invalid at start is an error", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "flags.json")
		require.NoError(t, os.WriteFile(path, []byte("{"), 0o644))
		_, err := flagfile.Open(path, flagfile.Options{})
		assert.ErrorIs(t, err, flagfile.ErrSyntax)
	})
}

func TestSourceReloadWithoutProvider(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "flags.json")
	require.NoError(t, os.WriteFile(path, flagsJSON("off"), 0o644))
	logs := &logtest.Buffer{}
	src, err := flagfile.Open(path, flagfile.Options{Logger: logs.Logger()})
	require.NoError(t, err)
	assert.Equal(t, path, src.Path())

	require.NoError(t, os.WriteFile(path, []byte("not json"), 0o644))
	assert.ErrorIs(t, src.Reload(), flagfile.ErrSyntax)
	assert.Equal(t, string(flagsJSON("off")), string(src.Flags()))

	require.NoError(t, os.WriteFile(path, flagsJSON("on"), 0o644))
	assert.NoError(t, src.Reload())
	assert.Equal(t, string(flagsJSON("on")), string(src.Flags()))
	assert.Equal(t, 1, countLines(logs, rejectedMsg))
	assert.Equal(t, 1, countLines(logs, appliedMsg))
}

func TestValidate(t *testing.T) {
	t.Parallel()
	demo, err := os.ReadFile("../cmd/demo/flags.json")
	require.NoError(t, err)
	tests := []struct {
		name    string
		data    string
		boolean []string
		wantErr error
	}{
		{name: "demo flags", data: string(demo), boolean: []string{"reports-export", "feature-write", "users-patch"}},
		{name: "no flags", data: `{"flags": {}}`},
		{name: "string flag allowed when not listed", data: `{"flags": {"c": {"state": "ENABLED", "variants": {"r": "red"}, "defaultVariant": "r"}}}`},
		{name: "string flag listed as boolean", data: `{"flags": {"c": {"state": "ENABLED", "variants": {"r": "red"}, "defaultVariant": "r"}}}`, boolean: []string{"c"}, wantErr: flagfile.ErrType},
		{name: "empty", data: " \n", wantErr: flagfile.ErrEmpty},
		{name: "syntax", data: `{"flags":`, wantErr: flagfile.ErrSyntax},
		{name: "array at top", data: `[]`, wantErr: flagfile.ErrSchema},
		{name: "flags not an object", data: `{"flags": 3}`, wantErr: flagfile.ErrSchema},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := flagfile.Validate([]byte(tt.data), tt.boolean...)
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}
