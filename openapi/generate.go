package openapi

import (
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/roadmap-go/roadmap/router"
)

// Version is the OpenAPI version of the documents this package generates.
const Version = "3.1.0"

// LifecycleExtension is the name of the specification extension that carries a
// route's lifecycle on each operation, both in generated documents and in
// documents read by [Routes].
const LifecycleExtension = "x-lifecycle"

// Extensions oasdiff (github.com/oasdiff/oasdiff) reads, so that it can be
// used beside roadmap for breaking changes in schemas: the stability level of
// each operation ("draft" for Planned, "beta" for Beta, "stable" otherwise),
// and the sunset date (YYYY-MM-DD) of a Deprecated operation.
const (
	StabilityExtension = "x-stability-level"
	SunsetExtension    = "x-sunset"
)

// Component names used by generated documents.
const (
	problemSchema = "Problem"
	headerDepr    = "Deprecation"
	headerSunset  = "Sunset"
	headerLink    = "Link"
	headerAllow   = "Allow"
	headerExample = "Roadmap-Example"
)

// Options configures a generated document. The zero value documents every
// declared route in a document titled "API", version "0.0.0", without servers.
type Options struct {
	// Info is the document's info object. Nil means title "API" and version
	// "0.0.0".
	Info *openapi3.Info
	// Servers lists the document's servers, e.g. the public base URL.
	Servers openapi3.Servers
	// HidePlanned omits Planned routes. In a document for a request
	// ([DocumentFor], or a [Handler] with PerRequest) it omits the routes
	// whose stage in force is Planned and that are not served to the caller.
	HidePlanned bool
	// PerRequest makes a [Handler] document each request's view with
	// [DocumentFor] (flag state, stages in force, roadmap visibility)
	// instead of serving one document rendered at construction.
	PerRequest bool
	// OptInHeader is the router's Config.OptInHeader, documented as a
	// request parameter of the routes that read it: empty means
	// router.DefaultOptInHeader, "-" that opt-in is disabled.
	OptInHeader string
}

// Lifecycle is the value of the x-lifecycle extension of an operation.
type Lifecycle struct {
	// Stage is the stage's name: "planned", "beta", "live", "deprecated" or
	// "removed". In a document for a request it is the stage in force.
	Stage string `json:"stage"`
	// Flag is the flag key that switches a Planned or Beta route on.
	Flag string `json:"flag,omitempty"`
	// Brownout is the flag key of a Deprecated route's brownout: where it
	// is on, the route answers 410 as if removed.
	Brownout string `json:"brownout,omitempty"`
	// Available is the target release or date of a route not available yet.
	Available string `json:"available,omitempty"`
	// Detail is the message of the route's 501 or 410 answer, if declared.
	Detail string `json:"detail,omitempty"`
	// LiveFrom is the route's general-availability time, RFC 3339.
	LiveFrom string `json:"liveFrom,omitempty"`
	// BetaSince is when the route entered Beta, RFC 3339.
	BetaSince string `json:"betaSince,omitempty"`
	// Deprecation is when the route was deprecated, RFC 3339.
	Deprecation string `json:"deprecation,omitempty"`
	// Sunset is when a deprecated route stops being served, RFC 3339.
	Sunset string `json:"sunset,omitempty"`
	// Successor is the link to the replacement of a deprecated or removed
	// route.
	Successor string `json:"successor,omitempty"`
	// DeclaredStage is the declared stage, set only in a document for a
	// request when the stage in force differs (after LiveFrom or Sunset).
	DeclaredStage string `json:"declaredStage,omitempty"`
	// Serving reports, in a document for a request, whether the route's
	// handler answers that request. Nil in a static document.
	Serving *bool `json:"serving,omitempty"`
}

// Document returns an OpenAPI 3.1 document of rt's declared routes, in their
// declared stages. It evaluates no flags and is the same for every caller.
// Planned and Beta routes that answer like undeclared paths while off
// (OffNotFound) are left out: they are secret until they are served.
func Document(rt *router.Router, opts Options) *openapi3.T { return document(rt, opts, nil) }

func document(rt *router.Router, opts Options, c *opCache) *openapi3.T {
	return documentOf(rt, rt.Routes(), opts, c)
}

