package router

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/roadmap-go/roadmap/flags"
	"github.com/roadmap-go/roadmap/stub"
)

// Header names the router reads and writes. None has an X- prefix
// (RFC 6648).
const (
	// DefaultOptInHeader is the request header in which a client lists, comma
	// separated, the beta features (flag keys) it opts into, e.g.
	// "Roadmap-Beta: users-patch". The names reach flag rules as AttrOptIn;
	// opting in never bypasses the flag.
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

// Config holds the router's optional settings; the zero value holds the
// defaults, given field by field, and serves routes that need no flags.
type Config struct {
	// Flags evaluates the flags of Planned and Beta routes, typically an
	// *openfeature.Client. Required when any route can be switched on by a
	// flag.
	Flags flags.Evaluator
	// FlagOptions configures the [flags.Gate] the router wraps Flags in. Its
	// Logger defaults to Logger.
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
	// Roadmap decides who may see the roadmap: callers it rejects get, for a
	// route that is off, what they would get if it were not declared. Nil
	// means everyone may see it.
	Roadmap func(*http.Request) bool
	// OptInHeader names the beta opt-in request header. Empty means
	// DefaultOptInHeader; "-" disables opt-in.
	OptInHeader string
	// NoRouteAttributes leaves the route attributes (the Attr constants;
	// AttrOptIn is still set when the caller opts into something) out of
	// evaluation contexts. Set it when no flag rule reads them: flagd pays
	// about 4 µs per evaluation for them (docs/performance.md).
	NoRouteAttributes bool
	// Observer, if set, is told the outcome of every request to a declared
	// route.
	Observer Observer
}

// Router serves a validated, frozen route table on a chi router. Build it
// with [New] and mount it in any chi router.
//
// A Router is safe for concurrent use. Its table never changes after New;
// only flag decisions and the clock change what it answers.
type Router struct {
	mux       *chi.Mux         // each pattern for the declared methods
	others    *chi.Mux         // each pattern for every method; nil when all are declared
	declared  uint16           // the methods some route declares, HEAD with GET (bit i for methodNames[i])
	entries   []entry          // one per route, in declaration order
	byPattern map[string]*path // one per distinct pattern

	gate      *flags.Gate
	ctxFn     flags.ContextFunc
	now       func() time.Time
	visible   func(*http.Request) bool
	optIn     string              // canonical header name, "" when disabled
	betaNames map[string]struct{} // the names the opt-in header accepts
	log       *slog.Logger
	panics    sync.Map // where -> struct{}: recovered panics logged, see userPanic
	obs       Observer
	callerObs CallerObserver // obs, when it implements CallerObserver

	notFound   *stub.Responder
	notAllowed *stub.Responder
	forbidden  *stub.Responder // OffForbidden
	unknown    *stub.Responder // 501 for methods nobody knows
}

// newUnknownMethod is the 501 for methods nobody knows.
func newUnknownMethod() *stub.Responder {
	return stub.New(stub.Typed(stub.Problem{Status: http.StatusNotImplemented,
		Detail: "The request method is not recognised by this server."}, stub.TypeUnknownMethod))
}

// New validates routes and builds a Router that serves them. Every problem in
// the table is reported at once, as [*RouteError] values joined with
// errors.Join. New copies the declarations; later changes to the slice have
// no effect. Call [Router.Close] to unsubscribe from provider events.
func New(routes []Route, cfg Config) (*Router, error) {
	rt := &Router{
		ctxFn:     cfg.Context,
		now:       cfg.Now,
		visible:   cfg.Roadmap,
		log:       cmp.Or(cfg.Logger, slog.Default()),
		obs:       cfg.Observer,
		betaNames: map[string]struct{}{},
		// The 404 stays about:blank, exactly like any other server's.
		notFound: stub.New(stub.Problem{Status: http.StatusNotFound, Detail: "No resource matches the request path."}),
		notAllowed: stub.New(stub.Typed(stub.Problem{Status: http.StatusMethodNotAllowed,
			Detail: "The request method is not supported by this resource; see the Allow header."}, stub.TypeMethodNotAllowed)),
		forbidden: stub.New(stub.Typed(stub.Problem{Status: http.StatusForbidden, Detail: "This resource is not available to you."}, stub.TypeNotEnabled)),
		unknown:   newUnknownMethod(),
	}
	rt.callerObs, _ = cfg.Observer.(CallerObserver)
	if rt.ctxFn == nil {
		rt.ctxFn = flags.Anonymous
	}
	if rt.now == nil {
		rt.now = time.Now
	}
	// Each pattern takes the methods some route declares on rt.mux, which
	// keeps chi's method maps small (docs/performance.md), and every method
	// on rt.others, for the rest. chi's verdict joins the other problems.
	for _, r := range routes {
		if i := methodIndex(r.Method); i >= 0 {
			rt.declared |= 1 << i
		}
	}
	if rt.declared&(1<<mGet) != 0 {
		rt.declared |= 1 << mHead
	}
	rt.mux = chi.NewRouter()
	rt.mux.NotFound(rt.notFound.ServeHTTP)
	if rt.declared != 1<<numMethods-1 {
		rt.others = chi.NewRouter()
		rt.others.NotFound(rt.notFound.ServeHTTP)
	}
	rt.byPattern = make(map[string]*path, len(routes)/2)
	register := func(pattern string) error {
		p := &path{rt: rt, pattern: pattern}
		rt.byPattern[pattern] = p
		return rt.register(p)
	}
	errs := rt.validateConfig(cfg)
	errs = append(errs, validateTable(routes, cfg.Flags != nil, register)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if cfg.Flags != nil {
		opts := cfg.FlagOptions
		opts.Logger = cmp.Or(opts.Logger, rt.log)
		rt.gate = flags.NewGate(cfg.Flags, opts)
	}

	rt.entries = make([]entry, len(routes))
	for i := range routes {
		r, e := &routes[i], &rt.entries[i]
		p := rt.byPattern[r.Pattern]
		rt.newEntry(e, r, p, cfg)
		p.byMethod[e.method] = e
		if r.Flag != "" && (r.Stage == Beta || r.Stage == Live || r.Stage == Deprecated) {
			// A beta that went live keeps its name: clients that still
			// send the opt-in must not start getting 400.
			rt.betaNames[r.Flag] = struct{}{}
		}
	}
	allow := map[uint16][]string{} // Allow values, shared by the paths
	for _, p := range rt.byPattern {
		p.finish(allow)
	}
	return rt, nil
}

// register registers p on rt.mux for the declared methods and on rt.others
// for all; chi's panic on a pattern it cannot parse becomes an error.
func (rt *Router) register(p *path) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%v", v)
		}
	}()
	for i, m := range methodNames {
		if rt.declared&(1<<i) != 0 {
			rt.mux.Method(m, p.pattern, p)
		}
	}
	if rt.others != nil {
		rt.others.Handle(p.pattern, p)
	}
	return nil
}

