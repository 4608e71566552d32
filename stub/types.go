package stub

// TypeBase is the prefix of the problem type URIs of the lifecycle answers:
// the page docs/problems.md of this module's repository, one section (and
// fragment) per type. The URIs are stable: clients switch on them.
const TypeBase = "https://github.com/roadmap-go/roadmap/blob/main/docs/problems.md#"

// Problem type URIs (RFC 9457 §3.1.1) of the lifecycle answers. Each names
// the extension members its bodies carry.
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

// typeTitles is each type's "title", in the order of [Types]; never written to.
var typeTitles = [...]struct{ uri, title string }{
	{TypeNotYetAvailable, "Not yet available"},
	{TypeNotEnabled, "Not enabled for this caller"},
	{TypeRemoved, "Removed"},
	{TypeUnknownOptIn, "Unknown beta feature"},
	{TypeTooManyOptIns, "Too many beta features"},
	{TypeMethodNotAllowed, "Method not allowed"},
	{TypeUnknownMethod, "Unknown method"},
}

// Types returns the URIs of the lifecycle problem types, in a fixed order.
// Package openapi documents them; package roadmappage describes them.
func Types() []string {
	uris := make([]string, len(typeTitles))
	for i, t := range typeTitles {
		uris[i] = t.uri
	}
	return uris
}

// TypeTitle returns the "title" member of the bodies of the problem type
// uri, and false if uri is not one of [Types].
func TypeTitle(uri string) (string, bool) {
	for _, t := range typeTitles {
		if t.uri == uri {
			return t.title, true
		}
	}
	return "", false
}

// Typed returns p with Type uri and, when Title is empty, the type's title
// ([TypeTitle]) instead of the status text.
func Typed(p Problem, uri string) Problem {
	p.Type = uri
	if title, ok := TypeTitle(uri); ok && p.Title == "" {
		p.Title = title
	}
	return p
}