// documentOf is document, for rt's routes.
func documentOf(rt *router.Router, routes []router.Route, opts Options, c *opCache) *openapi3.T {
	views := make([]view, 0, len(routes))
	for i, r := range routes {
		if opts.HidePlanned && r.Stage == router.Planned {
			continue
		}
		if (r.Stage == router.Planned || r.Stage == router.Beta) && rt.HidesWhenOff(r.Method, r.Pattern) {
			continue // secret until its flag is on: only DocumentFor shows it, to those it serves
		}
		views = append(views, newView(rt, i, r, r.Stage, nil))
	}
	return build(views, routes, opts, c)
}

// DocumentFor returns an OpenAPI 3.1 document of rt's routes as the caller of
// r sees them: stages in force now (LiveFrom, Sunset), flags evaluated for r
// through [router.Router.Status], each operation's x-lifecycle telling
// whether it is served to the caller. A caller who may not see the roadmap
// (Config.Roadmap) gets no Planned or Beta route that is not served to it,
// so that the document reveals no more than the API does; nor does anyone
// get an OffNotFound route that is not served to them.
func DocumentFor(rt *router.Router, r *http.Request, opts Options) *openapi3.T {
	return documentFor(rt, r, opts, nil)
}

func documentFor(rt *router.Router, r *http.Request, opts Options, c *opCache) *openapi3.T {
	views, routes := viewsFor(rt, r, opts)
	return build(views, routes, opts, c)
}

// viewsFor returns the routes DocumentFor documents for r's caller, and the
// whole table.
func viewsFor(rt *router.Router, r *http.Request, opts Options) ([]view, []router.Route) {
	canSee := rt.RoadmapVisible(r)
	status := rt.Status(r)
	routes := make([]router.Route, len(status))
	views := make([]view, 0, len(status))
	for i, s := range status {
		routes[i] = s.Route
		early := s.Stage == router.Planned || s.Stage == router.Beta
		hidden := !canSee || s.Hidden
		if early && !s.Serving && (hidden || opts.HidePlanned && s.Stage == router.Planned) {
			continue
		}
		views = append(views, newView(rt, i, s.Route, s.Stage, &s.Serving))
	}
	return views, routes
}

// view is one route as documented: its declaration, the stage to document
// and, for a request, whether it is served.
type view struct {
	index   int // in the table
	route   router.Route
	stage   router.Stage
	serving *bool
	off     router.OffAnswer // the answer while off (OffNotImplemented, ...)
	custom  bool             // an OffHandler answers while off
}

func newView(rt *router.Router, i int, r router.Route, stage router.Stage, serving *bool) view {
	off, custom, _ := rt.OffAnswerOf(r.Method, r.Pattern)
	return view{index: i, route: r, stage: stage, serving: serving, off: off, custom: custom}
}

// build returns the document of views; c, if not nil, keeps the operations
// it builds and gives back those it kept, and the schemas of the table's
// declared bodies.
func build(views []view, all []router.Route, opts Options, c *opCache) *openapi3.T {
	info := opts.Info
	if info == nil {
		info = &openapi3.Info{Title: "API", Version: "0.0.0"}
	}
	doc := &openapi3.T{
		OpenAPI:    Version,
		Info:       info,
		Servers:    opts.Servers,
		Tags:       stageTags(),
		Paths:      openapi3.NewPaths(),
		Components: components(),
	}
	bodies := c.bodies(all)
	for name, s := range bodies.comps {
		doc.Components.Schemas[name] = s
	}
	dc := &docContext{
		bodies: bodies,
		public: publicMethods(all),
		betas:  betaNames(all),
		optIn:  router.DefaultOptInHeader,
	}
	switch h := opts.OptInHeader; h {
	case "":
	case "-":
		dc.optIn = ""
	default:
		dc.optIn = http.CanonicalHeaderKey(h)
	}
	dc.answers = c.sharedAnswers(dc.optIn)
	if dc.optIn != "" && len(dc.betas) > 0 {
		doc.Components.Parameters = openapi3.ParametersMap{dc.optIn: optInParameter(dc)}
	}
	removed := openapi3.NewPaths()
	for _, v := range views {
		if v.route.Method == http.MethodConnect {
			continue // OpenAPI 3.1 path items have no "connect" operation
		}
		path, params := c.pattern(v.route.Pattern)
		paths := doc.Paths
		if v.stage == router.Removed {
			paths = removed
		}
		item := paths.Value(path)
		if item == nil {
			item = &openapi3.PathItem{}
			paths.Set(path, item)
		}
		item.SetOperation(v.route.Method, c.operation(v, func() *openapi3.Operation {
			return operation(v, params, dc)
		}))
	}
	if removed.Len() > 0 {
		doc.Extensions = map[string]any{RemovedExtension: removed}
	}
	pruneWith(doc, c)
	return doc
}

