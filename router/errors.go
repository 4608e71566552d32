package router

import (
	"errors"
	"fmt"
)

// Errors returned by [New], each wrapped in a [*RouteError], all joined with
// errors.Join. Test for them with errors.Is.
var (
	// ErrDuplicate: two routes declare the same method and pattern, or the
	// same OperationID.
	ErrDuplicate = errors.New("duplicate method and pattern")
	// ErrNoHandler: a Beta, Live or Deprecated route, or a route with
	// LiveFrom, has no Handler.
	ErrNoHandler = errors.New("route has no handler")
	// ErrNoFlag: a Beta route has no Flag.
	ErrNoFlag = errors.New("beta route has no flag")
	// ErrUnreachable: a Planned route has a Handler but neither a Flag nor
	// LiveFrom that could ever switch it on.
	ErrUnreachable = errors.New("planned route has a handler but no flag or LiveFrom")
	// ErrHandlerNotAllowed: a Removed route declares a Handler.
	ErrHandlerNotAllowed = errors.New("removed route must not have a handler")
	// ErrPattern: the pattern is not a valid chi pattern.
	ErrPattern = errors.New("invalid pattern")
	// ErrMethod: the method is not an upper-case standard HTTP method token.
	ErrMethod = errors.New("invalid method")
	// ErrStage: the stage is not one of the declared constants.
	ErrStage = errors.New("invalid stage")
	// ErrDates: the deprecation, sunset or LiveFrom dates are inconsistent,
	// e.g. a Sunset before the Deprecation (RFC 9745 §4), or missing.
	ErrDates = errors.New("invalid lifecycle dates")
	// ErrLink: Docs or Successor is not a usable URI reference.
	ErrLink = errors.New("invalid link")
	// ErrNoFlags: routes need flags but Config.Flags is nil.
	ErrNoFlags = errors.New("routes use flags but Config.Flags is nil")
	// ErrConfig: a Config field is invalid.
	ErrConfig = errors.New("invalid config")
)

// RouteError reports one problem with one declaration.
type RouteError struct {
	Index int    // position in the slice given to New, or -1 for the Config
	Route string // "METHOD /pattern"
	err   error
}

// Error implements error.
func (e *RouteError) Error() string {
	if e.Index < 0 {
		return "router: " + e.err.Error()
	}
	return fmt.Sprintf("router: route %d (%s): %v", e.Index, e.Route, e.err)
}

// Unwrap returns the underlying sentinel-wrapping error.
func (e *RouteError) Unwrap() error { return e.err }
