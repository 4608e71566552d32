package audit

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/router"
)

// Route flag states as logged. A state is one of these, or "error:" followed
// by the error code of a failed evaluation (the route then fails closed, or
// answers its last known decision with flags.Options.KeepLastKnown).
const (
	// StateOn means the flag is on for everyone: the route serves its handler.
	StateOn = "on"
	// StateOff means the flag is off for everyone: the route answers its off
	// answer (501 by default).
	StateOff = "off"
	// StateTargeted means the decision depends on the request (targeting
	// rules, percentage rollout, opt-in): the route serves some callers.
	StateTargeted = "targeted"
)

// events are the provider events after which the trail re-evaluates.
var events = [...]openfeature.EventType{
	openfeature.ProviderConfigChange,
	openfeature.ProviderReady,
	openfeature.ProviderError,
	openfeature.ProviderStale,
}

// Options configures [New]. The zero value logs to slog.Default(), uses the
// real clock and flags.DefaultTimeout.
type Options struct {
	// Logger receives one Info record per change. Nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock for the "at" attribute. Nil means time.Now.
	Now func() time.Time
	// Timeout bounds each evaluation. Zero means flags.DefaultTimeout.
	Timeout time.Duration
	// Callers are evaluation contexts (targeting key and attributes) whose
	// own decision the trail also follows for every flagged route, e.g. a
	// few named beta users or test accounts. A change of targeting rules
	// that turns a route on or off for one of them, which the anonymous
	// state ([StateTargeted] before and after) does not show, is logged as
	// "route state changed for caller" with the caller's targeting key,
	// which must be set and distinct (others are ignored, with a warning).
	// Each costs one evaluation per route and provider event.
	Callers []openfeature.EvaluationContext
}

// eventSource is the capability of an evaluator to report provider events;
// *openfeature.Client has it.
type eventSource interface {
	AddHandler(openfeature.EventType, openfeature.EventCallback)
	RemoveHandler(openfeature.EventType, openfeature.EventCallback)
}

// Trail logs every change of the effective state of the router's flagged
// routes (Planned and Beta routes with a flag and a handler), as this replica
// sees it: after each provider event (configuration change, ready, error,
// stale) it evaluates every such route's flag once, off the request path,
// and logs the routes whose state changed, once, with the route, its name,
// the flag, the old and new state, the time and the event type ("cause":
// PROVIDER_CONFIGURATION_CHANGED, ..., or "initial"). Requests never log.
//
// The state is evaluated for an anonymous caller with the route's standard
// attributes (router.AttrRoute, ...): a flag whose rules depend on the
// caller reports [StateTargeted], and a change of those rules alone is not
// a change of that state. The decisions for Options.Callers are followed
// too, and logged when they change. A Trail is safe for concurrent use.
type Trail struct {
	log    *slog.Logger
	now    func() time.Time
	rt     *router.Router
	gate   *flags.Gate
	src    eventSource
	routes []watched
	onEv   [len(events)]func(openfeature.EventDetails)

	callers []openfeature.EvaluationContext

	mu       sync.Mutex // serialises re-evaluations and protects state, byCaller, closed
	state    []string
	byCaller [][]string // [route][caller]: StateOn, StateOff or "error:CODE"
	closed   bool
}

type watched struct {
	route router.Route
	id    string
}

// New starts a Trail for the routes of rt, whose flags ev evaluates (the
// evaluator given to the router as Config.Flags). It evaluates and logs the
// initial state of each flagged route (old state empty), then subscribes to
// ev's provider events. An evaluator without events (not an
// *openfeature.Client) gets the initial log only. Call [Trail.Close] to
// unsubscribe.
func New(rt *router.Router, ev flags.Evaluator, opts Options) *Trail {
	t := &Trail{log: opts.Logger, now: opts.Now, rt: rt}
	if t.log == nil {
		t.log = slog.Default()
	}
	seen := make(map[string]bool, len(opts.Callers))
	for _, c := range opts.Callers {
		if k := c.TargetingKey(); k == "" || seen[k] {
			t.log.Warn("audit: caller ignored: its targeting key is empty or repeated", "caller", k)
			continue
		}
		seen[c.TargetingKey()] = true
		t.callers = append(t.callers, c)
	}
	if t.now == nil {
		t.now = time.Now
	}
	t.gate = flags.NewGate(ev, flags.Options{
		Timeout: opts.Timeout, NoCache: true,
		Logger: slog.New(slog.DiscardHandler), // the router's own gate logs failures
	})
	for _, r := range rt.Routes() {
		if r.Flag == "" || r.Handler == nil || (r.Stage != router.Planned && r.Stage != router.Beta) {
			continue
		}
		t.routes = append(t.routes, watched{route: r, id: r.Method + " " + r.Pattern})
	}
	t.state = make([]string, len(t.routes))
	t.byCaller = make([][]string, len(t.routes))
	for i := range t.byCaller {
		t.byCaller[i] = make([]string, len(t.callers))
	}
	t.refresh("initial")
	if src, ok := ev.(eventSource); ok && len(t.routes) > 0 {
		t.src = src
		for i, e := range events {
			t.onEv[i] = func(openfeature.EventDetails) { t.refresh(string(e)) }
			src.AddHandler(e, &t.onEv[i])
		}
	}
	return t
}

