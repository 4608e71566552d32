package openapi

import (
	"cmp"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/roadmap-go/roadmap/router"
	"github.com/roadmap-go/roadmap/stub"
)

// AnswerExtension marks a response that documents a lifecycle answer of the
// router (501, 410, 405, 404, 403, 400) rather than the handler's: its value
// is the problem type URI, or "about:blank". [Routes] leaves such responses
// out of a route's Responses.
const AnswerExtension = "x-lifecycle-answer"

// RemovedExtension is the document-level extension that lists the removed
// operations (stage in force Removed), shaped like "paths": they answer only
// 410, so they are left out of "paths", where client generators would make
// methods of them. [Routes] reads them back.
const RemovedExtension = "x-removed"

// docContext is what every operation of one document shares.
type docContext struct {
	bodies  *tableBodies
	answers *answers
	optIn   string   // opt-in header name, "" when disabled
	betas   []string // the names the opt-in header accepts
	public  map[string]bool
}

func operation(v view, params openapi3.Parameters, dc *docContext) *openapi3.Operation {
	r := v.route
	op := &openapi3.Operation{
		OperationID: r.OperationID,
		Summary:     cmp.Or(r.Name, r.Method+" "+r.Pattern),
		Description: description(v),
		Tags:        []string{v.stage.String()},
		Parameters:  slices.Clip(params), // may be shared: appended to in a copy
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
	if req := dc.bodies.request(v.index); v.stage != router.Removed && req != nil {
		op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().
			WithDescription("The request body the route's handler takes.").
			WithRequired(true).
			WithJSONSchemaRef(req)}
	}
	switch v.stage {
	case router.Planned, router.Beta:
		if v.stage == router.Planned {
			handlerResponses(op, v, dc, "Answer of the route once it is served to the caller"+servedWhen(r)+".")
		} else {
			handlerResponses(op, v, dc, "Answer of the route's handler, for callers the flag "+quote(r.Flag)+" is on for.")
		}
		typ := stub.TypeNotYetAvailable
		if v.stage == router.Beta {
			typ = stub.TypeNotEnabled
		}
		switch {
		case v.custom:
			op.Responses.Set("default", handlerResponse("Answer of the route's off handler, where the route is not served to the caller."))
		case v.off == router.OffForbidden:
			op.Responses.Set("403", problemResponse(
				"Not available to this caller yet: the route is "+v.stage.String()+" and not served to the caller.",
				stub.Problem{Status: http.StatusForbidden, Type: stub.TypeNotEnabled, Detail: "This resource is not available to you."}, nil))
		case v.off == router.OffNotFound:
			// Answers like an undeclared path: the 404 below.
		default:
			op.Responses.Set("501", problemResponse(
				"Not implemented yet for this caller: the route is "+v.stage.String()+servedWhen(r)+".",
				stub.Problem{Status: http.StatusNotImplemented, Type: typ, Detail: r.Detail, Stage: v.stage.String(),
					Route: routeID, Available: r.Available, Docs: r.Docs}, nil))
		}
		switch {
		case v.off == router.OffNotFound:
			op.Responses.Set("404", dc.answers.offNotFound)
		case dc.public[r.Pattern]:
			op.Responses.Set("405", dc.answers.notAllowed)
		default:
			op.Responses.Set("404", dc.answers.hidden404)
		}
		if gated(r) && dc.optIn != "" && len(dc.betas) > 0 {
			// One shared component: its enum lists every beta name.
			op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Ref: "#/components/parameters/" + dc.optIn})
			if v.off != router.OffNotFound {
				setAnswer(op, "400", dc.answers.unknownOptIn)
			}
		}
		if ex := r.Example; ex != nil {
			addExample(op, ex)
		}
	case router.Live:
		handlerResponses(op, v, dc, "Answer of the route's handler.")
	case router.Deprecated:
		handlerResponses(op, v, dc, "Answer of the route's handler, with deprecation headers.")
		for _, resp := range op.Responses.Map() {
			resp.Value.Headers = openapi3.Headers{headerDepr: headerRef(headerDepr)}
			if !r.Sunset.IsZero() {
				resp.Value.Headers[headerSunset] = headerRef(headerSunset)
			}
			if r.Docs != "" || r.Successor != "" {
				resp.Value.Headers[headerLink] = headerRef(headerLink)
			}
		}
		op.Deprecated = true
		if !r.Sunset.IsZero() || r.Brownout != "" {
			when := "from the Sunset date on"
			switch {
			case r.Sunset.IsZero():
				when = "where the brownout flag " + quote(r.Brownout) + " is on"
			case r.Brownout != "":
				when += ", and before it where the brownout flag " + quote(r.Brownout) + " is on"
			}
			op.Responses.Set("410", problemResponse("Gone: answered "+when+".",
				stub.Problem{Status: http.StatusGone, Type: stub.TypeRemoved, Detail: r.Detail, Stage: router.Removed.String(), Route: routeID, Docs: r.Docs}, nil))
		}
	case router.Removed:
		op.Deprecated = true
		op.Responses.Set("410", problemResponse("Gone: the route has been removed.",
			stub.Problem{Status: http.StatusGone, Type: stub.TypeRemoved, Detail: r.Detail, Stage: router.Removed.String(), Route: routeID, Docs: r.Docs}, nil))
	}
	return op
}

