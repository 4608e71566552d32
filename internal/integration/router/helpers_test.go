package router_test

// The flagd helpers of router's tests (flagdClient, writeFile) live here,
// with the tests that use them: router's tests live in the root module,
// whose go.mod must not need the flagd provider (docs/modules.md). The HTTP
// helpers both share are internal/servetest's.

import (
	"os"
	"path/filepath"
	"testing"

	flagd "github.com/open-feature/go-sdk-contrib/providers/flagd/pkg"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/require"
)

// flagdClient starts a flagd in-process provider on the flag file at path,
// binds it to domain (replacing, and so shutting down, the provider bound
// before) and returns a client of that domain.
func flagdClient(t *testing.T, domain, path string) *openfeature.Client {
	t.Helper()
	p, err := flagd.NewProvider(flagd.WithFileResolver(), flagd.WithOfflineFilePath(path))
	require.NoError(t, err)
	require.NoError(t, openfeature.SetNamedProviderAndWait(domain, p))
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(domain, openfeature.NoopProvider{}) })
	return openfeature.NewClient(domain)
}

// writeFile replaces the file at path by atomic rename, as editors and
// config management do, so that a provider never reads a half-written file.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".flags-*.json")
	require.NoError(t, err)
	_, err = tmp.WriteString(content)
	require.NoError(t, err)
	require.NoError(t, tmp.Close())
	require.NoError(t, os.Rename(tmp.Name(), path))
}
