package flags

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
)

// Error codes the [Gate] reports besides the OpenFeature ones. A failed
// evaluation always resolves to off.
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

// Options configures a [Gate]. The zero value means: [DefaultTimeout],
// slog.Default() for logs, and caching of static decisions when the evaluator
// reports provider events.
type Options struct {
	// Timeout bounds each evaluation that is not answered from the cache:
	// an evaluation that has not answered by then resolves to off (code
	// TIMEOUT), and an answer that comes later is discarded. Zero means
	// DefaultTimeout; a negative value disables the bound.
	//
	// The evaluation runs on the request's goroutine, and the provider
	// gets the bound as its context's deadline: providers that call a
	// service (OFREP, flagd over gRPC, GO Feature Flag) stop there, and
	// in-process providers, which never wait, pay about one small
	// allocation for the bound. A provider that ignores its context could
	// hold requests beyond the bound; the Gate notices (an evaluation still
	// running, or answering, later than its deadline plus Timeout, and at
	// least 100 ms), logs it once, and from then on isolates every
	// evaluation on a worker goroutine that it stops waiting for at the
	// bound, about 1 µs per evaluation (docs/performance.md). The
	// requests such a provider already holds stay held until it answers.
	Timeout time.Duration
	// Isolate runs bounded evaluations on worker goroutines from the
	// start, for a provider known to ignore its context: no request then
	// waits longer than Timeout, at about 1 µs per evaluation.
	Isolate bool
	// Logger receives evaluation failures (once per flag and error code
	// until the flag recovers) and cache invalidations. Nil means
	// slog.Default().
	Logger *slog.Logger
	// NoCache disables the cache of static decisions: every request then
	// evaluates its flag.
	NoCache bool
	// Observer, if set, is told about every decision. It must be fast and
	// safe for concurrent use: it runs on the request path.
	Observer Observer
	// KeepLastKnown, if positive, turns on "keep last known value": the
	// Gate remembers the last successful decision per flag and targeting key
	// (at most KeepLastKnown of them; the least recently used go first),
	// and when an evaluation fails because the flag service is unavailable
	// (codes GENERAL, PROVIDER_NOT_READY, PROVIDER_FATAL, PARSE_ERROR and
	// TIMEOUT) it answers the remembered decision instead of off, with
	// Decision.LastKnown set. A STATIC decision also stands for the whole
	// flag, whatever the targeting key. Other attributes of the evaluation
	// context are not part of the key: during an outage a user gets the
	// last decision made for their targeting key, whatever the attributes.
	// Failures that the flag service itself answered (flag not found, type
	// mismatch, bad context), cancellations and provider panics still fail
	// closed, and so does a key never evaluated before the outage. The
	// remembered decision is used for as long as the outage lasts; the next
	// successful evaluation replaces it. Zero (the default) fails closed on
	// every failure. Remembering costs a mutex and a map write per evaluated
	// (uncached) request.
	KeepLastKnown int
}

// Observer is told about every decision a [Gate] makes, for metrics.
type Observer interface {
	// ObserveDecision reports the decision for flag and how long the
	// evaluation took (zero when the decision came from the cache).
	ObserveDecision(flag string, d Decision, took time.Duration)
}

// Decision is the outcome of one flag evaluation.
type Decision struct {
	// On reports whether the flag evaluated to true without error.
	On bool
	// Reason is the provider's resolution reason (STATIC, TARGETING_MATCH,
	// SPLIT, ERROR, ...).
	Reason openfeature.Reason
	// ErrorCode is empty on success. On failure On is false (the gate
	// fails closed) unless LastKnown is set.
	ErrorCode openfeature.ErrorCode
	// Variant is the provider's variant name, if any.
	Variant string
	// Cached reports that the decision came from the cache of static flags.
	Cached bool
	// LastKnown reports that the evaluation failed (ErrorCode says why) and
	// that On, Reason and Variant are the last successful decision for the
	// flag and targeting key, kept because of [Options.KeepLastKnown].
	LastKnown bool
}

// Failed reports whether the evaluation failed (and so resolved to off).
func (d Decision) Failed() bool { return d.ErrorCode != "" }

