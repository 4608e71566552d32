package stub

import (
	"html/template"
	"net/http"
	"strings"
)

// TypeBase is the prefix of the problem type URIs of the lifecycle answers:
// the page docs/problems.md of this module's repository, one section (and
// fragment) per type. The URIs are stable: clients switch on them.
const TypeBase = "https://github.com/roadmap-go/roadmap/blob/main/docs/problems.md#"

// Problem type URIs (RFC 9457 §3.1.1) of the lifecycle answers. Each names
// the extension members its bodies carry; see [Types] for their pages.
const (
	// TypeNotYetAvailable: 501, the route is planned and not served to the
	// caller. Members: stage, route, available, docs.
	TypeNotYetAvailable = TypeBase + "not-yet-available"
	// TypeNotEnabled: 501 (or 403 for a route declared with
	// OffForbidden), the route is in beta and its flag is off for the
	// caller. Members: stage, route, available, docs.
	TypeNotEnabled = TypeBase + "not-enabled"
	// TypeRemoved: 410, the route was removed or its sunset has passed.
	// Members: stage, route, docs.
	TypeRemoved = TypeBase + "removed"
	// TypeUnknownOptIn: 400, the opt-in header names a beta feature no
	// route has; "detail" quotes the name.
	TypeUnknownOptIn = TypeBase + "unknown-opt-in"
	// TypeTooManyOptIns: 400, the opt-in header names more beta features
	// than the router reads.
	TypeTooManyOptIns = TypeBase + "too-many-opt-ins"
	// TypeMethodNotAllowed: 405, the method is known but not allowed on
	// the path; the Allow header lists those that are.
	TypeMethodNotAllowed = TypeBase + "method-not-allowed"
	// TypeUnknownMethod: 501, the method is not one the server recognises
	// (RFC 9110 §15.6.2). Unlike the lifecycle 501s it has no stage.
	TypeUnknownMethod = TypeBase + "unknown-method"
)

// TypeInfo describes one problem type: what its page at URI says.
type TypeInfo struct {
	// URI is the type's URI, one of the Type constants.
	URI string
	// Slug is the last part of URI, e.g. "not-yet-available".
	Slug string
	// Title is the "title" member of its bodies.
	Title string
	// Status is the status code it is sent with.
	Status int
	// Also lists other status codes the type is sent with, if any.
	Also []int
	// Description says when it is sent and what a client should do.
	Description string
	// Members lists the extension members its bodies carry.
	Members []string
}

// typeTable describes the problem types; it is never written to.
var typeTable = [...]TypeInfo{
	{URI: TypeNotYetAvailable, Slug: "not-yet-available", Title: "Not yet available", Status: http.StatusNotImplemented,
		Description: "The route is declared and planned, but not served to this caller yet. " +
			"\"available\" names the target release or date when one is declared. " +
			"Retrying will not help until the route ships or its flag is switched on for the caller; " +
			"a client may fall back to another method (see package client's Fallback).",
		Members: []string{"stage", "route", "available", "docs"}},
	{URI: TypeNotEnabled, Slug: "not-enabled", Title: "Not enabled for this caller", Status: http.StatusNotImplemented, Also: []int{http.StatusForbidden},
		Description: "The route is in beta and served only where its feature flag is on; it is off for this request. " +
			"Clients that may use the beta opt in with the opt-in header (Roadmap-Beta by default); " +
			"the flag still decides. Routes declared with OffForbidden send it with 403.",
		Members: []string{"stage", "route", "available", "docs"}},
	{URI: TypeRemoved, Slug: "removed", Title: "Removed", Status: http.StatusGone,
		Description: "The route was removed, or it was deprecated and its Sunset date has passed. " +
			"It will not come back; \"detail\" and the Link header (rel=\"successor-version\") name its replacement when there is one.",
		Members: []string{"stage", "route", "docs"}},
	{URI: TypeUnknownOptIn, Slug: "unknown-opt-in", Title: "Unknown beta feature", Status: http.StatusBadRequest,
		Description: "The opt-in header names a beta feature that no route of this server has; \"detail\" quotes the name. " +
			"Correct the name or drop it: a typo must not pass silently."},
	{URI: TypeTooManyOptIns, Slug: "too-many-opt-ins", Title: "Too many beta features", Status: http.StatusBadRequest,
		Description: "The opt-in header names more beta features than the server reads (32). Send only those the request needs."},
	{URI: TypeMethodNotAllowed, Slug: "method-not-allowed", Title: "Method not allowed", Status: http.StatusMethodNotAllowed,
		Description: "The path exists but does not serve the request method to this caller. The Allow header lists the methods it does serve."},
	{URI: TypeUnknownMethod, Slug: "unknown-method", Title: "Unknown method", Status: http.StatusNotImplemented,
		Description: "The request method is not one this server recognises (RFC 9110 §15.6.2). " +
			"Unlike the lifecycle 501s it has no \"stage\": no route is planned for it."},
}

// Types returns the lifecycle problem types, in a fixed order. Package
// openapi documents them; [TypesHandler] serves their page.
func Types() []TypeInfo {
	t := make([]TypeInfo, len(typeTable))
	copy(t, typeTable[:])
	for i := range t {
		t[i].Also = append([]int(nil), t[i].Also...)
		t[i].Members = append([]string(nil), t[i].Members...)
	}
	return t
}

// TypeOf returns the description of the problem type with the given URI,
// and false if it is not one of [Types]. Its slices are shared: do not
// change them.
func TypeOf(uri string) (TypeInfo, bool) {
	for _, t := range typeTable {
		if t.URI == uri {
			return t, true
		}
	}
	return TypeInfo{}, false
}

var typesPage = template.Must(template.New("types").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Problem types</title></head>
<body><h1>Problem types</h1>
<p>The <code>type</code> URIs of the lifecycle answers (RFC 9457 problem details, <code>application/problem+json</code>).</p>
{{range .}}<section id="{{.Slug}}"><h2>{{.Slug}}</h2>
<p><code>{{.URI}}</code>: {{.Title}}, status {{.Status}}{{range .Also}} or {{.}}{{end}}.</p>
<p>{{.Description}}</p>{{if .Members}}
<p>Extension members: {{range $i, $m := .Members}}{{if $i}}, {{end}}<code>{{$m}}</code>{{end}}.</p>{{end}}
</section>
{{end}}</body></html>
`))

// TypesHandler returns a handler that serves the page of every problem
// type as HTML, one section per type with the type's slug as id (so that
// "/problems#not-yet-available" shows one), for servers that document their
// types themselves. The page is rendered once, here.
func TypesHandler() http.Handler {
	var b strings.Builder
	if err := typesPage.Execute(&b, Types()); err != nil {
		panic("stub: " + err.Error()) // a constant template and table: a programming error
	}
	page := []byte(b.String())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("X-Content-Type-Options", "nosniff")
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(page)
	})
}

// Typed returns p with Type uri and, when Title is empty, the type's title
// (see [Types]) instead of the status text.
func Typed(p Problem, uri string) Problem {
	p.Type = uri
	if t, ok := TypeOf(uri); ok && p.Title == "" {
		p.Title = t.Title
	}
	return p
}
