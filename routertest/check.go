package routertest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roadmap-go/roadmap/router"
)

// Options configures a [Checker]. The zero value checks a router mounted at
// "/", with "1" for every path parameter, the real clock, the default
// opt-in header and the 501 off answer, and no flags to flip.
type Options struct {
	// Flags flips the flags of Planned and Beta routes. Required to check
	// gated routes (those with a Flag and a Handler); build the router under
	// test with Flags.Client().
	Flags *Flags
	// Prefix is where the routes are mounted, e.g. "/v1".
	Prefix string
	// Params gives values for path parameters by name; others get "1".
	Params map[string]string
	// Header is sent with every request, e.g. an identity that the router's
	// Config.Roadmap predicate accepts.
	Header http.Header
	// Now is the router's clock (Config.Now), for LiveFrom and Sunset. Nil
	// means time.Now.
	Now func() time.Time
	// Off is the router's Config.Off. The zero value means 501.
	Off router.OffAnswer
	// OptInHeader is the router's Config.OptInHeader ("" for the default,
	// "-" when disabled).
	OptInHeader string
}

// Checker sends real HTTP requests to a handler (an httptest.Server it
// starts and closes with the test) and checks that declared routes answer as
// their stage says. Build it with [New].
type Checker struct {
	srv  *httptest.Server
	opts Options
}

// New starts an httptest server for h, typically the application's whole
// handler with the router mounted in it, closed when t ends.
func New(t TB, h http.Handler, opts Options) *Checker {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	switch opts.OptInHeader {
	case "":
		opts.OptInHeader = router.DefaultOptInHeader
	case "-":
		opts.OptInHeader = ""
	}
	return &Checker{srv: srv, opts: opts}
}

// URL returns the base URL of the test server.
func (c *Checker) URL() string { return c.srv.URL }

// Response is one answer, read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Problem decodes the body as an RFC 9457 problem object, or returns nil.
func (r *Response) Problem() map[string]any {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		return nil
	}
	var p map[string]any
	if json.Unmarshal(r.Body, &p) != nil {
		return nil
	}
	return p
}