// betaNames returns the names the opt-in header accepts, sorted: the flag
// keys of Beta routes, and of Live and Deprecated routes that keep theirs.
func betaNames(all []router.Route) []string {
	seen := map[string]bool{}
	var names []string
	for _, r := range all {
		if r.Flag != "" && (r.Stage == router.Beta || r.Stage == router.Live || r.Stage == router.Deprecated) && !seen[r.Flag] {
			seen[r.Flag] = true
			names = append(names, r.Flag)
		}
	}
	sort.Strings(names)
	return names
}

// publicMethods returns, per pattern, whether any route on it is answered to
// every caller (Live, Deprecated or Removed): then a hidden route on the
// pattern answers 405 instead of 404.
func publicMethods(all []router.Route) map[string]bool {
	m := map[string]bool{}
	for _, r := range all {
		if r.Stage >= router.Live {
			m[r.Pattern] = true
		}
	}
	return m
}

// stability is oasdiff's x-stability-level of a stage. oasdiff relaxes its
// breaking-change checks for draft operations and reports a level that goes
// down (stable to beta).
func stability(s router.Stage) string {
	switch s {
	case router.Planned:
		return "draft"
	case router.Beta:
		return "beta"
	}
	return "stable"
}

// wildcardExtension marks the path parameter that stands for chi's trailing
// "*" wildcard.
const wildcardExtension = "x-chi-wildcard"

// convertPattern turns a chi pattern into an OpenAPI path template and its
// path parameters: "{id}" stays, "{id:[0-9]+}" becomes "{id}" with a schema
// pattern, and a trailing "*" becomes "{wildcard}".
func convertPattern(p string) (string, openapi3.Parameters) {
	return convertPatternWith(p, pathParam.parameter)
}

// pathParam is a path parameter of a pattern: its name, the regexp its
// values match ("" for any), its description, and whether it stands for
// chi's trailing wildcard.
type pathParam struct {
	name, re, desc string
	wildcard       bool
}

// parameter documents p.
func (p pathParam) parameter() *openapi3.ParameterRef {
	s := str()
	if p.re != "" {
		s.Pattern = "^" + p.re + "$"
	}
	param := openapi3.NewPathParameter(p.name).WithSchema(s)
	param.Description = p.desc
	if p.wildcard {
		// Marked so that Load turns it back into "*": an OpenAPI path
		// parameter matches one segment only.
		param.Extensions = map[string]any{wildcardExtension: true}
	}
	return &openapi3.ParameterRef{Value: param}
}

// convertPatternWith is convertPattern, with the parameters made by
// parameter.
func convertPatternWith(p string, parameter func(pathParam) *openapi3.ParameterRef) (string, openapi3.Parameters) {
	var b strings.Builder
	var params openapi3.Parameters
	seen := map[string]bool{}
	add := func(pp pathParam) {
		params = append(params, parameter(pp))
		seen[pp.name] = true
	}
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '{':
			depth, j := 0, i
			for ; j < len(p); j++ {
				if p[j] == '{' {
					depth++
				} else if p[j] == '}' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			inner := p[i+1 : min(j, len(p))]
			name, re, _ := strings.Cut(inner, ":")
			b.WriteString("{" + name + "}")
			add(pathParam{name: name, re: re})
			i = j
		case c == '*' && i == len(p)-1:
			name := "wildcard"
			for seen[name] {
				name += "_"
			}
			b.WriteString("{" + name + "}")
			add(pathParam{name: name, desc: "The rest of the path (chi wildcard).", wildcard: true})
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), params
}
