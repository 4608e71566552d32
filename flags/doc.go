// Package flags adapts OpenFeature for package router: it evaluates boolean
// flags fail-closed, caches decisions that cannot depend on the request, and
// derives evaluation contexts from requests.
//
// The library never sets OpenFeature's global provider. Callers pass an
// [Evaluator], the one-method interface that *openfeature.Client already
// satisfies, bound to whatever provider they use (flagd, GO Feature Flag,
// OFREP, an in-memory provider in tests). Nothing here imports a provider.
//
// # Fail closed
//
// A [Gate] turns every evaluation problem into "off": provider not ready,
// flag missing, wrong type, provider error or panic, an evaluation slower
// than [Options.Timeout], a cancelled context. The problem is logged once per
// flag and error code, until the flag recovers, and reported in
// [Decision.ErrorCode]; it is never returned as an error, and the Gate never
// panics. [Options.KeepLastKnown] answers the last successful decision
// instead during an outage of the flag service.
//
// # Cache
//
// A decision whose reason is STATIC (the flag has no targeting) does not
// depend on the request, so the Gate caches it. The cache is dropped
// whenever the provider reports PROVIDER_CONFIGURATION_CHANGED, READY, ERROR
// or STALE, and a decision computed while such an event arrived is never
// stored, so a cached decision never outlives a configuration change (events
// are asynchronous: a flip is seen once the event has been handled).
// Targeted decisions are evaluated per request unless [Options.CacheTargeted]
// is set. Evaluators that do not report events are never cached; behind an
// *openfeature.Client whose provider never emits events, set
// [Options.NoCache]. A [Flag], looked up once, finds its cached decision
// without a lookup by name.
//
// # Evaluation context
//
// A [ContextFunc] derives the evaluation context from a request:
// [FromHeader], [FromCookie] and [FromContextValue] take the targeting key
// from a header, a cookie or an authenticated identity; [Anonymous] is the
// default. The transaction context of the request's context.Context is
// merged beneath it for every evaluator (see [Gate.Evaluate]).
//
// # Example
//
//	gate := flags.NewGate(openfeature.NewClient("my-app"), flags.Options{Logger: logger})
//	defer gate.Close()
//	export := gate.Flag("reports-export") // once, where the route is built
//	d := export.EvaluateFunc(r.Context(), func() openfeature.EvaluationContext { return fromHeader(r) })
//	serve := d.On // a failure is logged, and d.ErrorCode says why
//
// Package router builds its Gate from Config.Flags and Config.FlagOptions
// ([router.Router.Gate]) and holds a [Flag] per route.
package flags
