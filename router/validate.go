package router

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// validateConfig returns the problems with cfg and sets rt.optIn.
func (rt *Router) validateConfig(cfg Config) []error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, &RouteError{Index: -1, err: fmt.Errorf("%w: "+format, append([]any{ErrConfig}, a...)...)})
	}
	switch h := cfg.OptInHeader; {
	case h == "":
		rt.optIn = DefaultOptInHeader
	case h == "-":
	case isToken(h):
		rt.optIn = http.CanonicalHeaderKey(h)
	default:
		bad("OptInHeader %q is not a valid header name", h)
	}
	if cfg.Off < OffInherit || cfg.Off > OffForbidden {
		bad("Off %d is not an OffAnswer", int(cfg.Off))
	}
	return errs
}

// validateTable returns the problems of each declaration (see validate) and
// those between declarations. register is called once per distinct pattern
// that looks valid, and returns chi's verdict on it.
func validateTable(routes []Route, haveFlags bool, register func(pattern string) error) []error {
	var errs []error
	add := func(i int, err error) {
		errs = append(errs, &RouteError{Index: i, Route: routes[i].id(), err: err})
	}
	type key struct{ method, pattern string }
	first := make(map[key]int, len(routes))           // first route of each method and pattern
	patterns := make(map[string]error, len(routes)/2) // pattern -> its problem, or nil
	shapes := map[string]int{}                        // shape -> first route with it
	opIDs := map[string]int{}                         // OperationID -> first route
	needFlags := false
	for i := range routes {
		r := &routes[i]
		perr, seen := patterns[r.Pattern]
		if !seen {
			if perr = patternProblem(r.Pattern); perr == nil {
				if err := register(r.Pattern); err != nil {
					perr = fmt.Errorf("%w: %v", ErrPattern, err)
				}
			}
			patterns[r.Pattern] = perr
			if strings.IndexByte(r.Pattern, '{') >= 0 {
				shape := patternShape(r.Pattern)
				if j, taken := shapes[shape]; taken {
					add(i, fmt.Errorf("%w: %q and %q (route %d) name their parameters differently; chi routes both to one path, so spell them the same", ErrPattern, r.Pattern, routes[j].Pattern, j))
				} else {
					shapes[shape] = i
				}
			}
		}
		if perr != nil {
			add(i, perr)
		}
		for _, err := range validate(r) {
			add(i, err)
		}
		if j, dup := first[key{r.Method, r.Pattern}]; dup {
			add(i, fmt.Errorf("%w: also declared by route %d", ErrDuplicate, j))
		} else {
			first[key{r.Method, r.Pattern}] = i
		}
		if id := r.OperationID; id != "" {
			if j, dup := opIDs[id]; dup {
				add(i, fmt.Errorf("%w: OperationID %q also used by route %d (operation ids are unique in OpenAPI)", ErrDuplicate, id, j))
			} else {
				opIDs[id] = i
			}
		}
		if r.Flag != "" && r.Handler != nil && (r.Stage == Planned || r.Stage == Beta) || r.Brownout != "" && r.Stage == Deprecated {
			needFlags = true
		}
	}
	if needFlags && !haveFlags {
		errs = append(errs, &RouteError{Index: -1, err: ErrNoFlags})
	}
	return errs
}

