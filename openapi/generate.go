package openapi

import (
	"cmp"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/roadmap-go/roadmap/router"
	"github.com/roadmap-go/roadmap/stub"
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
	routes := rt.Routes()
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
	return build(views, routes, opts, c)
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
// it builds and gives back those it kept.
func build(views []view, all []router.Route, opts Options, c *opCache) *openapi3.T {
	info := opts.Info
	if info == nil {
		info = &openapi3.Info{Title: "API", Version: "0.0.0"}
	}
	doc := &openapi3.T{
		OpenAPI:    Version,
		Info:       info,
		Servers:    opts.Servers,
		Paths:      openapi3.NewPaths(),
		Components: components(),
	}
	public := publicMethods(all)
	for _, v := range views {
		if v.route.Method == http.MethodConnect {
			continue // OpenAPI 3.1 path items have no "connect" operation
		}
		path, params := convertPattern(v.route.Pattern)
		item := doc.Paths.Value(path)
		if item == nil {
			item = &openapi3.PathItem{}
			doc.Paths.Set(path, item)
		}
		item.SetOperation(v.route.Method, c.operation(v, func() *openapi3.Operation {
			return operation(v, params, public[v.route.Pattern])
		}))
	}
	pruneHeaders(doc)
	return doc
}

// pruneHeaders drops the shared header components no operation refers to.
func pruneHeaders(doc *openapi3.T) {
	used := map[string]bool{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, resp := range op.Responses.Map() {
				for _, h := range resp.Value.Headers {
					used[strings.TrimPrefix(h.Ref, "#/components/headers/")] = true
				}
			}
		}
	}
	for name := range doc.Components.Headers {
		if !used[name] {
			delete(doc.Components.Headers, name)
		}
	}
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

func operation(v view, params openapi3.Parameters, public bool) *openapi3.Operation {
	r := v.route
	op := &openapi3.Operation{
		OperationID: r.OperationID,
		Summary:     cmp.Or(r.Name, r.Method+" "+r.Pattern),
		Description: r.Detail,
		Parameters:  params,
		Responses:   openapi3.NewResponses(),
		Extensions:  map[string]any{LifecycleExtension: lifecycle(v)},
	}
	if r.Docs != "" {
		op.ExternalDocs = &openapi3.ExternalDocs{URL: r.Docs}
	}
	op.Extensions[StabilityExtension] = stability(v.stage)
	if v.stage == router.Deprecated && !r.Sunset.IsZero() {
		op.Extensions[SunsetExtension] = r.Sunset.UTC().Format(time.DateOnly)
	}
	op.Responses.Delete("default") // NewResponses adds an empty default
	routeID := r.Method + " " + r.Pattern
	switch v.stage {
	case router.Planned, router.Beta:
		if r.Handler != nil {
			op.Responses.Set("default", handlerResponse("Answer of the route's handler, for callers the flag "+quote(r.Flag)+" is on for."))
		}
		switch {
		case v.custom:
			op.Responses.Set("default", handlerResponse("Answer of the route's handler where its flag is on, and of its off handler elsewhere."))
		case v.off == router.OffForbidden:
			op.Responses.Set("403", problemResponse(
				"Not available to this caller yet: the route is "+v.stage.String()+".",
				stub.Problem{Status: http.StatusForbidden}, nil))
		case v.off == router.OffNotFound:
			// Answers like an undeclared path: the 404 below.
		default:
			op.Responses.Set("501", problemResponse(
				"Not implemented yet for this caller: the route is "+v.stage.String()+".",
				stub.Problem{Status: http.StatusNotImplemented, Detail: r.Detail, Stage: v.stage.String(),
					Route: routeID, Available: r.Available, Docs: r.Docs}, nil))
		}
		if public {
			op.Responses.Set("405", problemResponse(
				"Answered instead of 501 to callers who may not see the roadmap: the method is not allowed for them.",
				stub.Problem{Status: http.StatusMethodNotAllowed}, openapi3.Headers{headerAllow: headerRef(headerAllow)}))
		} else {
			op.Responses.Set("404", problemResponse(
				"Answered instead of 501 to callers who may not see the roadmap, exactly like an undeclared path.",
				stub.Problem{Status: http.StatusNotFound}, nil))
		}
		if ex := r.Example; ex != nil {
			addExample(op, ex)
		}
	case router.Live:
		op.Responses.Set("default", handlerResponse("Answer of the route's handler."))
	case router.Deprecated:
		resp := handlerResponse("Answer of the route's handler, with deprecation headers.")
		resp.Value.Headers = openapi3.Headers{headerDepr: headerRef(headerDepr)}
		if !r.Sunset.IsZero() {
			resp.Value.Headers[headerSunset] = headerRef(headerSunset)
		}
		if r.Docs != "" || r.Successor != "" {
			resp.Value.Headers[headerLink] = headerRef(headerLink)
		}
		op.Responses.Set("default", resp)
		op.Deprecated = true
		if !r.Sunset.IsZero() {
			op.Responses.Set("410", problemResponse("Gone: answered from the Sunset date on.",
				stub.Problem{Status: http.StatusGone, Stage: router.Removed.String(), Route: routeID, Docs: r.Docs}, nil))
		}
	case router.Removed:
		op.Deprecated = true
		op.Responses.Set("410", problemResponse("Gone: the route has been removed.",
			stub.Problem{Status: http.StatusGone, Detail: r.Detail, Stage: router.Removed.String(), Route: routeID, Docs: r.Docs}, nil))
	}
	return op
}

func lifecycle(v view) Lifecycle {
	r := v.route
	l := Lifecycle{
		Stage:       v.stage.String(),
		Flag:        r.Flag,
		Brownout:    r.Brownout,
		Available:   r.Available,
		Detail:      r.Detail,
		LiveFrom:    timeString(r.LiveFrom),
		BetaSince:   timeString(r.BetaSince),
		Deprecation: timeString(r.Deprecation),
		Sunset:      timeString(r.Sunset),
		Successor:   r.Successor,
		Serving:     v.serving,
	}
	if v.serving != nil && v.stage != r.Stage {
		l.DeclaredStage = r.Stage.String()
	}
	return l
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

func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func quote(s string) string { return `"` + s + `"` }

func handlerResponse(desc string) *openapi3.ResponseRef {
	return &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(desc)}
}

// problemResponse documents a problem+json answer with an example body built
// from p (without the per-request "instance" member).
func problemResponse(desc string, p stub.Problem, headers openapi3.Headers) *openapi3.ResponseRef {
	ex := map[string]any{"type": "about:blank", "title": http.StatusText(p.Status), "status": p.Status}
	for k, v := range map[string]string{"detail": p.Detail, "stage": p.Stage, "route": p.Route, "available": p.Available, "docs": p.Docs} {
		if v != "" {
			ex[k] = v
		}
	}
	mt := &openapi3.MediaType{
		Schema:  &openapi3.SchemaRef{Ref: "#/components/schemas/" + problemSchema},
		Example: ex,
	}
	resp := openapi3.NewResponse().WithDescription(desc).WithContent(openapi3.Content{stub.ContentType: mt})
	resp.Headers = headers
	return &openapi3.ResponseRef{Value: resp}
}

// addExample documents a route's preview example: the response it is served
// as, and the request header that asks for it.
func addExample(op *openapi3.Operation, ex *router.Example) {
	status := ex.Status
	if status == 0 {
		status = http.StatusOK
	}
	ctype := ex.ContentType
	if ctype == "" {
		ctype = "application/json"
	}
	mt := &openapi3.MediaType{}
	if isJSON(ctype) {
		var v any
		if err := json.Unmarshal(ex.Body, &v); err == nil {
			mt.Example = v
		}
	}
	if mt.Example == nil {
		mt.Example = string(ex.Body)
	}
	code := statusKey(status)
	resp := openapi3.NewResponse().
		WithDescription("Preview example, never real data: served with " + headerExample + ": true to requests that send " + router.PreviewHeader + ": example.").
		WithContent(openapi3.Content{ctype: mt})
	resp.Headers = openapi3.Headers{headerExample: headerRef(headerExample)}
	op.Responses.Set(code, &openapi3.ResponseRef{Value: resp})
	op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: openapi3.NewHeaderParameter(router.PreviewHeader).
		WithDescription("Send \"example\" to get the preview example instead of the 501 answer.").
		WithSchema(&openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Enum: []any{"example"}})})
}

