package router

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/open-feature/go-sdk/openfeature"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/stub"
)

// Header names the router reads and writes. None has an X- prefix
// (RFC 6648).
const (
	// DefaultOptInHeader is the request header in which a client lists, comma
	// separated, the beta features (flag keys of Beta routes) it opts into,
	// e.g. "Roadmap-Beta: users-patch". The names reach flag rules as
	// AttrOptIn. Opting in never bypasses the flag. The flag key of a Live
	// or Deprecated route that keeps its Flag is accepted too, so that a
	// beta promoted to live does not break clients that still opt in.
	DefaultOptInHeader = "Roadmap-Beta"
	// OptInAppliedHeader is set on the answer of a Beta route that was
	// served to a client that opted into it, naming the feature.
	OptInAppliedHeader = "Roadmap-Beta-Applied"
	// PreviewHeader is the request header with which a client asks for the
	// declared Example of a route that is not available to it:
	// "Roadmap-Preview: example".
	PreviewHeader = "Roadmap-Preview"
	// ExampleHeader marks a preview answer: "Roadmap-Example: true". Such an
	// answer is never real data.
	ExampleHeader = "Roadmap-Example"
)

// Config holds the router's optional settings. The zero value serves routes
// that need no flags, with the 501 answer for off routes, slog.Default() for
// logs and the real clock.
type Config struct {
	// Flags evaluates the flags of Planned and Beta routes, typically an
	// *openfeature.Client bound to the application's provider. Required
	// when any route can be switched on by a flag. The router never sets
	// OpenFeature's global provider.
	Flags flags.Evaluator
	// FlagOptions configures the [flags.Gate] the router wraps Flags in:
	// evaluation timeout, cache, observer. Its Logger defaults to Logger.
	FlagOptions flags.Options
	// Context derives the evaluation context from the request. Nil means
	// [flags.Anonymous]. Routes may override it.
	Context flags.ContextFunc
	// Logger receives evaluation failures. Nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock for LiveFrom and Sunset. Nil means time.Now.
	Now func() time.Time
	// Off is the answer of routes that are off, unless a route says
	// otherwise. The zero value means OffNotImplemented (501).
	Off OffAnswer
	// OffHandler, if set, answers for off routes instead of Off, unless a
	// route says otherwise.
	OffHandler http.Handler
	// Roadmap decides who may see the roadmap. Callers it rejects get, for a
	// route that is off, exactly what they would get if the route were not
	// declared (404, or 405 listing only public methods), and never learn
	// that it exists. Nil means everyone may see it.
	Roadmap func(*http.Request) bool
	// OptInHeader names the beta opt-in request header. Empty means
	// DefaultOptInHeader; "-" disables opt-in.
	OptInHeader string
	// Observer, if set, is told the outcome of every request to a declared
	// route (see [Observer]); package metrics implements it. Nil costs
	// nothing.
	Observer Observer
}

// Router serves a validated, frozen route table on a chi router. Build it
// with [New]; it is an [http.Handler] that can be mounted in any chi router,
// whose middlewares then apply.
//
// A Router is safe for concurrent use. Its table never changes after New;
// only flag decisions and the clock change what it answers.
type Router struct {
	mux     *chi.Mux
	entries []entry        // one per route, in declaration order; see entry.declaration
	paths   []*pathHandler // one per distinct pattern
	// byPattern finds the path handler of a pattern chi found, see
	// methodNotAllowed.
	byPattern map[string]int32
	// allowValues are the Allow header values of the table's paths, see
	// pathHandler.allowAll; the first is nil (no method).
	allowValues [][]string

	gate      *flags.Gate
	ownGate   bool
	ctxFn     flags.ContextFunc
	now       func() time.Time
	visible   func(*http.Request) bool
	optIn     string // canonical header name, "" when disabled
	betaNames map[string]struct{}
	log       *slog.Logger
	panics    sync.Map // where -> struct{}: recovered panics logged, see userPanic
	obs       Observer
	noOptIns  any // []any{}, the AttrOptIn value when the client opted into nothing
	// txKey is OpenFeature's transaction-context key (see transactionKey),
	// nil when it was not found or when Config.Flags is not an
	// *openfeature.Client: only the SDK merges the transaction context into
	// the evaluation context, so any other evaluator gets the whole
	// context as the invocation context (see entry.evaluate).
	txKey    any
	rctxPool sync.Pool // *chi.Context, for serveTop

	notFound   *stub.Responder
	notAllowed *stub.Responder
	unknown    *stub.Responder // 501 for methods nobody knows
	forbidden  *stub.Responder // OffForbidden
	off        OffAnswer       // Config.Off, for OffAnswerOf
	offHandler bool            // Config.OffHandler != nil
	cfgOff     http.Handler    // Config.OffHandler
}

// The router's own answers, rendered once per Router by New (a Responder
// keeps the body of the first path it served, so it is per Router, not a
// package variable).
func newNotFound() *stub.Responder {
	return stub.New(stub.Problem{Status: http.StatusNotFound,
		Detail: "No resource matches the request path."})
}