// validate returns every problem with one declaration, but for its pattern.
func validate(r *Route) []error {
	var errs []error
	bad := func(sentinel error, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{sentinel}, a...)...))
	}
	switch {
	case methodIndex(r.Method) >= 0:
	case !isToken(r.Method):
		bad(ErrMethod, "%q is not a method token", r.Method)
	case methodIndex(strings.ToUpper(r.Method)) >= 0:
		bad(ErrMethod, "%q must be upper case (%s): methods are case-sensitive", r.Method, strings.ToUpper(r.Method))
	default:
		bad(ErrMethod, "%q is not a standard HTTP method", r.Method)
	}
	if !r.Stage.valid() {
		bad(ErrStage, "%d", int(r.Stage))
		return errs
	}
	switch {
	case r.Handler == nil && (r.Stage == Beta || r.Stage == Live || r.Stage == Deprecated):
		bad(ErrNoHandler, "stage %s", r.Stage)
	case r.Handler != nil && r.Stage == Planned && r.Flag == "" && r.LiveFrom.IsZero():
		errs = append(errs, ErrUnreachable)
	case r.Handler != nil && r.Stage == Removed:
		errs = append(errs, ErrHandlerNotAllowed)
	}
	if r.Stage == Beta && r.Flag == "" {
		errs = append(errs, ErrNoFlag)
	}
	if r.Stage == Deprecated && r.Deprecation.IsZero() {
		bad(ErrDates, "a deprecated route needs a Deprecation date")
	}
	if r.Stage != Deprecated && (!r.Deprecation.IsZero() || !r.Sunset.IsZero()) {
		bad(ErrDates, "only deprecated routes declare Deprecation or Sunset (stage %s)", r.Stage)
	}
	if !r.Sunset.IsZero() && !r.Deprecation.IsZero() && r.Sunset.Before(r.Deprecation) {
		bad(ErrDates, "Sunset %s is before Deprecation %s (RFC 9745 §4)", rfc3339(r.Sunset), rfc3339(r.Deprecation))
	}
	if !r.LiveFrom.IsZero() {
		if r.Stage != Planned && r.Stage != Beta {
			bad(ErrDates, "LiveFrom is for planned and beta routes (stage %s)", r.Stage)
		} else if r.Handler == nil {
			bad(ErrNoHandler, "LiveFrom needs a handler")
		}
	}
	if !r.BetaSince.IsZero() {
		switch {
		case r.Stage == Planned:
			bad(ErrDates, "BetaSince is for routes that have been beta (stage %s)", r.Stage)
		case !r.LiveFrom.IsZero() && r.LiveFrom.Before(r.BetaSince):
			bad(ErrDates, "BetaSince %s is after LiveFrom %s", rfc3339(r.BetaSince), rfc3339(r.LiveFrom))
		case !r.Deprecation.IsZero() && r.Deprecation.Before(r.BetaSince):
			bad(ErrDates, "BetaSince %s is after Deprecation %s", rfc3339(r.BetaSince), rfc3339(r.Deprecation))
		}
	}
	if r.Brownout != "" && r.Stage != Deprecated {
		bad(ErrConfig, "Brownout is for deprecated routes (stage %s)", r.Stage)
	}
	for code := range r.Responses {
		if code < 100 || code > 599 {
			bad(ErrConfig, "Responses status %d is not 100 to 599", code)
		}
	}
	if r.Off < OffInherit || r.Off > OffForbidden {
		bad(ErrConfig, "Off %d is not an OffAnswer", int(r.Off))
	}
	for _, l := range [...]struct{ name, v string }{{"Docs", r.Docs}, {"Successor", r.Successor}} {
		if l.v == "" {
			continue
		}
		if _, err := url.Parse(l.v); err != nil || strings.ContainsAny(l.v, "<>\" \t\r\n") {
			bad(ErrLink, "%s %q is not a URI reference", l.name, l.v)
		}
	}
	if err := checkSuccessor(r.Pattern, r.Successor); err != nil {
		errs = append(errs, err)
	}
	if ex := r.Example; ex != nil {
		if ex.Status != 0 && (ex.Status < 200 || ex.Status > 299) {
			bad(ErrConfig, "Example status %d is not 2xx", ex.Status)
		}
		if r.Stage != Planned && r.Stage != Beta {
			bad(ErrConfig, "Example is for planned and beta routes (stage %s)", r.Stage)
		}
	}
	return errs
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// patternProblem returns what is wrong with pattern before chi sees it,
// wrapping ErrPattern, or nil.
func patternProblem(pattern string) error {
	if !strings.HasPrefix(pattern, "/") {
		return fmt.Errorf("%w: %q must start with /", ErrPattern, pattern)
	}
	for i := 0; i < len(pattern); i++ {
		if c := pattern[i]; c <= ' ' || c == 0x7f {
			return fmt.Errorf("%w: %q contains white space or a control character", ErrPattern, pattern)
		}
	}
	return nil
}

// patternShape returns pattern with every parameter name removed, keeping
// regular expressions: "/users/{id}" and "/users/{uid}" have the shape
// "/users/{}". chi routes patterns of one shape to one node, where the second
// would replace the first.
func patternShape(pattern string) string {
	parts := splitParams(pattern)
	for i := 1; i < len(parts); i += 2 {
		if _, re, ok := strings.Cut(parts[i], ":"); ok {
			parts[i] = "{:" + re + "}"
		} else {
			parts[i] = "{}"
		}
	}
	return strings.Join(parts, "")
}