// Do sends method to path (below Prefix) with Options.Header and hdr, and
// returns the answer. It fails t on a transport error.
func (c *Checker) Do(t TB, method, path string, hdr http.Header) *Response {
	t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+c.opts.Prefix+path, nil)
	if err != nil {
		t.Fatalf("routertest: %v", err)
	}
	for k, v := range c.opts.Header {
		req.Header[k] = v
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := c.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("routertest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("routertest: %s %s: reading body: %v", method, path, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

var paramRE = regexp.MustCompile(`\{([^}:]*)(:[^}]*)?\}`)

// Path returns a request path for pattern: parameters replaced by
// Options.Params (or "1"), a trailing wildcard by "x".
func (c *Checker) Path(pattern string) string {
	p := paramRE.ReplaceAllStringFunc(pattern, func(m string) string {
		name := paramRE.FindStringSubmatch(m)[1]
		if v, ok := c.opts.Params[name]; ok {
			return v
		}
		return "1"
	})
	return strings.ReplaceAll(p, "*", "x")
}

// Stage returns the stage route r is in now: its declared stage, or Live
// after LiveFrom, or Removed after a Deprecated route's Sunset.
func (c *Checker) Stage(r router.Route) router.Stage {
	now := c.opts.Now()
	switch {
	case (r.Stage == router.Planned || r.Stage == router.Beta) && !r.LiveFrom.IsZero() && !now.Before(r.LiveFrom):
		return router.Live
	case r.Stage == router.Deprecated && !r.Sunset.IsZero() && !now.Before(r.Sunset):
		return router.Removed
	}
	return r.Stage
}

// Route checks one route against the contract of the stage it is in now,
// flipping its flag (and restoring it) when it has one. It reports whether
// every check passed.
func (c *Checker) Route(t TB, r router.Route) bool {
	t.Helper()
	switch c.Stage(r) {
	case router.Planned, router.Beta:
		return c.Gated(t, r)
	case router.Live:
		return c.Live(t, r)
	case router.Deprecated:
		return c.Deprecated(t, r)
	default:
		return c.Removed(t, r)
	}
}

// Gated checks a Planned or Beta route: with its flag off (or without a
// flag or handler) it gives the off answer; with its flag on it is served
// by its handler with Cache-Control: no-store, and a Beta route names the
// feature in Roadmap-Beta-Applied for a client that opted in. Opting in
// never switches a route on by itself.
func (c *Checker) Gated(t TB, r router.Route) bool {
	t.Helper()
	ok := true
	path := c.Path(r.Pattern)
	gated := r.Flag != "" && r.Handler != nil
	if gated && c.opts.Flags == nil {
		t.Errorf("routertest: %s %s has flag %q: set Options.Flags to check it", r.Method, r.Pattern, r.Flag)
		return false
	}
	if gated {
		c.opts.Flags.Force(t, r.Flag, false)
	}
	ok = c.offAnswer(t, r, c.Do(t, r.Method, path, nil)) && ok
	if gated && c.opts.OptInHeader != "" && r.Stage == router.Beta {
		res := c.Do(t, r.Method, path, http.Header{c.opts.OptInHeader: {r.Flag}})
		ok = c.offAnswer(t, r, res) && ok
	}
	if r.Example != nil {
		ok = c.preview(t, r, path) && ok
	}
	if !gated {
		return ok
	}
	c.opts.Flags.Set(r.Flag, true)
	res := c.Do(t, r.Method, path, nil)
	if isLifecycleAnswer(res) {
		t.Errorf("%s %s with flag %q on: got status %d (%s), want the handler's answer", r.Method, path, r.Flag, res.Status, res.Body)
		ok = false
	}
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("%s %s with flag %q on: got Cache-Control %q, want no-store", r.Method, path, r.Flag, got)
		ok = false
	}
	if r.Stage == router.Beta && c.opts.OptInHeader != "" {
		res := c.Do(t, r.Method, path, http.Header{c.opts.OptInHeader: {r.Flag}})
		if got := res.Header.Get(router.OptInAppliedHeader); got != r.Flag {
			t.Errorf("%s %s opted in, flag on: got %s %q, want %q", r.Method, path, router.OptInAppliedHeader, got, r.Flag)
			ok = false
		}
	}
	c.opts.Flags.Set(r.Flag, false)
	return ok
}

// offAnswer checks the answer of a route that is off.
func (c *Checker) offAnswer(t TB, r router.Route, res *Response) bool {
	t.Helper()
	mode := r.Off
	if mode == router.OffInherit {
		mode = c.opts.Off
	}
	switch {
	case r.OffHandler != nil:
		return true // the application's own answer
	case mode == router.OffNotFound:
		// Exactly as if undeclared: 404, or 405 when the path has other
		// methods, with an Allow that does not name this one.
		if res.Status == http.StatusMethodNotAllowed {
			if allow := res.Header.Get("Allow"); slices.Contains(splitList(allow), r.Method) {
				t.Errorf("%s %s (hidden): got Allow %q naming the hidden method", r.Method, r.Pattern, allow)
				return false
			}
			return wantProblem(t, r, res, http.StatusMethodNotAllowed, "")
		}
		return wantStatus(t, r, res, http.StatusNotFound) && wantProblem(t, r, res, http.StatusNotFound, "")
	case mode == router.OffForbidden:
		return wantStatus(t, r, res, http.StatusForbidden) && wantProblem(t, r, res, http.StatusForbidden, "")
	}
	return wantStatus(t, r, res, http.StatusNotImplemented) &&
		wantProblem(t, r, res, http.StatusNotImplemented, r.Stage.String())
}

// preview checks that a route with an Example serves it on request.
func (c *Checker) preview(t TB, r router.Route, path string) bool {
	t.Helper()
	res := c.Do(t, r.Method, path, http.Header{router.PreviewHeader: {"example"}})
	want := r.Example.Status
	if want == 0 {
		want = http.StatusOK
	}
	ok := wantStatus(t, r, res, want)
	if got := res.Header.Get(router.ExampleHeader); got != "true" {
		t.Errorf("%s %s preview: got %s %q, want \"true\"", r.Method, path, router.ExampleHeader, got)
		ok = false
	}
	return ok
}

// Live checks that a Live route is served by its handler: never a
// lifecycle answer (501, 410, 405).
func (c *Checker) Live(t TB, r router.Route) bool {
	t.Helper()
	res := c.Do(t, r.Method, c.Path(r.Pattern), nil)
	if isLifecycleAnswer(res) {
		t.Errorf("%s %s (live): got status %d (%s), want the handler's answer", r.Method, r.Pattern, res.Status, res.Body)
		return false
	}
	return true
}

// Deprecated checks that a Deprecated route is served with well-formed
// lifecycle headers: Deprecation as an RFC 9745 structured date equal to the
// declared one, Sunset (when declared) as an RFC 8594 HTTP-date not before
// it, and the deprecation and successor-version links.
func (c *Checker) Deprecated(t TB, r router.Route) bool {
	t.Helper()
	res := c.Do(t, r.Method, c.Path(r.Pattern), nil)
	ok := true
	if isLifecycleAnswer(res) {
		t.Errorf("%s %s (deprecated): got status %d, want the handler's answer", r.Method, r.Pattern, res.Status)
		ok = false
	}
	if err := CheckDeprecationHeaders(res.Header, r); err != nil {
		t.Errorf("%s %s (deprecated): %v", r.Method, r.Pattern, err)
		ok = false
	}
	return ok
}

// Removed checks that a Removed route (or a Deprecated one past its
// Sunset) answers 410 Gone with a problem object.
func (c *Checker) Removed(t TB, r router.Route) bool {
	t.Helper()
	res := c.Do(t, r.Method, c.Path(r.Pattern), nil)
	return wantStatus(t, r, res, http.StatusGone) && wantProblem(t, r, res, http.StatusGone, router.Removed.String())
}

// UnknownMethod checks that a method the server does not recognise gets
// 501 on path (RFC 9110 §9.1), not chi's 405.
func (c *Checker) UnknownMethod(t TB, path string) bool {
	t.Helper()
	res := c.Do(t, "BREW", path, nil)
	if res.Status != http.StatusNotImplemented {
		t.Errorf("BREW %s: got status %d, want 501", path, res.Status)
		return false
	}
	return true
}

// MethodNotAllowed checks that a standard method the pattern does not
// declare gets 405 with an Allow header listing exactly the methods the
// pattern declares (HEAD included where GET is), for a caller who may see
// the roadmap. routes is the whole table; only those on pattern count.
func (c *Checker) MethodNotAllowed(t TB, pattern string, routes []router.Route) bool {
	t.Helper()
	var want []string
	for _, r := range routes {
		if r.Pattern != pattern || c.hidden(r) {
			continue
		}
		want = append(want, r.Method)
		if r.Method == http.MethodGet {
			want = append(want, http.MethodHead)
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)
	var probe string
	for _, m := range []string{http.MethodPatch, http.MethodDelete, http.MethodPut, http.MethodPost, http.MethodGet, http.MethodOptions, http.MethodTrace} {
		if !declares(routes, pattern, m) {
			probe = m
			break
		}
	}
	if probe == "" || len(want) == 0 {
		return true // every method declared, or none visible: nothing to check
	}
	path := c.Path(pattern)
	res := c.Do(t, probe, path, nil)
	if res.Status != http.StatusMethodNotAllowed {
		t.Errorf("%s %s: got status %d, want 405", probe, path, res.Status)
		return false
	}
	got := splitList(strings.Join(res.Header.Values("Allow"), ","))
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("%s %s: got Allow %v, want %v", probe, path, got, want)
		return false
	}
	return true
}

// Head checks that HEAD on a GET route answers like GET, without a body.
func (c *Checker) Head(t TB, r router.Route) bool {
	t.Helper()
	path := c.Path(r.Pattern)
	get := c.Do(t, http.MethodGet, path, nil)
	head := c.Do(t, http.MethodHead, path, nil)
	ok := true
	if head.Status != get.Status {
		t.Errorf("HEAD %s: got status %d, want %d (as GET)", path, head.Status, get.Status)
		ok = false
	}
	if len(head.Body) != 0 {
		t.Errorf("HEAD %s: got a %d-byte body, want none", path, len(head.Body))
		ok = false
	}
	if g, h := get.Header.Get("Content-Type"), head.Header.Get("Content-Type"); g != h {
		t.Errorf("HEAD %s: got Content-Type %q, want %q (as GET)", path, h, g)
		ok = false
	}
	return ok
}

// Table checks every route of the table against its stage's contract, and
// every pattern for 501 on unknown methods, 405 with a correct Allow, and
// HEAD for GET, each in its own subtest. It flips flags: do not run it in
// parallel with other users of the same Flags.
func (c *Checker) Table(t *testing.T, routes []router.Route) bool {
	t.Helper()
	ok := true
	var patterns []string
	for _, r := range routes {
		if !slices.Contains(patterns, r.Pattern) {
			patterns = append(patterns, r.Pattern)
		}
		ok = t.Run(r.Method+" "+r.Pattern+" "+c.Stage(r).String(), func(t *testing.T) {
			c.Route(t, r)
			if r.Method == http.MethodGet && !declares(routes, r.Pattern, http.MethodHead) {
				c.Head(t, r)
			}
		}) && ok
	}
	for _, p := range patterns {
		ok = t.Run("methods "+p, func(t *testing.T) {
			c.UnknownMethod(t, c.Path(p))
			c.MethodNotAllowed(t, p, routes)
		}) && ok
	}
	return ok
}

// hidden reports whether r is left out of Allow: a Planned or Beta route
// whose off answer is 404.
func (c *Checker) hidden(r router.Route) bool {
	mode := r.Off
	if mode == router.OffInherit {
		mode = c.opts.Off
	}
	s := c.Stage(r)
	return (s == router.Planned || s == router.Beta) && r.OffHandler == nil && mode == router.OffNotFound
}

func declares(routes []router.Route, pattern, method string) bool {
	for _, r := range routes {
		if r.Pattern == pattern && r.Method == method {
			return true
		}
	}
	return false
}

// isLifecycleAnswer reports whether res is one of the router's own answers
// for a route that is not served: 501, 405, or a 410 problem.
func isLifecycleAnswer(res *Response) bool {
	switch res.Status {
	case http.StatusNotImplemented, http.StatusMethodNotAllowed:
		return true
	case http.StatusGone:
		return res.Problem() != nil
	}
	return false
}

func wantStatus(t TB, r router.Route, res *Response, want int) bool {
	t.Helper()
	if res.Status != want {
		t.Errorf("%s %s: got status %d, want %d (body %s)", r.Method, r.Pattern, res.Status, want, res.Body)
		return false
	}
	return true
}

// wantProblem checks an RFC 9457 answer: media type, no-store, status
// member, and for lifecycle answers the stage and route members.
func wantProblem(t TB, r router.Route, res *Response, status int, stage string) bool {
	t.Helper()
	ok := true
	p := res.Problem()
	if p == nil {
		t.Errorf("%s %s: got Content-Type %q and body %s, want an application/problem+json object", r.Method, r.Pattern, res.Header.Get("Content-Type"), res.Body)
		return false
	}
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("%s %s: got Cache-Control %q, want no-store", r.Method, r.Pattern, got)
		ok = false
	}
	if got, _ := p["status"].(float64); int(got) != status {
		t.Errorf("%s %s: got problem status %v, want %d", r.Method, r.Pattern, p["status"], status)
		ok = false
	}
	if stage == "" {
		return ok
	}
	if got := p["stage"]; got != stage {
		t.Errorf("%s %s: got problem stage %v, want %q", r.Method, r.Pattern, got, stage)
		ok = false
	}
	if got, want := p["route"], r.Method+" "+r.Pattern; got != want {
		t.Errorf("%s %s: got problem route %v, want %q", r.Method, r.Pattern, got, want)
		ok = false
	}
	return ok
}