// Gate evaluates boolean flags fail-closed: any problem (provider not ready,
// flag missing, wrong type, provider error or panic, timeout, cancelled
// context) resolves to off and is logged, never returned to the caller.
//
// Decisions whose reason is STATIC (the flag has no targeting) are cached
// until the provider reports a configuration change, readiness, error or
// staleness, so the common case costs one atomic load and a map lookup. A
// decision that was being computed while such an event arrived is never
// cached.
//
// A Gate is safe for concurrent use. Call [Gate.Close] to unsubscribe from
// provider events.
type Gate struct {
	ev      Evaluator
	timeout time.Duration
	log     *slog.Logger
	obs     Observer

	events   eventSource // nil when not subscribed
	onEvent  func(openfeature.EventDetails)
	cacheOn  bool
	mu       sync.Mutex // serialises cache writers
	cache    atomic.Pointer[cacheSnapshot]
	failures sync.Map // flag -> openfeature.ErrorCode last logged
	closed   atomic.Bool
	lk       *lastKnown // nil unless Options.KeepLastKnown > 0

	// Bounded evaluations run inline until isolated is set (by
	// Options.Isolate, or when the provider is seen to ignore its
	// deadline); flight holds the inline ones for that (see enter).
	isolated atomic.Bool
	flight   [flightSlots]flightSlot
	nextSlot atomic.Uint32
	watching atomic.Bool // a watch goroutine runs

	// Isolated evaluations run on worker goroutines that wait for the next
	// one for workerIdle, so that under load a request hands its
	// evaluation to a worker whose stack has already grown, instead of
	// starting a goroutine that grows its stack on every evaluation.
	// Workers are started on demand and stop when idle or when the Gate is
	// closed.
	jobs   chan *evalJob // unbuffered: a send succeeds only to an idle worker
	stop   chan struct{} // closed by Close
	timers sync.Pool     // *time.Timer, stopped, for the bound of isolated evaluations
}

// workerIdle is how long an evaluation worker waits for the next job.
const workerIdle = 100 * time.Millisecond

// cacheSnapshot is one generation of the cache: up to smallCache decisions
// in a slice (a lookup compares a few strings, whose pointers are usually
// equal, and hashes nothing), more in a map.
type cacheSnapshot struct {
	gen   uint64
	small []cachedDecision
	m     map[string]Decision // nil while small suffices
}

type cachedDecision struct {
	flag string
	d    Decision
}

const smallCache = 8

func (s *cacheSnapshot) get(flag string) (Decision, bool) {
	if s.m != nil {
		d, ok := s.m[flag]
		return d, ok
	}
	for i := range s.small {
		if s.small[i].flag == flag {
			return s.small[i].d, true
		}
	}
	return Decision{}, false
}

// with returns a copy of s with d for flag.
func (s *cacheSnapshot) with(flag string, d Decision) *cacheSnapshot {
	n := &cacheSnapshot{gen: s.gen}
	if s.m == nil && len(s.small) < smallCache {
		n.small = make([]cachedDecision, 0, len(s.small)+1)
		for _, c := range s.small {
			if c.flag != flag {
				n.small = append(n.small, c)
			}
		}
		n.small = append(n.small, cachedDecision{flag, d})
		return n
	}
	n.m = make(map[string]Decision, len(s.m)+len(s.small)+1)
	for k, v := range s.m {
		n.m[k] = v
	}
	for _, c := range s.small {
		n.m[c.flag] = c.d
	}
	n.m[flag] = d
	return n
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
	g := &Gate{ev: ev, timeout: opts.Timeout, log: opts.Logger, obs: opts.Observer,
		jobs: make(chan *evalJob), stop: make(chan struct{})}
	g.isolated.Store(opts.Isolate)
	if g.timeout == 0 {
		g.timeout = DefaultTimeout
	}
	if g.log == nil {
		g.log = slog.Default()
	}
	g.cache.Store(&cacheSnapshot{})
	if opts.KeepLastKnown > 0 {
		g.lk = newLastKnown(opts.KeepLastKnown)
	}
	if src, ok := ev.(eventSource); ok && !opts.NoCache {
		g.events = src
		g.cacheOn = true
		g.onEvent = func(d openfeature.EventDetails) { g.Invalidate() }
		for _, t := range invalidatingEvents {
			src.AddHandler(t, &g.onEvent)
		}
	}
	return g
}

