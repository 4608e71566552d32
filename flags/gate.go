package flags

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
)

// Error codes the [Gate] reports besides the OpenFeature ones.
const (
	// TimeoutCode means the evaluation did not finish within [Options.Timeout].
	TimeoutCode openfeature.ErrorCode = "TIMEOUT"
	// CanceledCode means the request's context was done before or during the
	// evaluation (typically: the client went away).
	CanceledCode openfeature.ErrorCode = "CONTEXT_CANCELED"
	// PanicCode means the provider panicked; the panic was recovered.
	PanicCode openfeature.ErrorCode = "PROVIDER_PANIC"
)

// DefaultTimeout bounds one flag evaluation when [Options.Timeout] is zero.
const DefaultTimeout = 200 * time.Millisecond

// Options configures a [Gate]; the zero value holds the defaults, given
// field by field. docs/flags-and-providers.md explains each knob and its cost.
type Options struct {
	// Timeout bounds each uncached evaluation, as the deadline of the
	// provider's context; a later answer is discarded: off, code TIMEOUT.
	// Zero means DefaultTimeout; a negative value disables the bound. A
	// provider that overruns its deadline (by Timeout, at least 100 ms) is
	// logged once and from then on isolated as with Isolate: noticed when it
	// answers, or by a later evaluation while it has not.
	Timeout time.Duration
	// Isolate runs every bounded evaluation on a goroutine of its own, for a
	// provider known to ignore its context: no request then waits longer
	// than Timeout.
	Isolate bool
	// Logger receives evaluation failures (see the package doc). Nil means
	// slog.Default().
	Logger *slog.Logger
	// NoCache disables the cache of static decisions.
	NoCache bool
	// Observer, if set, is told about every decision.
	Observer Observer
	// KeepLastKnown, if positive, remembers the last successful decision
	// per flag and targeting key (at most KeepLastKnown, least recently used
	// first out) and answers it, with Decision.LastKnown set, while the flag
	// service is unavailable (GENERAL, PROVIDER_NOT_READY, PROVIDER_FATAL,
	// PARSE_ERROR, TIMEOUT). Other failures and keys never evaluated before
	// still fail closed. Zero fails closed on every failure.
	KeepLastKnown int
	// CacheTargeted, if positive, also caches non-STATIC decisions per flag
	// and targeting key (at most CacheTargeted, least recently used first
	// out), dropped on the same provider events, for contexts that are a
	// targeting key alone (see router.Config.NoRouteAttributes). Use it only
	// where flag rules read nothing but that context and the flag
	// configuration. Zero caches no targeted decision.
	CacheTargeted int
}

// Observer is told about every decision a [Gate] makes, for metrics. It runs
// on the request path: it must be fast and safe for concurrent use.
type Observer interface {
	// ObserveDecision reports the decision for flag and how long the
	// evaluation took (zero when the decision came from the cache).
	ObserveDecision(flag string, d Decision, took time.Duration)
}

// Decision is the outcome of one flag evaluation. (Its booleans come first
// so that it is 80 bytes, which the cached path copies at half the cost of 88.)
type Decision struct {
	// On reports whether the flag evaluated to true without error.
	On bool
	// Cached reports that the decision came from the Gate's cache.
	Cached bool
	// LastKnown reports that the evaluation failed (ErrorCode says why) and
	// that On, Reason and Variant are the last successful decision
	// ([Options.KeepLastKnown]).
	LastKnown bool
	// Reason is the provider's resolution reason (STATIC, SPLIT, ...).
	Reason openfeature.Reason
	// ErrorCode is empty on success. On failure On is false (the gate
	// fails closed) unless LastKnown is set.
	ErrorCode openfeature.ErrorCode
	// Variant is the provider's variant name, if any.
	Variant string
	// Until is when this decision ends, from the flag metadata key
	// [MetadataUntil]; zero when the metadata has none.
	Until time.Time
}

// MetadataUntil is the flag metadata key that tells when a decision ends
// ([Decision.Until]), e.g. the end of a brownout: an RFC 3339 time string or
// Unix seconds, as in flagd's "metadata": {"until": "2029-09-04T15:00:00Z"}.
const MetadataUntil = "until"

// untilOf reads MetadataUntil from flag metadata.
func untilOf(m openfeature.FlagMetadata) time.Time {
	switch v := m[MetadataUntil].(type) {
	case string:
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t
		}
	case float64:
		return time.Unix(int64(v), 0)
	case int64:
		return time.Unix(v, 0)
	case int:
		return time.Unix(int64(v), 0)
	}
	return time.Time{}
}

// Failed reports whether the evaluation failed (and so resolved to off).
func (d Decision) Failed() bool { return d.ErrorCode != "" }

