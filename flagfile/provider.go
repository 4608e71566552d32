package flagfile

import (
	flagd "github.com/open-feature/go-sdk-contrib/providers/flagd/pkg"
)

// Provider returns a flagd in-process provider whose flags come from s:
// flagd evaluates them (targeting, fractional rollouts) and emits
// PROVIDER_CONFIGURATION_CHANGED when a new version applies. Extra flagd
// options are appended (for example flagd.WithDeadline).
//
// Register it with openfeature.SetNamedProviderAndWait; its Shutdown stops
// the Source's watcher. Call Provider once per Source.
func (s *Source) Provider(opts ...flagd.ProviderOption) (*flagd.Provider, error) {
	all := append([]flagd.ProviderOption{
		flagd.WithInProcessResolver(),
		flagd.WithCustomSyncProviderAndUri(s, s.path),
	}, opts...)
	return flagd.NewProvider(all...)
}