func isJSON(ctype string) bool {
	mt, _, _ := strings.Cut(ctype, ";")
	mt = strings.TrimSpace(strings.ToLower(mt))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func statusKey(code int) string {
	const digits = "0123456789"
	return string([]byte{digits[code/100%10], digits[code/10%10], digits[code%10]})
}

func headerRef(name string) *openapi3.HeaderRef {
	return &openapi3.HeaderRef{Ref: "#/components/headers/" + name}
}

func str() *openapi3.Schema { return &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}} }

func headerDef(desc string) *openapi3.HeaderRef {
	return &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{Description: desc, Schema: &openapi3.SchemaRef{Value: str()}}}}
}

// components returns the shared schema and headers every document uses.
func components() *openapi3.Components {
	uriRef := func(desc string) *openapi3.SchemaRef {
		s := str()
		s.Format = "uri-reference"
		s.Description = desc
		return &openapi3.SchemaRef{Value: s}
	}
	text := func(desc string) *openapi3.SchemaRef {
		s := str()
		s.Description = desc
		return &openapi3.SchemaRef{Value: s}
	}
	stages := []any{}
	for s := router.Planned; s <= router.Removed; s++ {
		stages = append(stages, s.String())
	}
	stage := text("Lifecycle stage of the route.")
	stage.Value.Enum = stages
	problem := &openapi3.Schema{
		Type:        &openapi3.Types{openapi3.TypeObject},
		Description: "RFC 9457 problem details, with the roadmap extension members stage, route, available and docs.",
		Required:    []string{"type", "title", "status"},
		Properties: openapi3.Schemas{
			"type":      uriRef("Problem type; about:blank for plain HTTP status semantics."),
			"title":     text("Short summary: the status text."),
			"status":    {Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}, Description: "HTTP status code."}},
			"detail":    text("Explanation specific to this route."),
			"instance":  uriRef("The request path."),
			"stage":     stage,
			"route":     text("The declaration answered, as \"METHOD /pattern\"."),
			"available": text("Target release or date of the route."),
			"docs":      uriRef("Link to the route's documentation."),
		},
	}
	return &openapi3.Components{
		Schemas: openapi3.Schemas{problemSchema: {Value: problem}},
		Headers: openapi3.Headers{
			headerDepr:    headerDef("RFC 9745 deprecation date, as \"@\" and Unix seconds."),
			headerSunset:  headerDef("RFC 8594 sunset date (HTTP-date): from then on the route answers 410."),
			headerLink:    headerDef("Links with rel=\"deprecation\" (documentation) and rel=\"successor-version\"."),
			headerAllow:   headerDef("Methods the caller may use on the path."),
			headerExample: headerDef("\"true\" on a preview answer, which is never real data."),
		},
	}
}