// Gate evaluates boolean flags fail-closed and caches STATIC decisions until
// a provider event (see the package doc).
//
// A Gate is safe for concurrent use. Call [Gate.Close] to unsubscribe from
// provider events.
type Gate struct {
	ev      Evaluator
	merge   bool // ev is no *openfeature.Client: the Gate merges the transaction context
	timeout time.Duration
	log     *slog.Logger
	obs     Observer
	lk      *byKey // last known decisions; nil unless Options.KeepLastKnown > 0
	tc      *byKey // targeted decisions; nil unless Options.CacheTargeted > 0 and events

	events  eventSource // nil when not subscribed, and then nothing is cached
	onEvent func(openfeature.EventDetails)
	gen     atomic.Uint64 // the cache's generation: Invalidate adds one
	flags   sync.Map      // name -> *Flag
	closed  atomic.Bool

	isolated atomic.Bool  // evaluations run on goroutines of their own
	watched  atomic.Int64 // deadline (Unix ns) of the inline evaluation watched, 0 for none (see inline)
}

// Flag is one flag of a [Gate], found by name once: evaluating it through
// the Flag finds its cached decision without a lookup by name, which is what
// a router does per request. Get it from [Gate.Flag] (the zero value is not
// usable); it is safe for concurrent use.
type Flag struct {
	g      *Gate
	name   string
	cached atomic.Pointer[cached]                // the last static decision, of any generation
	failed atomic.Pointer[openfeature.ErrorCode] // the failure last logged; nil once recovered
}

// cached is a static decision of cache generation gen.
type cached struct {
	gen uint64
	d   Decision
}

var invalidatingEvents = [...]openfeature.EventType{
	openfeature.ProviderConfigChange,
	openfeature.ProviderReady,
	openfeature.ProviderError,
	openfeature.ProviderStale,
}

// NewGate returns a Gate that evaluates flags with ev. It panics if ev is nil.
func NewGate(ev Evaluator, opts Options) *Gate {
	if ev == nil {
		panic("flags: NewGate with nil Evaluator")
	}
	_, client := ev.(*openfeature.Client)
	g := &Gate{ev: ev, merge: !client, timeout: cmp.Or(opts.Timeout, DefaultTimeout),
		log: cmp.Or(opts.Logger, slog.Default()), obs: opts.Observer}
	g.isolated.Store(opts.Isolate)
	if opts.KeepLastKnown > 0 {
		g.lk = newByKey(opts.KeepLastKnown)
	}
	if src, ok := ev.(eventSource); ok && !opts.NoCache {
		g.events = src
		g.onEvent = func(openfeature.EventDetails) { g.Invalidate() }
		for _, t := range invalidatingEvents {
			src.AddHandler(t, &g.onEvent)
		}
		if opts.CacheTargeted > 0 {
			g.tc = newByKey(opts.CacheTargeted)
		}
	}
	return g
}

// Close unsubscribes the Gate from provider events and turns its cache off.
// The Gate still evaluates flags afterwards. Close is idempotent.
func (g *Gate) Close() {
	if g.closed.Swap(true) || g.events == nil {
		return
	}
	for _, t := range invalidatingEvents {
		g.events.RemoveHandler(t, &g.onEvent)
	}
	g.Invalidate()
}

// Invalidate drops every cached decision. The Gate calls it on provider
// events; call it yourself if your provider changes flags without emitting
// PROVIDER_CONFIGURATION_CHANGED.
func (g *Gate) Invalidate() { g.gen.Add(1) }

// Flag returns the Flag called name, the same one for every call with the
// same name, kept for the Gate's life (as is one for each name Evaluate is
// given: names come from code, never from requests). Look it up once, when
// a route is built, and evaluate it per request with [Flag.EvaluateFunc].
func (g *Gate) Flag(name string) *Flag {
	if f, ok := g.flags.Load(name); ok {
		return f.(*Flag)
	}
	f, _ := g.flags.LoadOrStore(name, &Flag{g: g, name: name})
	return f.(*Flag)
}

// store caches d, a static decision evaluated in generation gen, unless
// the generation has changed since or the Gate was closed. (A store that
// loses the race with Invalidate leaves a decision of the old generation,
// which no lookup answers; the next evaluation stores the new one.)
func (f *Flag) store(gen uint64, d Decision) {
	if f.g.gen.Load() != gen || f.g.closed.Load() {
		return
	}
	d.Cached = true
	f.cached.Store(&cached{gen: gen, d: d})
}

// Evaluate returns the decision for flag in evaluation context ec, from the
// cache when the flag is static, failing closed (see the package doc).
//
// ec is the invocation context. The transaction context of ctx
// ([openfeature.WithTransactionContext]) is merged beneath it, ec winning,
// for every [Evaluator], as an *openfeature.Client does.
func (g *Gate) Evaluate(ctx context.Context, flag string, ec openfeature.EvaluationContext) Decision {
	return g.EvaluateFunc(ctx, flag, func() openfeature.EvaluationContext { return ec })
}