// CheckDeprecationHeaders reports what is wrong with the lifecycle headers
// of an answer from Deprecated route r: Deprecation must be an RFC 9745
// structured date ("@" and Unix seconds) equal to r.Deprecation; Sunset, if
// r declares one, an RFC 8594 HTTP-date equal to r.Sunset and not before the
// deprecation; Link must carry rel="deprecation" for r.Docs and
// rel="successor-version" for r.Successor.
func CheckDeprecationHeaders(h http.Header, r router.Route) error {
	var errs []string
	dep, err := ParseDeprecation(h.Get("Deprecation"))
	if err != nil {
		errs = append(errs, err.Error())
	} else if !dep.Equal(r.Deprecation.Truncate(time.Second)) {
		errs = append(errs, fmt.Sprintf("got Deprecation %s, want %s", dep.UTC().Format(time.RFC3339), r.Deprecation.UTC().Format(time.RFC3339)))
	}
	if sv := h.Get("Sunset"); !r.Sunset.IsZero() || sv != "" {
		sun, err := ParseSunset(sv)
		switch {
		case err != nil:
			errs = append(errs, err.Error())
		case !sun.Equal(r.Sunset.Truncate(time.Second)):
			errs = append(errs, fmt.Sprintf("got Sunset %s, want %s", sv, r.Sunset.UTC().Format(http.TimeFormat)))
		case sun.Before(dep):
			errs = append(errs, fmt.Sprintf("Sunset %s is before Deprecation (RFC 9745 §4)", sv))
		}
	}
	links := strings.Join(h.Values("Link"), ", ")
	if r.Docs != "" && !strings.Contains(links, "<"+r.Docs+`>; rel="deprecation"`) {
		errs = append(errs, fmt.Sprintf("got Link %q, want <%s>; rel=\"deprecation\"", links, r.Docs))
	}
	if r.Successor != "" {
		// The successor's parameters are filled in from the request, and
		// it is in the first Link field, which is all that many clients
		// read.
		want := successorRE(r.Successor)
		switch first := h.Get("Link"); {
		case !want.MatchString(links):
			errs = append(errs, fmt.Sprintf("got Link %q, want <%s>; rel=\"successor-version\" with its parameters filled in", links, r.Successor))
		case !want.MatchString(first):
			errs = append(errs, fmt.Sprintf("got first Link field %q, want the successor in it (one field for both links)", first))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// successorRE matches the Link value of successor, each of its path
// parameters ("{id}") standing for one non-empty segment.
func successorRE(successor string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("<")
	rest := successor
	for {
		loc := paramRE.FindStringIndex(rest)
		if loc == nil {
			break
		}
		b.WriteString(regexp.QuoteMeta(rest[:loc[0]]))
		b.WriteString(`[^/<>{}]+`)
		rest = rest[loc[1]:]
	}
	b.WriteString(regexp.QuoteMeta(rest))
	b.WriteString(`>; rel="successor-version"`)
	return regexp.MustCompile(b.String())
}

// ParseDeprecation parses an RFC 9745 Deprecation header value: an RFC 9651
// structured-field date, "@" followed by an integer number of seconds since
// the Unix epoch.
func ParseDeprecation(v string) (time.Time, error) {
	rest, ok := strings.CutPrefix(v, "@")
	if !ok || rest == "" || len(rest) > 15 || strings.TrimLeft(rest, "-0123456789") != "" || strings.LastIndex(rest, "-") > 0 {
		return time.Time{}, fmt.Errorf("Deprecation %q is not an RFC 9745 date (@<unix seconds>)", v)
	}
	s, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("Deprecation %q is not an RFC 9745 date: %v", v, err)
	}
	return time.Unix(s, 0).UTC(), nil
}

// ParseSunset parses an RFC 8594 Sunset header value, which must be an
// HTTP-date in the preferred IMF-fixdate form (RFC 9110 §5.6.7), e.g.
// "Tue, 01 Jan 2030 00:00:00 GMT".
func ParseSunset(v string) (time.Time, error) {
	t, err := time.Parse(http.TimeFormat, v)
	if err != nil || t.Format(http.TimeFormat) != v {
		return time.Time{}, fmt.Errorf("Sunset %q is not an RFC 8594 HTTP-date (IMF-fixdate)", v)
	}
	return t, nil
}

// splitList splits a comma-separated header value into trimmed elements.
func splitList(v string) []string {
	var out []string
	for m := range strings.SplitSeq(v, ",") {
		if m = strings.TrimSpace(m); m != "" {
			out = append(out, m)
		}
	}
	return out
}