// Close unsubscribes the Trail from provider events. It is idempotent.
func (t *Trail) Close() {
	t.mu.Lock()
	already := t.closed
	t.closed = true
	t.mu.Unlock()
	if already || t.src == nil {
		return
	}
	for i, e := range events {
		t.src.RemoveHandler(e, &t.onEv[i])
	}
	t.gate.Close()
}

// States returns the last evaluated state of each flagged route, keyed by
// "METHOD pattern".
func (t *Trail) States() map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := make(map[string]string, len(t.routes))
	for i, w := range t.routes {
		m[w.id] = t.state[i]
	}
	return m
}

// CallerStates returns the last evaluated decision of each flagged route
// for each of Options.Callers, keyed by "METHOD pattern" and then by the
// caller's targeting key: [StateOn], [StateOff] or "error:CODE".
func (t *Trail) CallerStates() map[string]map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := make(map[string]map[string]string, len(t.routes))
	for i, w := range t.routes {
		m[w.id] = make(map[string]string, len(t.callers))
		for j, c := range t.callers {
			m[w.id][c.TargetingKey()] = t.byCaller[i][j]
		}
	}
	return m
}

// refresh re-evaluates every flagged route and logs the changes.
func (t *Trail) refresh(cause string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	ctx := context.Background()
	for i, w := range t.routes {
		s := stateOf(t.decide(ctx, w, openfeature.EvaluationContext{}))
		if s == t.state[i] {
			continue
		}
		old := t.state[i]
		t.state[i] = s
		t.log.LogAttrs(ctx, slog.LevelInfo, "route state changed",
			slog.String("route", w.id),
			slog.String("name", w.route.Name),
			slog.String("flag", w.route.Flag),
			slog.String("old", old),
			slog.String("new", s),
			slog.Time("at", t.now()),
			slog.String("cause", cause),
		)
	}
	for i, w := range t.routes {
		for j, c := range t.callers {
			s := callerState(t.decide(ctx, w, c))
			if s == t.byCaller[i][j] {
				continue
			}
			old := t.byCaller[i][j]
			t.byCaller[i][j] = s
			t.log.LogAttrs(ctx, slog.LevelInfo, "route state changed for caller",
				slog.String("route", w.id),
				slog.String("name", w.route.Name),
				slog.String("flag", w.route.Flag),
				slog.String("caller", c.TargetingKey()),
				slog.String("old", old),
				slog.String("new", s),
				slog.Time("at", t.now()),
				slog.String("cause", cause),
			)
		}
	}
}

// decide evaluates the flag of w for a caller whose ContextFunc returns
// base, the way the router does (router.Router.Decide), with the Trail's
// own Gate, which caches nothing: provider events reach the Trail and the
// router's cache in no set order.
func (t *Trail) decide(ctx context.Context, w watched, base openfeature.EvaluationContext) flags.Decision {
	d, _ := t.rt.Decide(ctx, t.gate, w.route.Method, w.route.Pattern, base)
	return d
}

func callerState(d flags.Decision) string {
	switch {
	case d.Failed():
		return "error:" + string(d.ErrorCode)
	case d.On:
		return StateOn
	}
	return StateOff
}

func stateOf(d flags.Decision) string {
	switch {
	case d.Failed():
		return "error:" + string(d.ErrorCode)
	case d.Reason == openfeature.DisabledReason:
		return StateOff
	case d.Reason != openfeature.StaticReason:
		return StateTargeted
	case d.On:
		return StateOn
	}
	return StateOff
}