// Close unsubscribes the Gate from provider events and turns its cache off.
// The Gate still evaluates flags afterwards. Close is idempotent.
func (g *Gate) Close() {
	if g.closed.Swap(true) {
		return
	}
	close(g.stop)
	if g.events == nil {
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
func (g *Gate) Invalidate() {
	g.mu.Lock()
	old := g.cache.Load()
	g.cache.Store(&cacheSnapshot{gen: old.gen + 1})
	g.mu.Unlock()
}

// Cached returns the cached decision for flag, if there is one. It allocates
// nothing; callers use it to skip building an evaluation context.
func (g *Gate) Cached(flag string) (Decision, bool) {
	d, ok := g.cache.Load().get(flag)
	if ok && g.obs != nil {
		g.obs.ObserveDecision(flag, d, 0)
	}
	return d, ok
}

// Evaluate returns the decision for flag in evaluation context ec, from the
// cache when the flag is static. It never panics and never returns an error:
// failures resolve to off and are reported in Decision.ErrorCode.
//
// ec is the invocation context; OpenFeature merges the transaction context
// of ctx under it. The targeting key [Options.KeepLastKnown] remembers is
// the one OpenFeature uses: ec's, or the transaction context's when ec has
// none.
func (g *Gate) Evaluate(ctx context.Context, flag string, ec openfeature.EvaluationContext) Decision {
	if d, ok := g.Cached(flag); ok {
		return d
	}
	snap := g.cache.Load()
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
	}
	if d.Failed() && g.lk != nil && keepsLastKnown(d.ErrorCode) {
		if last, ok := g.lk.recall(flag, key); ok {
			d = Decision{On: last.On, Reason: last.Reason, Variant: last.Variant, ErrorCode: d.ErrorCode, LastKnown: true}
		}
	}
	if g.obs != nil {
		g.obs.ObserveDecision(flag, d, time.Since(start))
	}
	if d.Failed() {
		g.logFailure(flag, d)
		return d
	}
	if g.lk != nil {
		g.lk.remember(flag, key, d)
	}
	g.recovered(flag)
	if g.cacheOn && d.Reason == openfeature.StaticReason && !g.closed.Load() {
		g.store(snap.gen, flag, d)
	}
	return d
}

// store caches d for flag unless an event invalidated the cache since the
// evaluation started (generation gen).
func (g *Gate) store(gen uint64, flag string, d Decision) {
	g.mu.Lock()
	defer g.mu.Unlock()
	cur := g.cache.Load()
	if cur.gen != gen {
		return
	}
	d.Cached = true
	g.cache.Store(cur.with(flag, d))
}

// Timeout returns the bound of one evaluation ([Options.Timeout] with the
// default applied); negative means none.
func (g *Gate) Timeout() time.Duration { return g.timeout }

// Ready reports whether the evaluator's provider is ready, with the reason
// when it is not. Evaluators that do not report a state are taken as ready.
func (g *Gate) Ready() (bool, string) {
	s, ok := g.ev.(stateSource)
	if !ok {
		return true, ""
	}
	switch st := s.State(); st {
	case openfeature.ReadyState:
		return true, ""
	default:
		return false, fmt.Sprintf("flag provider state is %s", st)
	}
}

type evalResult struct {
	d   openfeature.BooleanEvaluationDetails
	err error
	pan bool
}

func (g *Gate) resolve(ctx context.Context, flag string, ec openfeature.EvaluationContext) Decision {
	if ctx.Err() != nil {
		return Decision{Reason: openfeature.ErrorReason, ErrorCode: CanceledCode}
	}
	var (
		r    evalResult
		code openfeature.ErrorCode
	)
	switch {
	case g.timeout < 0:
		r = g.call(ctx, flag, ec)
	case g.isolated.Load():
		r, code = g.isolate(ctx, flag, ec)
	default:
		r, code = g.inline(ctx, flag, ec)
	}
	switch {
	case code != "":
		return Decision{Reason: openfeature.ErrorReason, ErrorCode: code}
	case r.pan:
		return Decision{Reason: openfeature.ErrorReason, ErrorCode: PanicCode}
	case r.d.ErrorCode != "":
		return Decision{Reason: openfeature.ErrorReason, ErrorCode: r.d.ErrorCode, Variant: r.d.Variant}
	case r.err != nil || r.d.Reason == openfeature.ErrorReason:
		return Decision{Reason: openfeature.ErrorReason, ErrorCode: openfeature.GeneralCode}
	}
	return Decision{On: r.d.Value, Reason: r.d.Reason, Variant: r.d.Variant}
}

// inline runs a bounded evaluation on the request's goroutine, with the
// bound as its context's deadline. A non-empty code means the evaluation
// failed (timeout, cancelled request) whatever it answered.
func (g *Gate) inline(ctx context.Context, flag string, ec openfeature.EvaluationContext) (evalResult, openfeature.ErrorCode) {
	start := time.Now()
	slot := g.enter(start)
	c := &boundCtx{Context: ctx, deadline: start.Add(g.timeout), timed: true}
	r := g.call(c, flag, ec)
	g.leave(slot)
	now := time.Now()
	c.end(context.Canceled) // the evaluation is over
	switch {
	case !now.Before(c.deadline):
		if now.Sub(c.deadline) > g.overrun() {
			g.startIsolating("a flag evaluation answered long after its deadline")
		}
		return r, TimeoutCode
	case ctx.Err() != nil:
		return r, CanceledCode
	}
	return r, ""
}

// overrun is how long past its deadline an inline evaluation may run
// before the Gate takes the provider for one that ignores deadlines: the
// bound again, and at least 100 ms, so that a pause of the process (garbage
// collection, scheduling) is not taken for one.
func (g *Gate) overrun() time.Duration { return max(g.timeout, 100*time.Millisecond) }

// flightSlots is how many inline evaluations in flight the Gate watches
// (see enter); more may run, unwatched.
const flightSlots = 64

// flightSlot is the start (Unix nanoseconds) of one inline evaluation in
// flight, 0 when free, alone on its cache line.
type flightSlot struct {
	start atomic.Int64
	_     [56]byte
}

// enter records an inline evaluation starting at start in a free slot, and
// makes sure a watcher (see watch) runs while slots are taken. It returns
// the slot, or -1 when none was free.
func (g *Gate) enter(start time.Time) int {
	i := int(g.nextSlot.Add(1))
	for k := range 4 {
		s := (i + k) % flightSlots
		if g.flight[s].start.CompareAndSwap(0, start.UnixNano()) {
			if !g.watching.Load() && g.watching.CompareAndSwap(false, true) {
				go g.watch()
			}
			return s
		}
	}
	return -1
}

// leave frees the slot enter returned.
func (g *Gate) leave(slot int) {
	if slot >= 0 {
		g.flight[slot].start.Store(0)
	}
}

// watch looks at the slots every bound while inline evaluations are in
// flight: one that has run for longer than its bound plus overrun (the
// provider holds it past its deadline) makes every later evaluation
// isolated. It stops once none has been in flight for a few rounds, once
// evaluations are isolated, or when the Gate is closed.
func (g *Gate) watch() {
	t := time.NewTicker(g.timeout)
	defer t.Stop()
	limit := (g.timeout + g.overrun()).Nanoseconds()
	for idle := 0; ; {
		select {
		case <-g.stop:
			return
		case now := <-t.C:
			busy := false
			for i := range g.flight {
				if st := g.flight[i].start.Load(); st != 0 {
					busy = true
					if now.UnixNano()-st > limit {
						g.startIsolating("a flag evaluation has been running for long after its deadline")
					}
				}
			}
			if g.isolated.Load() {
				return // no more inline evaluations
			}
			if busy {
				idle = 0
			} else {
				idle++
			}
			if idle < 3 {
				continue
			}
			g.watching.Store(false)
			// An evaluation may have entered after the scan and seen a
			// watcher: look again, and go on watching if one did.
			if !g.inFlight() || !g.watching.CompareAndSwap(false, true) {
				return
			}
			idle = 0
		}
	}
}

func (g *Gate) inFlight() bool {
	for i := range g.flight {
		if g.flight[i].start.Load() != 0 {
			return true
		}
	}
	return false
}

// startIsolating makes every later bounded evaluation run on a worker
// goroutine, and logs why once.
func (g *Gate) startIsolating(why string) {
	if g.isolated.Swap(true) {
		return
	}
	g.log.Warn("the flag provider ignores evaluation deadlines; evaluations now run on worker goroutines",
		"reason", why, "timeout", g.timeout)
}

// isolate hands a bounded evaluation to a worker goroutine and waits for
// its answer until the bound, or until the request goes away.
func (g *Gate) isolate(ctx context.Context, flag string, ec openfeature.EvaluationContext) (evalResult, openfeature.ErrorCode) {
	j := &evalJob{ctx: boundCtx{Context: ctx, deadline: time.Now().Add(g.timeout)},
		flag: flag, ec: ec, done: make(chan evalResult, 1)}
	t, _ := g.timers.Get().(*time.Timer)
	if t == nil {
		t = time.NewTimer(g.timeout)
	} else {
		t.Reset(g.timeout)
	}
	select {
	case g.jobs <- j: // an idle worker took it
	default:
		go g.work(j)
	}
	var (
		r    evalResult
		code openfeature.ErrorCode
	)
	select {
	case r = <-j.done:
		j.ctx.end(context.Canceled)
	case <-t.C:
		j.ctx.end(context.DeadlineExceeded)
		code = TimeoutCode
	case <-ctx.Done():
		j.ctx.end(ctx.Err())
		code = CanceledCode
	}
	t.Stop() // since Go 1.23 no stale tick can be received after Stop
	g.timers.Put(t)
	return r, code
}

// work runs j, then the jobs handed to it, until it has been idle for
// workerIdle or the Gate is closed.
func (g *Gate) work(j *evalJob) {
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		j.done <- g.call(&j.ctx, j.flag, j.ec)
		idle.Reset(workerIdle)
		select {
		case j = <-g.jobs:
		case <-idle.C:
			return
		case <-g.stop:
			return
		}
	}
}

