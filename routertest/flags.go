package routertest

import (
	"fmt"
	"sync"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
)

// Flags is a set of boolean flags for one test, served by its own
// OpenFeature in-memory provider under its own domain, so tests that each
// have their own Flags can run in parallel. Build the router under test with
// Flags.Client() as its Config.Flags.
//
// A change made with Set, Force or Unset applies to the very next
// evaluation: every answer carries the reason TARGETING_MATCH, so
// [flags.Gate] never caches it and no provider event has to arrive first.
//
// Flags is safe for concurrent use, but one test owns it: subtests that
// force different values of one flag must not run in parallel.
type Flags struct {
	provider *memprovider.InMemoryProvider
	client   *openfeature.Client
	domain   string

	mu    sync.Mutex
	rules map[string]Rule // guarded by mu; read by evaluate
}

// Rule decides a flag for one evaluation context, for tests of targeting:
// for example on only for one targeting key, or for clients that opted in.
type Rule func(ec openfeature.FlattenedContext) bool

// NewFlags registers a fresh in-memory provider under a domain named after
// t, with the flags in initial, and returns its Flags. The provider is
// unregistered (replaced by a no-op provider) when the test ends.
func NewFlags(t TB, initial map[string]bool) *Flags {
	t.Helper()
	f := &Flags{rules: map[string]Rule{}}
	f.domain = fmt.Sprintf("routertest/%s/%p", t.Name(), f)
	for k, on := range initial {
		f.rules[k] = constant(on)
	}
	f.provider = memprovider.NewInMemoryProvider(f.definitions())
	if err := openfeature.SetNamedProviderAndWait(f.domain, f.provider); err != nil {
		t.Fatalf("routertest: register in-memory provider: %v", err)
	}
	t.Cleanup(func() { _ = openfeature.SetNamedProviderAndWait(f.domain, openfeature.NoopProvider{}) })
	f.client = openfeature.NewClient(f.domain)
	return f
}

// Client returns the OpenFeature client to pass as router.Config.Flags.
func (f *Flags) Client() *openfeature.Client { return f.client }

// Domain returns the OpenFeature domain the provider is registered under.
func (f *Flags) Domain() string { return f.domain }

// Set switches flag on or off for every evaluation context.
func (f *Flags) Set(flag string, on bool) { f.SetRule(flag, constant(on)) }

// SetRule makes rule decide flag.
func (f *Flags) SetRule(flag string, rule Rule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, known := f.rules[flag]
	f.rules[flag] = rule
	if !known {
		f.provider.UpdateFlags(f.definitions())
	}
}

// Unset removes flag: evaluations then fail with FLAG_NOT_FOUND, and the
// router fails closed.
func (f *Flags) Unset(flag string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, known := f.rules[flag]; !known {
		return
	}
	delete(f.rules, flag)
	f.provider.UpdateFlags(f.definitions())
}

// Force sets flag for the rest of the test t and restores its previous
// state (or removes it) when t ends.
func (f *Flags) Force(t TB, flag string, on bool) {
	t.Helper()
	f.mu.Lock()
	prev, known := f.rules[flag]
	f.mu.Unlock()
	f.Set(flag, on)
	t.Cleanup(func() {
		if known {
			f.SetRule(flag, prev)
		} else {
			f.Unset(flag)
		}
	})
}

// value returns the current rule of flag. Rules are read per evaluation so
// that Set never waits for a provider event.
func (f *Flags) value(flag string, ec openfeature.FlattenedContext) (bool, bool) {
	f.mu.Lock()
	rule, ok := f.rules[flag]
	f.mu.Unlock()
	if !ok {
		return false, false
	}
	return rule(ec), true
}

// definitions returns one in-memory flag per known key; the caller holds
// f.mu (or has not shared f yet).
func (f *Flags) definitions() map[string]memprovider.InMemoryFlag {
	defs := make(map[string]memprovider.InMemoryFlag, len(f.rules))
	for k := range f.rules {
		key := k
		eval := func(flag memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
			on, ok := f.value(key, ec)
			if !ok {
				return false, openfeature.ProviderResolutionDetail{
					ResolutionError: openfeature.NewFlagNotFoundResolutionError(key),
					Reason:          openfeature.ErrorReason,
				}
			}
			variant := "off"
			if on {
				variant = "on"
			}
			return on, openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason, Variant: variant}
		}
		defs[key] = memprovider.InMemoryFlag{
			Key: key, State: memprovider.Enabled, DefaultVariant: "off",
			Variants:         map[string]any{"on": true, "off": false},
			ContextEvaluator: &eval,
		}
	}
	return defs
}

func constant(on bool) Rule { return func(openfeature.FlattenedContext) bool { return on } }