// EvaluateFunc is [Gate.Evaluate] with the evaluation context built by ec,
// called at most once, on the caller's goroutine, and only when the flag has
// to be evaluated: a cached static decision allocates nothing. A panic in ec
// propagates before the Gate has done anything.
func (g *Gate) EvaluateFunc(ctx context.Context, flag string, ec func() openfeature.EvaluationContext) Decision {
	return g.Flag(flag).EvaluateFunc(ctx, ec)
}

// EvaluateFunc is [Gate.EvaluateFunc] for this flag.
func (f *Flag) EvaluateFunc(ctx context.Context, ec func() openfeature.EvaluationContext) Decision {
	g, flag := f.g, f.name
	// The generation is read before the evaluation, so that a decision
	// that an event overtakes is not stored.
	gen := g.gen.Load()
	if c := f.cached.Load(); c != nil && c.gen == gen {
		if g.obs != nil {
			g.obs.ObserveDecision(flag, c.d, 0)
		}
		return c.d
	}
	if g.tc == nil {
		return f.evaluate(ctx, gen, ec())
	}
	c := ec()
	key, ok := keyOnly(ctx, c)
	if !ok {
		return f.evaluate(ctx, gen, c)
	}
	if d, ok := g.tc.get(gen, flag, key); ok {
		if g.obs != nil {
			g.obs.ObserveDecision(flag, d, 0)
		}
		return d
	}
	d := f.evaluate(ctx, gen, c)
	if !d.Failed() && d.Reason != openfeature.StaticReason && !g.closed.Load() {
		g.tc.store(gen, flag, key, d)
	}
	return d
}

// evaluate evaluates the flag, which was not in the cache of generation gen.
func (f *Flag) evaluate(ctx context.Context, gen uint64, ec openfeature.EvaluationContext) Decision {
	g, flag := f.g, f.name
	if g.merge {
		ec = mergeTransaction(ctx, ec)
	}
	var start time.Time // read only for an Observer: the clock costs
	if g.obs != nil {
		start = time.Now()
	}
	d := g.resolve(ctx, flag, ec)
	var key string
	if g.lk != nil {
		if key = ec.TargetingKey(); key == "" {
			key = openfeature.TransactionContext(ctx).TargetingKey()
		}
		if d.Failed() && keepsLastKnown(d.ErrorCode) {
			if last, ok := g.lk.recall(flag, key); ok {
				d = Decision{On: last.On, Reason: last.Reason, Variant: last.Variant, ErrorCode: d.ErrorCode, LastKnown: true}
			}
		}
	}
	if g.obs != nil {
		g.obs.ObserveDecision(flag, d, time.Since(start))
	}
	if d.Failed() {
		f.logFailure(d)
		return d
	}
	if g.lk != nil {
		g.lk.remember(flag, key, d)
	}
	f.recovered()
	if g.events != nil && d.Reason == openfeature.StaticReason {
		f.store(gen, d)
	}
	return d
}

// mergeTransaction merges the transaction context of ctx beneath ec, as an
// *openfeature.Client does.
func mergeTransaction(ctx context.Context, ec openfeature.EvaluationContext) openfeature.EvaluationContext {
	if tx := openfeature.TransactionContext(ctx); tx.TargetingKey() == "" && len(tx.Attributes()) == 0 {
		return ec
	}
	return openfeature.TransactionContext(openfeature.MergeTransactionContext(ctx, ec))
}

// Ready reports whether the evaluator's provider is ready, with the reason
// when it is not. Evaluators that do not report a state are taken as ready.
func (g *Gate) Ready() (bool, string) {
	if s, ok := g.ev.(stateSource); ok {
		if st := s.State(); st != openfeature.ReadyState {
			return false, fmt.Sprintf("flag provider state is %s", st)
		}
	}
	return true, ""
}

// logFailure logs a failed evaluation once per error code, so a provider
// outage does not write a line per request.
func (f *Flag) logFailure(d Decision) {
	code := d.ErrorCode
	if prev := f.failed.Load(); prev != nil && *prev == code {
		return
	}
	if prev := f.failed.Swap(&code); prev != nil && *prev == code {
		return
	}
	msg := "flag evaluation failed; failing closed"
	if d.LastKnown {
		msg = "flag evaluation failed; answering last known decisions"
	}
	f.g.log.Warn(msg, "flag", f.name, "code", string(code))
}

// recovered clears the failure record, logging the recovery once.
func (f *Flag) recovered() {
	// A cancelled request (the client went away) is logged once per flag,
	// not once per disconnect: a success after it is no recovery to report.
	if prev := f.failed.Load(); prev == nil || *prev == CanceledCode {
		return
	}
	if prev := f.failed.Swap(nil); prev != nil {
		f.g.log.Info("flag evaluation recovered", "flag", f.name, "after", string(*prev))
	}
}