// call runs the evaluator, turning a panic into a failed result.
func (g *Gate) call(ctx context.Context, flag string, ec openfeature.EvaluationContext) (r evalResult) {
	defer func() {
		if p := recover(); p != nil {
			r = evalResult{pan: true}
		}
	}()
	r.d, r.err = g.ev.BooleanValueDetails(ctx, flag, false, ec)
	return r
}

// logFailure logs a failed evaluation once per flag and error code, so a
// provider outage does not write a line per request.
func (g *Gate) logFailure(flag string, d Decision) {
	if prev, ok := g.failures.Load(flag); ok && prev.(openfeature.ErrorCode) == d.ErrorCode {
		return
	}
	if prev, loaded := g.failures.Swap(flag, d.ErrorCode); loaded && prev.(openfeature.ErrorCode) == d.ErrorCode {
		return
	}
	if d.LastKnown {
		g.log.Warn("flag evaluation failed; answering last known decisions", "flag", flag, "code", string(d.ErrorCode))
		return
	}
	g.log.Warn("flag evaluation failed; failing closed", "flag", flag, "code", string(d.ErrorCode))
}

// recovered clears the failure record of flag, logging the recovery once.
func (g *Gate) recovered(flag string) {
	prev, ok := g.failures.Load(flag)
	// A cancelled request (the client went away) is logged once per flag,
	// not once per disconnect: a success after it is no recovery to report.
	if !ok || prev.(openfeature.ErrorCode) == CanceledCode {
		return
	}
	if prev, loaded := g.failures.LoadAndDelete(flag); loaded {
		g.log.Info("flag evaluation recovered", "flag", flag, "after", string(prev.(openfeature.ErrorCode)))
	}
}

// ErrNilEvaluator is returned by constructors that need flags when none were
// given.
var ErrNilEvaluator = errors.New("flags: no Evaluator")
