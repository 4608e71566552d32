package router

import (
	"net/http"
	"time"

	"github.com/roadmap-go/roadmap/flags"
)

// Route declares one operation, one method on one chi pattern, with its
// lifecycle stage. Routes are plain data: build a []Route literal and pass it
// to [New], which validates the whole table at once.
type Route struct {
	// Method is the HTTP method, in upper case, e.g. http.MethodGet.
	// A GET route also answers HEAD unless HEAD is declared separately.
	Method string
	// Pattern is a chi routing pattern relative to where the router is
	// mounted, e.g. "/api/users/{id}".
	Pattern string
	// Stage is the lifecycle stage. The zero value is Planned.
	Stage Stage
	// Flag is the OpenFeature boolean flag key that switches a Planned or
	// Beta route on for a request. Required for Beta routes; ignored for
	// Live, Deprecated and Removed ones.
	Flag string
	// Handler serves the route when it is on. Required for Beta, Live and
	// Deprecated routes; optional for Planned ones (with a Flag or LiveFrom
	// to switch it on); not allowed for Removed ones.
	Handler http.Handler

	// Name is a short human name, e.g. "Report export", used in messages,
	// metrics, logs and the roadmap.
	Name string
	// Detail overrides the message of the route's 501 (or 410) answer.
	Detail string
	// Available is the target release or date, e.g. "v2.4" or "2027-03".
	// It is shown in the 501 answer as "available".
	Available string
	// Docs is a link to the route's documentation. Deprecated routes send it
	// as Link rel="deprecation".
	Docs string

	// Deprecation is when the route was (or will be) deprecated, sent as the
	// RFC 9745 Deprecation header. Required for Deprecated routes.
	Deprecation time.Time
	// Sunset is when a Deprecated route stops being served, sent as the
	// RFC 8594 Sunset header. From that instant the route answers like a
	// Removed one, without a restart. It must not be before Deprecation.
	Sunset time.Time
	// Successor links the route that replaces this one, sent as Link
	// rel="successor-version". Path parameters of Pattern it names, e.g.
	// "/api/users/{id}", are filled in from the request.
	Successor string

	// LiveFrom is the general-availability date of a Planned or Beta route:
	// from that instant it is served as Live, without a restart. Requires a
	// Handler.
	LiveFrom time.Time

	// Off selects the answer when a Planned or Beta route is off for the
	// request. The zero value inherits Config.Off.
	Off OffAnswer
	// OffHandler, if set, answers instead of Off.
	OffHandler http.Handler
	// Context derives the flag evaluation context from the request for this
	// route. Nil inherits Config.Context.
	Context flags.ContextFunc
	// Example, if set on a Planned or Beta route, is the preview answer
	// (see PreviewHeader).
	Example *Example
	// OperationID names the operation in OpenAPI documents.
	OperationID string

	// BetaSince is when the route became Beta, for tools that check how
	// long a beta lasts; not on Planned routes, nor after LiveFrom or
	// Deprecation.
	BetaSince time.Time
	// Brownout is the flag key of a Deprecated route's brownout: where it
	// evaluates true for the request, the route answers 410 as if removed,
	// with Retry-After when the decision says when the brownout ends
	// ([flags.MetadataUntil]). It needs Config.Flags.
	Brownout string
	// Request describes the request body, as a Go value or type, for
	// OpenAPI schemas.
	Request any
	// Responses describes the response bodies by status code (100 to 599),
	// as Go values or types, for OpenAPI schemas.
	Responses map[int]any
}

// Example is a canned response served as a preview of a route that is not
// available yet, marked with ExampleHeader: "true".
type Example struct {
	// Status is the status code; zero means 200.
	Status int
	// ContentType is the media type; empty means "application/json".
	ContentType string
	// Body is sent as is.
	Body []byte
}

// OffAnswer selects what a Planned or Beta route answers when it is off.
type OffAnswer int

const (
	// OffInherit uses Config.Off, whose zero value means OffNotImplemented.
	OffInherit OffAnswer = iota
	// OffNotImplemented answers 501 with the route's problem details.
	OffNotImplemented
	// OffNotFound answers exactly like a path that is not declared, hiding
	// the route (RFC 9110 §15.5.5); Allow lists it only to callers it is on
	// for.
	OffNotFound
	// OffForbidden answers 403.
	OffForbidden
)

var offAnswerNames = [...]string{"inherit", "not-implemented", "not-found", "forbidden"}

// String returns the answer's name.
func (o OffAnswer) String() string {
	if o < 0 || int(o) >= len(offAnswerNames) {
		return "OffAnswer(?)"
	}
	return offAnswerNames[o]
}

// id returns "METHOD /pattern", the route's identity in the table.
func (r *Route) id() string { return r.Method + " " + r.Pattern }

// Attributes the router adds to every flag evaluation context (unless
// Config.NoRouteAttributes is set), so that flag rules can target by route.
// Names have no dots because flagd's JsonLogic reads dots as nesting.
const (
	// AttrRoute is the route's Name.
	AttrRoute = "roadmapRoute"
	// AttrMethod is the route's method, e.g. "PATCH".
	AttrMethod = "roadmapMethod"
	// AttrPattern is the route's chi pattern, e.g. "/api/users/{id}".
	AttrPattern = "roadmapPattern"
	// AttrStage is the route's declared stage, e.g. "beta".
	AttrStage = "roadmapStage"
	// AttrOptIn is the list ([]any of strings) of beta features the client
	// opted into with the opt-in header (see Config.OptInHeader); empty when
	// none. A flag can require it, e.g. in flagd:
	//
	//	{"in": ["users-patch", {"var": "roadmapOptIn"}]}
	AttrOptIn = "roadmapOptIn"
)
