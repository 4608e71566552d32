package client

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Notice reports the deprecation headers of one response: RFC 9745
// Deprecation, RFC 8594 Sunset and the Link header's deprecation and
// successor-version links.
type Notice struct {
	// Method is the request's method.
	Method string
	// URL is the request's URL.
	URL string
	// Deprecation is when the route was deprecated; zero if the header was
	// missing or malformed.
	Deprecation time.Time
	// Sunset is when the route stops being served; zero if none.
	Sunset time.Time
	// Docs is the rel="deprecation" link, if any.
	Docs string
	// Successor is the rel="successor-version" link, if any.
	Successor string
}

// Transport is an [http.RoundTripper] for APIs served by roadmap. It
//
//   - turns lifecycle answers (501 or 410 problem+json with a "stage"
//     member) into a [*LifecycleError], which http.Client returns wrapped in
//     a *url.Error (use errors.As);
//   - retries a request that got a 501 lifecycle answer with the method
//     Fallback names, e.g. PATCH → PUT while partial update is planned;
//   - calls OnDeprecation for every response with a Deprecation or Sunset
//     header.
//
// Unlike most RoundTrippers it interprets responses: that is its job. Use
// [Check] with a plain transport if you would rather inspect them yourself.
//
// The zero Transport uses http.DefaultTransport, has no fallbacks and no
// callback. A Transport is safe for concurrent use if its fields are not
// changed after first use.
type Transport struct {
	// Base does the round trips. Nil means http.DefaultTransport.
	Base http.RoundTripper
	// Fallback maps a method to the one to retry with when the first answers
	// 501 with a lifecycle problem, e.g. {"PATCH": "PUT"}. Chains are
	// followed (each method at most once). A request with a body is retried
	// only if it has GetBody, as http.NewRequest sets for bytes, strings and
	// bytes.Reader bodies; otherwise the 501 is returned as an error.
	Fallback map[string]string
	// OnDeprecation, if set, is called (on the request's goroutine) for each
	// response that carries a Deprecation or Sunset header.
	OnDeprecation func(Notice)
}

// RoundTrip implements [http.RoundTripper].
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	tried := map[string]bool{}
	for {
		tried[req.Method] = true
		res, err := base.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		t.notify(req, res)
		lerr := Check(res)
		if lerr == nil {
			return res, nil
		}
		// Fall back only on a confirmed lifecycle 501: a 501 whose body
		// could not be read, or from a server that is not roadmap, says
		// nothing about the other method.
		var le *LifecycleError
		next, ok := t.Fallback[req.Method]
		if !ok || tried[next] || res.StatusCode != http.StatusNotImplemented || !errors.As(lerr, &le) {
			return nil, lerr
		}
		retry, ok := withMethod(req, next)
		if !ok {
			return nil, lerr
		}
		req = retry
	}
}

// withMethod returns a copy of req with method m and a fresh body.
func withMethod(req *http.Request, m string) (*http.Request, bool) {
	r := req.Clone(req.Context())
	r.Method = m
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return nil, false
		}
		body, err := req.GetBody()
		if err != nil {
			return nil, false
		}
		r.Body = body
	}
	return r, true
}

func (t *Transport) notify(req *http.Request, res *http.Response) {
	if t.OnDeprecation == nil {
		return
	}
	dep, sun := res.Header.Get("Deprecation"), res.Header.Get("Sunset")
	if dep == "" && sun == "" {
		return
	}
	n := Notice{Method: req.Method, URL: req.URL.String(), Deprecation: parseDeprecation(dep)}
	if sun != "" {
		n.Sunset, _ = http.ParseTime(sun)
	}
	n.Docs, n.Successor = links(res.Header.Values("Link"))
	t.OnDeprecation(n)
}

// parseDeprecation reads an RFC 9745 structured-field date, "@1735689600".
func parseDeprecation(v string) time.Time {
	s, ok := strings.CutPrefix(strings.TrimSpace(v), "@")
	if !ok {
		return time.Time{}
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

// links returns the targets of the rel="deprecation" and
// rel="successor-version" links.
func links(values []string) (docs, successor string) {
	for _, v := range values {
		for _, l := range strings.Split(v, ",") {
			target, params, ok := strings.Cut(strings.TrimSpace(l), ";")
			if !ok {
				continue
			}
			target = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(target), "<"), ">")
			for _, p := range strings.Split(params, ";") {
				k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				if !strings.EqualFold(k, "rel") {
					continue
				}
				for _, rel := range strings.Fields(strings.Trim(val, `"`)) {
					switch strings.ToLower(rel) {
					case "deprecation":
						docs = target
					case "successor-version":
						successor = target
					}
				}
			}
		}
	}
	return docs, successor
}

var _ http.RoundTripper = (*Transport)(nil)
