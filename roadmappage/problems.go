package roadmappage

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/roadmap-go/roadmap/stub"
)

// ProblemType describes one problem type of the router's lifecycle answers
// (the Type constants of package stub): what its page says.
type ProblemType struct {
	// URI is the type's URI, one of stub's Type constants.
	URI string
	// Slug is the last part of URI, e.g. "not-yet-available".
	Slug string
	// Title is the "title" member of its bodies ([stub.TypeTitle]).
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

// ProblemTypes returns the lifecycle problem types, in the order of
// [stub.Types]. Each call returns a new slice. [ProblemTypesHandler] serves
// them as a page; docs/problems.md has the same sections.
func ProblemTypes() []ProblemType {
	types := []ProblemType{
		{URI: stub.TypeNotYetAvailable, Status: http.StatusNotImplemented, Members: []string{"stage", "route", "available", "docs"},
			Description: "The route is declared and planned, but not served to this caller yet. " +
				"\"available\" names the target release or date when one is declared. " +
				"Retrying will not help until the route ships or its flag is switched on for the caller; " +
				"a client may fall back to another method (see package client's Fallback)."},
		{URI: stub.TypeNotEnabled, Status: http.StatusNotImplemented, Also: []int{http.StatusForbidden}, Members: []string{"stage", "route", "available", "docs"},
			Description: "The route is in beta and served only where its feature flag is on; it is off for this request. " +
				"Clients that may use the beta opt in with the opt-in header (Roadmap-Beta by default); " +
				"the flag still decides. Routes declared with OffForbidden send it with 403."},
		{URI: stub.TypeRemoved, Status: http.StatusGone, Members: []string{"stage", "route", "docs"},
			Description: "The route was removed, or it was deprecated and its Sunset date has passed. " +
				"It will not come back; \"detail\" and the Link header (rel=\"successor-version\") name its replacement when there is one."},
		{URI: stub.TypeUnknownOptIn, Status: http.StatusBadRequest,
			Description: "The opt-in header names a beta feature that no route of this server has; \"detail\" quotes the name. " +
				"Correct the name or drop it: a typo must not pass silently."},
		{URI: stub.TypeTooManyOptIns, Status: http.StatusBadRequest,
			Description: "The opt-in header names more beta features than the server reads (32). Send only those the request needs."},
		{URI: stub.TypeMethodNotAllowed, Status: http.StatusMethodNotAllowed,
			Description: "The path exists but does not serve the request method to this caller. The Allow header lists the methods it does serve."},
		{URI: stub.TypeUnknownMethod, Status: http.StatusNotImplemented,
			Description: "The request method is not one this server recognises (RFC 9110 §15.6.2). " +
				"Unlike the lifecycle 501s it has no \"stage\": no route is planned for it."},
	}
	for i := range types {
		t := &types[i]
		t.Slug = strings.TrimPrefix(t.URI, stub.TypeBase)
		t.Title, _ = stub.TypeTitle(t.URI)
	}
	return types
}

const problemsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Problem types</title></head>
<body><h1>Problem types</h1>
<p>The <code>type</code> URIs of the lifecycle answers (RFC 9457 problem details, <code>application/problem+json</code>).</p>
{{range .}}<section id="{{.Slug}}"><h2>{{.Slug}}</h2>
<p><code>{{.URI}}</code>: {{.Title}}, status {{.Status}}{{range .Also}} or {{.}}{{end}}.</p>
<p>{{.Description}}</p>{{if .Members}}
<p>Extension members: {{range $i, $m := .Members}}{{if $i}}, {{end}}<code>{{$m}}</code>{{end}}.</p>{{end}}
</section>
{{end}}</body></html>
`

// ProblemTypesHandler returns a handler that serves the page of every
// problem type as HTML, one section per type with the type's slug as id (so
// that "/problems#not-yet-available" shows one), for servers that document
// their types themselves. The page is rendered once, here.
func ProblemTypesHandler() http.Handler {
	var b strings.Builder
	if err := template.Must(template.New("problems").Parse(problemsPage)).Execute(&b, ProblemTypes()); err != nil {
		panic("roadmappage: " + err.Error()) // a constant template and table: a programming error
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