// wildcardExtension marks the path parameter that stands for chi's trailing
// "*" wildcard.
const wildcardExtension = "x-chi-wildcard"

// convertPattern turns a chi pattern into an OpenAPI path template and its
// path parameters: "{id}" stays, "{id:[0-9]+}" becomes "{id}" with a schema
// pattern, and a trailing "*" becomes "{wildcard}".
func convertPattern(p string) (string, openapi3.Parameters) {
	var b strings.Builder
	var params openapi3.Parameters
	seen := map[string]bool{}
	add := func(name, re, desc string) {
		s := str()
		if re != "" {
			s.Pattern = "^" + re + "$"
		}
		param := openapi3.NewPathParameter(name).WithSchema(s)
		param.Description = desc
		params = append(params, &openapi3.ParameterRef{Value: param})
		seen[name] = true
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
			add(name, re, "")
			i = j
		case c == '*' && i == len(p)-1:
			name := "wildcard"
			for seen[name] {
				name += "_"
			}
			b.WriteString("{" + name + "}")
			add(name, "", "The rest of the path (chi wildcard).")
			// Marked so that Load turns it back into "*": an OpenAPI path
			// parameter matches one segment only.
			params[len(params)-1].Value.Extensions = map[string]any{wildcardExtension: true}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), params
}