// setAnswer documents a lifecycle answer at code, keeping the description
// of a handler response declared at the same code: the status then has two
// causes, and both answer with a problem. answer may be shared: it is
// copied, not changed.
func setAnswer(op *openapi3.Operation, code string, answer *openapi3.ResponseRef) {
	if own := op.Responses.Value(code); own != nil && own.Value.Description != nil {
		v := *answer.Value
		v.WithDescription(*own.Value.Description + " Or: " + *answer.Value.Description)
		answer = &openapi3.ResponseRef{Value: &v}
	}
	op.Responses.Set(code, answer)
}

// answers are the lifecycle answers documented alike on every operation
// that has them: one object each, shared by all operations (and, in a
// Handler, all documents), so that its JSON is encoded once.
type answers struct {
	hidden404    *openapi3.ResponseRef // to callers who may not see the roadmap
	offNotFound  *openapi3.ResponseRef // Off: router.OffNotFound
	notAllowed   *openapi3.ResponseRef // 405 where other methods serve the path
	unknownOptIn *openapi3.ResponseRef // 400 for a bad opt-in header
}

func newAnswers(optIn string) *answers {
	return &answers{
		hidden404: problemResponse(
			"Answered instead of the route's off answer to callers who may not see the roadmap, exactly like an undeclared path: they are not told it is planned.",
			stub.Problem{Status: http.StatusNotFound, Detail: "No resource matches the request path."}, nil),
		offNotFound: problemResponse(
			"Answered exactly like an undeclared path while the route is not served to the caller: the route is kept secret until it is (Off: not-found).",
			stub.Problem{Status: http.StatusNotFound, Detail: "No resource matches the request path."}, nil),
		notAllowed: problemResponse(
			"Answered instead of the route's off answer to callers who may not see the roadmap: for them the method is not allowed on the path, which other methods serve.",
			stub.Problem{Status: http.StatusMethodNotAllowed, Type: stub.TypeMethodNotAllowed}, openapi3.Headers{headerAllow: headerRef(headerAllow)}),
		unknownOptIn: problemResponse(
			"The "+optIn+" header names a beta feature no route has ("+stub.TypeUnknownOptIn+"), or more than the router reads ("+stub.TypeTooManyOptIns+"). Sent only to callers who may see the roadmap.",
			stub.Problem{Status: http.StatusBadRequest, Type: stub.TypeUnknownOptIn,
				Detail: "Unknown beta feature \"name\" in the " + optIn + " header."}, nil),
	}
}

// gated reports whether the router evaluates r's flag (and so reads the
// opt-in header) while r is Planned or Beta.
func gated(r router.Route) bool { return r.Flag != "" && r.Handler != nil }

// servedWhen says when a Planned or Beta route is served, e.g. ` where its
// flag "x" is on`.
func servedWhen(r router.Route) string {
	var s []string
	if gated(r) {
		s = append(s, "where its flag "+quote(r.Flag)+" is on")
	}
	if !r.LiveFrom.IsZero() && r.Handler != nil {
		s = append(s, "from "+timeString(r.LiveFrom))
	}
	if len(s) == 0 {
		return ""
	}
	return " (served " + strings.Join(s, ", and to everyone ") + ")"
}

