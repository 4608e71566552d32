package router_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/flags"
)

// The flags of these tests come from this one set of helpers: real
// providers (memFlags, targetedClient; flagdClient in
// internal/integration/router) wherever the behaviour
// depends on OpenFeature, and one fake Evaluator (fakeFlags) where a test
// needs fixed answers, failures or a count of evaluations.

// boolFlag is an in-memory boolean flag without targeting (reason STATIC).
func boolFlag(on bool) memprovider.InMemoryFlag {
	v := "off"
	if on {
		v = "on"
	}
	return memprovider.InMemoryFlag{
		State:          memprovider.Enabled,
		DefaultVariant: v,
		Variants:       map[string]any{"on": true, "off": false},
	}
}

// memFlags registers an in-memory provider under the test's own domain and
// returns a client bound to it.
func memFlags(t *testing.T, fl map[string]memprovider.InMemoryFlag) (*openfeature.Client, *memprovider.InMemoryProvider) {
	t.Helper()
	p := memprovider.NewInMemoryProvider(fl)
	require.NoError(t, openfeature.SetNamedProviderAndWait(t.Name(), p))
	return openfeature.NewClient(t.Name()), p
}

// targetedClient returns a client of an in-memory provider under the test's
// own domain whose flag "f" is on where on accepts the flattened context
// (reason TARGETING_MATCH, so nothing is cached).
func targetedClient(t *testing.T, on func(openfeature.FlattenedContext) bool) *openfeature.Client {
	t.Helper()
	eval := func(f memprovider.InMemoryFlag, ec openfeature.FlattenedContext) (any, openfeature.ProviderResolutionDetail) {
		v := "off"
		if on(ec) {
			v = "on"
		}
		return f.Variants[v], openfeature.ProviderResolutionDetail{Reason: openfeature.TargetingMatchReason, Variant: v}
	}
	c, _ := memFlags(t, map[string]memprovider.InMemoryFlag{
		"f": {Key: "f", State: memprovider.Enabled, DefaultVariant: "off", Variants: map[string]any{"on": true, "off": false}, ContextEvaluator: &eval},
	})
	return c
}

// fakeFlags is the one hand-written [flags.Evaluator] of these tests. on
// decides each flag (nil: every flag is off); every answer has reason
// (empty: TARGETING_MATCH, which the Gate never caches); a flag for which
// fail reports true answers true with a provider error (code GENERAL), which
// must fail closed without leaking its message. With next set, next answers
// instead. calls counts the evaluations. It has no provider events, so a
// Gate over it caches only STATIC answers.
type fakeFlags struct {
	on     func(flag string) bool
	reason openfeature.Reason
	fail   func(flag string) bool
	next   flags.Evaluator
	calls  atomic.Int64
}

var _ flags.Evaluator = (*fakeFlags)(nil)

func (f *fakeFlags) BooleanValueDetails(ctx context.Context, flag string, def bool, ec openfeature.EvaluationContext, opts ...openfeature.Option) (openfeature.BooleanEvaluationDetails, error) {
	f.calls.Add(1)
	if f.next != nil {
		return f.next.BooleanValueDetails(ctx, flag, def, ec, opts...)
	}
	d := openfeature.BooleanEvaluationDetails{}
	d.FlagKey, d.FlagType, d.Reason = flag, openfeature.Boolean, f.reason
	if d.Reason == "" {
		d.Reason = openfeature.TargetingMatchReason
	}
	if f.fail != nil && f.fail(flag) {
		const msg = "backend exploded: secret internal detail"
		d.Value, d.Reason, d.ErrorCode, d.ErrorMessage = true, openfeature.ErrorReason, openfeature.GeneralCode, msg
		return d, errors.New(msg)
	}
	d.Value = f.on != nil && f.on(flag)
	return d, nil
}

// prefixed returns a predicate true for flag keys that start with prefix.
func prefixed(prefix string) func(string) bool {
	return func(flag string) bool { return strings.HasPrefix(flag, prefix) }
}