func newNotAllowed() *stub.Responder {
	return stub.New(stub.Problem{Status: http.StatusMethodNotAllowed,
		Detail: "The request method is not supported by this resource; see the Allow header."})
}

func newUnknownMethod() *stub.Responder {
	return stub.New(stub.Problem{Status: http.StatusNotImplemented,
		Detail: "The request method is not recognised by this server."})
}

func newForbidden() *stub.Responder {
	return stub.New(stub.Problem{Status: http.StatusForbidden,
		Detail: "This resource is not available to you."})
}

// New validates routes and builds a Router that serves them. Every problem in
// the table is reported at once, as [*RouteError] values joined with
// errors.Join; nothing is validated per request afterwards.
//
// New keeps what it needs of routes, never the slice itself; later changes
// to the slice have no effect. Call [Router.Close] when the Router is no
// longer used, to unsubscribe from provider events.
func New(routes []Route, cfg Config) (*Router, error) {
	rt := &Router{
		ctxFn:    cfg.Context,
		now:      cfg.Now,
		visible:  cfg.Roadmap,
		log:      cfg.Logger,
		obs:      cfg.Observer,
		noOptIns: []any{},

		betaNames:  map[string]struct{}{},
		notFound:   newNotFound(),
		notAllowed: newNotAllowed(),
		unknown:    newUnknownMethod(),
		forbidden:  newForbidden(),
		off:        cfg.Off,
		offHandler: cfg.OffHandler != nil,
		cfgOff:     cfg.OffHandler,
	}
	if rt.ctxFn == nil {
		rt.ctxFn = flags.Anonymous
	}
	if _, sdk := cfg.Flags.(*openfeature.Client); sdk {
		rt.txKey = transactionKey()
	}
	if rt.now == nil {
		rt.now = time.Now
	}
	if rt.log == nil {
		rt.log = slog.Default()
	}
	var errs []error
	cfgErr := func(format string, a ...any) {
		errs = append(errs, &RouteError{Index: -1, err: fmt.Errorf("%w: "+format, append([]any{ErrConfig}, a...)...)})
	}
	switch h := cfg.OptInHeader; {
	case h == "":
		rt.optIn = DefaultOptInHeader
	case h == "-":
	case isToken(h):
		rt.optIn = http.CanonicalHeaderKey(h)
	default:
		cfgErr("OptInHeader %q is not a valid header name", h)
	}
	if cfg.Off < OffInherit || cfg.Off > OffForbidden {
		cfgErr("Off %d is not an OffAnswer", int(cfg.Off))
	}

	needFlags := false
	var opIDs map[string]int // OperationID -> first route; made only if used
	tab := newTable(routes)
	rt.entries = make([]entry, len(routes))
	rt.paths = make([]*pathHandler, 0, cap(tab.patterns))
	b := newBuilder(rt)
	for i := range routes {
		r := &routes[i]
		k, dup := tab.add(i)
		p := &tab.patterns[k]
		for _, err := range validate(r, tab.patternErr(k), &tab.links) {
			errs = append(errs, &RouteError{Index: i, Route: r.id(), err: err})
		}
		if dup >= 0 {
			errs = append(errs, &RouteError{Index: i, Route: r.id(), err: fmt.Errorf("%w: also declared by route %d", ErrDuplicate, dup)})
		}
		if j := int(p.shapeOf); j >= 0 {
			errs = append(errs, &RouteError{Index: i, Route: r.id(), err: fmt.Errorf("%w: %q and %q (route %d) name their parameters differently; chi routes both to one path, so spell them the same", ErrPattern, r.Pattern, routes[j].Pattern, j)})
		}
		if id := r.OperationID; id != "" {
			if j, seen := opIDs[id]; seen {
				errs = append(errs, &RouteError{Index: i, Route: r.id(), err: fmt.Errorf("%w: OperationID %q also used by route %d (operation ids are unique in OpenAPI)", ErrDuplicate, id, j)})
			} else {
				if opIDs == nil {
					opIDs = map[string]int{}
				}
				opIDs[id] = i
			}
		}
		if r.Flag != "" && r.Handler != nil && (r.Stage == Planned || r.Stage == Beta) {
			needFlags = true
		}
		if r.Flag != "" && (r.Stage == Beta || r.Stage == Live || r.Stage == Deprecated) {
			// A beta that went live keeps its name: clients that still
			// send the opt-in must not start getting 400.
			rt.betaNames[r.Flag] = struct{}{}
		}
		if len(errs) == 0 {
			rt.addEntry(i, r, k, cfg, b)
		}
	}
	if needFlags && cfg.Flags == nil {
		errs = append(errs, &RouteError{Index: -1, err: ErrNoFlags})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	errs = rt.registerPaths(tab, b)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if cfg.Flags != nil {
		opts := cfg.FlagOptions
		if opts.Logger == nil {
			opts.Logger = rt.log
		}
		rt.gate = flags.NewGate(cfg.Flags, opts)
		rt.ownGate = true
	}
	return rt, nil
}

// validate returns every problem with one declaration; patternErr is what is
// wrong with its pattern (see patternProblem), computed once per pattern, and
// links remembers the links found valid so far.
func validate(r *Route, patternErr error, links *linkSet) []error {
	var errs []error
	bad := func(sentinel error, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{sentinel}, a...)...))
	}
	switch {
	case methodIndex(r.Method) >= 0: // the common case: a standard method
	case !isToken(r.Method):
		bad(ErrMethod, "%q is not a method token", r.Method)
	case methodIndex(r.Method) < 0 && methodIndex(strings.ToUpper(r.Method)) >= 0:
		bad(ErrMethod, "%q must be upper case (%s): methods are case-sensitive", r.Method, strings.ToUpper(r.Method))
	case methodIndex(r.Method) < 0:
		bad(ErrMethod, "%q is not a standard HTTP method", r.Method)
	}
	if patternErr != nil {
		errs = append(errs, patternErr)
	}
	if !r.Stage.valid() {
		bad(ErrStage, "%d", int(r.Stage))
		return errs
	}
	switch r.Stage {
	case Planned:
		if r.Handler != nil && r.Flag == "" && r.LiveFrom.IsZero() {
			errs = append(errs, ErrUnreachable)
		}
	case Beta:
		if r.Handler == nil {
			bad(ErrNoHandler, "stage %s", r.Stage)
		}
		if r.Flag == "" {
			errs = append(errs, ErrNoFlag)
		}
	case Live:
		if r.Handler == nil {
			bad(ErrNoHandler, "stage %s", r.Stage)
		}
	case Deprecated:
		if r.Handler == nil {
			bad(ErrNoHandler, "stage %s", r.Stage)
		}
		if r.Deprecation.IsZero() {
			bad(ErrDates, "a deprecated route needs a Deprecation date")
		}
	case Removed:
		if r.Handler != nil {
			errs = append(errs, ErrHandlerNotAllowed)
		}
	}
	if r.Stage != Deprecated && (!r.Deprecation.IsZero() || !r.Sunset.IsZero()) {
		bad(ErrDates, "only deprecated routes declare Deprecation or Sunset (stage %s)", r.Stage)
	}
	if !r.Sunset.IsZero() && !r.Deprecation.IsZero() && r.Sunset.Before(r.Deprecation) {
		bad(ErrDates, "Sunset %s is before Deprecation %s (RFC 9745 §4)",
			r.Sunset.UTC().Format(time.RFC3339), r.Deprecation.UTC().Format(time.RFC3339))
	}
	if !r.LiveFrom.IsZero() {
		if r.Stage != Planned && r.Stage != Beta {
			bad(ErrDates, "LiveFrom is for planned and beta routes (stage %s)", r.Stage)
		} else if r.Handler == nil {
			bad(ErrNoHandler, "LiveFrom needs a handler")
		}
	}
	if r.Off < OffInherit || r.Off > OffForbidden {
		bad(ErrConfig, "Off %d is not an OffAnswer", int(r.Off))
	}
	for _, l := range [...]struct{ name, v string }{{"Docs", r.Docs}, {"Successor", r.Successor}} {
		if l.v == "" {
			continue
		}
		if !links.valid(l.v) {
			bad(ErrLink, "%s %q is not a URI reference", l.name, l.v)
		}
	}
	if ex := r.Example; ex != nil {
		if ex.Status != 0 && (ex.Status < 200 || ex.Status > 299) {
			bad(ErrConfig, "Example status %d is not 2xx", ex.Status)
		}
		if r.Stage != Planned && r.Stage != Beta {
			bad(ErrConfig, "Example is for planned and beta routes (stage %s)", r.Stage)
		}
	}
	return errs
}