// description explains the operation's lifecycle in a sentence or two, then
// its declared Detail.
func description(v view) string {
	r := v.route
	var s string
	switch v.stage {
	case router.Planned:
		s = "Planned: not served yet"
		if gated(r) {
			s += ", except to callers its flag " + quote(r.Flag) + " is on for"
		}
		s += "; others get 501 (" + stub.TypeNotYetAvailable + ")."
	case router.Beta:
		s = "Beta: served to callers its flag " + quote(r.Flag) + " is on for; others get its off answer (" + stub.TypeNotEnabled + ")."
	case router.Live:
		s = "Live: always served."
	case router.Deprecated:
		s = "Deprecated since " + timeString(r.Deprecation) + ": served with Deprecation"
		if !r.Sunset.IsZero() {
			s += " and Sunset headers; from " + timeString(r.Sunset) + " on it answers 410 (" + stub.TypeRemoved + ")."
		} else {
			s += " headers."
		}
	case router.Removed:
		s = "Removed: answers 410 (" + stub.TypeRemoved + ")."
	}
	if r.Available != "" && (v.stage == router.Planned || v.stage == router.Beta) {
		s += " Target: " + r.Available + "."
	}
	if r.Successor != "" {
		s += " Successor: " + r.Successor + "."
	}
	if r.Detail != "" {
		s += "\n\n" + r.Detail
	}
	return s
}

// handlerResponses documents the answers of r's handler: its declared
// Responses, or "2XX" when it declares none.
func handlerResponses(op *openapi3.Operation, v view, dc *docContext, desc string) {
	r := v.route
	if len(r.Responses) == 0 {
		op.Responses.Set("2XX", handlerResponse(desc+" Its body is not declared."))
		return
	}
	codes := make([]int, 0, len(r.Responses))
	for c := range r.Responses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	for _, c := range codes {
		resp := openapi3.NewResponse().WithDescription(cmp.Or(http.StatusText(c), "Status "+strconv.Itoa(c)) + ". " + desc)
		if body := dc.bodies.response(v.index, c); body != nil {
			resp.Content = openapi3.NewContentWithJSONSchemaRef(body)
		}
		op.Responses.Set(statusKey(c), &openapi3.ResponseRef{Value: resp})
	}
}

// optInParameter documents the opt-in request header, the component the
// operations that read it refer to.
func optInParameter(dc *docContext) *openapi3.ParameterRef {
	names := make([]any, len(dc.betas))
	for i, n := range dc.betas {
		names[i] = n
	}
	p := openapi3.NewHeaderParameter(dc.optIn).
		WithDescription("Beta features the client opts into, comma separated. Opting in never bypasses the flag: it is an attribute flag rules can match. A name no route has is answered 400 (" + stub.TypeUnknownOptIn + ").").
		WithSchema(&openapi3.Schema{Type: &openapi3.Types{openapi3.TypeArray},
			Items:    &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Enum: names}},
			MaxItems: openapi3.Ptr(uint64(32))})
	return &openapi3.ParameterRef{Value: p}
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
// from p (without the per-request "instance" member), marked with
// [AnswerExtension].
func problemResponse(desc string, p stub.Problem, headers openapi3.Headers) *openapi3.ResponseRef {
	typ := cmp.Or(p.Type, "about:blank")
	title := http.StatusText(p.Status)
	if t, ok := stub.TypeTitle(p.Type); ok {
		title = t
		desc += " Problem type " + p.Type + "."
	}
	ex := map[string]any{"type": typ, "title": title, "status": p.Status}
	for _, kv := range [...][2]string{{"detail", p.Detail}, {"stage", p.Stage}, {"route", p.Route}, {"available", p.Available}, {"docs", p.Docs}} {
		if kv[1] != "" {
			ex[kv[0]] = kv[1]
		}
	}
	mt := &openapi3.MediaType{
		Schema:  &openapi3.SchemaRef{Ref: componentPrefix + problemSchema},
		Example: ex,
	}
	resp := openapi3.NewResponse().WithDescription(desc).WithContent(openapi3.Content{stub.ContentType: mt})
	resp.Headers = headers
	resp.Extensions = map[string]any{AnswerExtension: typ}
	return &openapi3.ResponseRef{Value: resp}
}