// Routes returns a copy of the declared table, in declaration order.
func (rt *Router) Routes() []Route {
	out := make([]Route, len(rt.entries))
	for i := range rt.entries {
		out[i] = rt.entries[i].Route
	}
	return out
}

// Gate returns the flag gate the router evaluates flags with, or nil when
// Config.Flags was nil. Use it for readiness checks.
func (rt *Router) Gate() *flags.Gate { return rt.gate }

// Close releases the router's subscription to provider events. The router
// keeps serving, evaluating every flag without a cache.
func (rt *Router) Close() {
	if rt.gate != nil {
		rt.gate.Close()
	}
}

// ServeHTTP answers 501 to methods the server does not recognise and routes
// everything else through chi.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch i := methodIndex(r.Method); {
	case i < 0:
		rt.unknown.ServeHTTP(w, r)
	case rt.declared&(1<<i) == 0:
		rt.others.ServeHTTP(w, r)
	default:
		rt.mux.ServeHTTP(w, r)
	}
}

// NotFound is the router's answer to a path it does not declare, and to a
// hidden route. Use it as the NotFound handler of a parent chi router so that
// hidden routes cannot be told from missing ones anywhere:
//
//	parent.NotFound(rt.NotFound)
func (rt *Router) NotFound(w http.ResponseWriter, r *http.Request) {
	rt.notFound.ServeHTTP(w, r)
}