// Routes returns a copy of the declared table, in declaration order.
func (rt *Router) Routes() []Route {
	out := make([]Route, len(rt.entries))
	for i := range rt.entries {
		out[i] = rt.entries[i].declaration()
	}
	return out
}

// Gate returns the flag gate the router evaluates flags with, or nil when
// Config.Flags was nil. Use it for readiness checks.
func (rt *Router) Gate() *flags.Gate { return rt.gate }

// Close releases the router's subscription to provider events. The router
// keeps serving, evaluating every flag without a cache.
func (rt *Router) Close() {
	if rt.gate != nil && rt.ownGate {
		rt.gate.Close()
	}
}

// ServeHTTP answers 501 to methods the server does not recognise and routes
// everything else through chi.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if methodIndex(r.Method) < 0 {
		rt.unknown.ServeHTTP(w, r)
		return
	}
	if rt.txKey != nil && r.Context().Value(chi.RouteCtxKey) == nil {
		rt.serveTop(w, r)
		return
	}
	rt.mux.ServeHTTP(w, r)
}

// NotFound is the router's answer to a path it does not declare, and to a
// hidden route. Use it as the NotFound handler of a parent chi router so that
// hidden routes cannot be told from missing ones anywhere:
//
//	parent.NotFound(rt.NotFound)
func (rt *Router) NotFound(w http.ResponseWriter, r *http.Request) {
	rt.notFound.ServeHTTP(w, r)
}