// addExample documents a route's preview example: the response it is served
// as, and the request header that asks for it. A response the route declares
// for the same status gets the example and the header.
func addExample(op *openapi3.Operation, ex *router.Example) {
	status := ex.Status
	if status == 0 {
		status = http.StatusOK
	}
	ctype := ex.ContentType
	if ctype == "" {
		ctype = "application/json"
	}
	var example any
	if isJSON(ctype) {
		var v any
		if err := json.Unmarshal(ex.Body, &v); err == nil {
			example = v
		}
	}
	if example == nil {
		example = string(ex.Body)
	}
	code := statusKey(status)
	preview := "Preview example, never real data: served with " + headerExample + ": true to requests that send " + router.PreviewHeader + ": example."
	resp := op.Responses.Value(code)
	if resp != nil && resp.Value.Content[ctype] != nil {
		// Changed in a copy: the response may be a shared answer.
		v := *resp.Value
		mt := *v.Content[ctype]
		mt.Example = example
		v.Content = maps.Clone(v.Content)
		v.Content[ctype] = &mt
		v.Headers = maps.Clone(v.Headers)
		v.WithDescription(*v.Description + " " + preview)
		resp = &openapi3.ResponseRef{Value: &v}
		op.Responses.Set(code, resp)
	} else {
		resp = &openapi3.ResponseRef{Value: openapi3.NewResponse().
			WithDescription(preview).
			WithContent(openapi3.Content{ctype: &openapi3.MediaType{Example: example}})}
		op.Responses.Set(code, resp)
	}
	if resp.Value.Headers == nil {
		resp.Value.Headers = openapi3.Headers{}
	}
	resp.Value.Headers[headerExample] = headerRef(headerExample)
	op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: openapi3.NewHeaderParameter(router.PreviewHeader).
		WithDescription("Send \"example\" to get the preview example instead of the off answer.").
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

func headerDef(desc string, s *openapi3.Schema) *openapi3.HeaderRef {
	if s == nil {
		s = str()
	}
	return &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{Description: desc, Schema: &openapi3.SchemaRef{Value: s}}}}
}

// stageTags are the document's tags: one per stage, which every operation
// is tagged with.
func stageTags() openapi3.Tags {
	desc := map[router.Stage]string{
		router.Planned:    "Declared, not served yet: 501 (" + stub.TypeNotYetAvailable + ") until its flag is on for the caller.",
		router.Beta:       "Served where its flag is on for the caller; others get 501 (" + stub.TypeNotEnabled + ") or the route's off answer.",
		router.Live:       "Always served.",
		router.Deprecated: "Served with Deprecation, Sunset and Link headers; 410 (" + stub.TypeRemoved + ") after its Sunset.",
		router.Removed:    "Answers 410 (" + stub.TypeRemoved + ").",
	}
	var tags openapi3.Tags
	for s := router.Planned; s <= router.Removed; s++ {
		tags = append(tags, &openapi3.Tag{Name: s.String(), Description: desc[s]})
	}
	return tags
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
	var examples []any
	for _, uri := range stub.Types() {
		examples = append(examples, uri)
	}
	typ := uriRef("Problem type URI: one of the router's lifecycle types (the examples, documented at " +
		strings.TrimSuffix(stub.TypeBase, "#") + "), or about:blank (plain HTTP status semantics, no extension member), e.g. for 404.")
	typ.Value.Examples = examples
	problem := &openapi3.Schema{
		Type:        &openapi3.Types{openapi3.TypeObject},
		Description: "RFC 9457 problem details. The lifecycle problem types add the extension members stage, route, available and docs.",
		Required:    []string{"type", "title", "status"},
		Properties: openapi3.Schemas{
			"type":      typ,
			"title":     text("Short summary of the problem type."),
			"status":    {Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}, Description: "HTTP status code."}},
			"detail":    text("Explanation specific to this route."),
			"instance":  uriRef("The request path."),
			"stage":     stage,
			"route":     text("The declaration answered, as \"METHOD /pattern\"."),
			"available": text("Target release or date of the route."),
			"docs":      uriRef("Link to the route's documentation."),
		},
	}
	exampleValue := str()
	exampleValue.Const = "true"
	return &openapi3.Components{
		Schemas: openapi3.Schemas{problemSchema: {Value: problem}},
		Headers: openapi3.Headers{
			headerDepr:    headerDef("RFC 9745 deprecation date, as \"@\" and Unix seconds.", nil),
			headerSunset:  headerDef("RFC 8594 sunset date (HTTP-date): from then on the route answers 410.", nil),
			headerLink:    headerDef("Links with rel=\"deprecation\" (documentation) and rel=\"successor-version\" (the replacing resource), in one field.", nil),
			headerAllow:   headerDef("Methods the caller may use on the path.", nil),
			headerExample: headerDef("\"true\" on a preview answer, which is never real data.", exampleValue),
		},
	}
}
