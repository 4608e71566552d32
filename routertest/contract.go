package routertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/roadmap-go/roadmap/openapi"
	"github.com/roadmap-go/roadmap/router"
)

// Call is one request of a [Checker.Contract] check. The zero value sends
// the route's declared request body type, zero-valued, and accepts any
// documented status.
type Call struct {
	// Params gives path parameters by name, over Options.Params.
	Params map[string]string
	// Header is sent with the request, over Options.Header.
	Header http.Header
	// Body is encoded as the JSON request body. Nil means the zero value of
	// the route's Request when it is a Go value or type, and no body
	// otherwise.
	Body any
	// Status is the status the handler must answer; zero accepts any
	// status the operation documents.
	Status int
}

// Contract checks that the handler of route r keeps the contract its
// declaration publishes: for each call (one zero [Call] if none), it forces
// r's flag on (when r is Planned or Beta with a Flag; restored when t
// ends), documents rt for that request with [openapi.DocumentFor], and
// validates with kin-openapi's openapi3filter the request against r's own
// operation (path parameters, headers, JSON body) and the handler's answer
// against it too (a documented status, content type and body schema).
// A lifecycle answer (501, 410, ...) instead of the handler's fails.
//
// rt is the router under test; the Checker's handler must serve it. Use
// Contract for every route that has a handler, so that a beta cannot be
// switched on while it breaks its declared contract. It reports whether
// every check passed.
func (c *Checker) Contract(t TB, rt *router.Router, r router.Route, calls ...Call) bool {
	t.Helper()
	if r.Handler == nil {
		t.Errorf("routertest: %s %s has no handler: its contract cannot be checked yet", r.Method, r.Pattern)
		return false
	}
	if r.Flag != "" && (r.Stage == router.Planned || r.Stage == router.Beta) {
		if c.opts.Flags == nil {
			t.Errorf("routertest: %s %s has flag %q: set Options.Flags to check it", r.Method, r.Pattern, r.Flag)
			return false
		}
		c.opts.Flags.Force(t, r.Flag, true)
	}
	if len(calls) == 0 {
		calls = []Call{{}}
	}
	ok := true
	for _, call := range calls {
		ok = c.contractCall(t, rt, r, call) && ok
	}
	return ok
}

func (c *Checker) contractCall(t TB, rt *router.Router, r router.Route, call Call) bool {
	t.Helper()
	params := map[string]string{}
	for k, v := range c.opts.Params {
		params[k] = v
	}
	for k, v := range call.Params {
		params[k] = v
	}
	path := (&Checker{opts: Options{Params: params}}).Path(r.Pattern)
	body, err := requestBody(r, call)
	if err != nil {
		t.Fatalf("routertest: %s %s: %v", r.Method, r.Pattern, err)
		return false
	}
	newRequest := func() *http.Request {
		req, err := http.NewRequest(r.Method, c.srv.URL+c.opts.Prefix+path, bytes.NewReader(body))
		if err != nil {
			t.Fatalf("routertest: %v", err)
		}
		if body == nil {
			req.Body = http.NoBody
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
		for k, v := range c.opts.Header {
			req.Header[k] = v
		}
		for k, v := range call.Header {
			req.Header[k] = v
		}
		return req
	}
	where := r.Method + " " + path

	route, pathParams, err := c.operation(rt, r, newRequest())
	if err != nil {
		t.Errorf("routertest: %s: %v", where, err)
		return false
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: newRequest(), PathParams: pathParams, Route: route, Options: opts}
	ok := true
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		t.Errorf("%s: the request breaks the operation's contract: %v", where, err)
		ok = false
	}

	res, err := c.srv.Client().Do(newRequest())
	if err != nil {
		t.Fatalf("routertest: %s: %v", where, err)
		return false
	}
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("routertest: %s: reading body: %v", where, err)
		return false
	}
	answer := &Response{Status: res.StatusCode, Header: res.Header, Body: got}
	if isLifecycleAnswer(answer) {
		t.Errorf("%s: got status %d (%s), want the handler's answer", where, res.StatusCode, got)
		return false
	}
	if call.Status != 0 && res.StatusCode != call.Status {
		t.Errorf("%s: got status %d, want %d", where, res.StatusCode, call.Status)
		ok = false
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header, Options: opts}
	out.SetBodyBytes(got)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s: the handler's answer %d breaks the operation's contract: %v\nbody: %s", where, res.StatusCode, err, got)
		ok = false
	}
	return ok
}

// requestBody returns the JSON body of call: Body, or the zero value of a
// Go value declared as r.Request.
func requestBody(r router.Route, call Call) ([]byte, error) {
	v := call.Body
	if v == nil && r.Request != nil {
		switch d := r.Request.(type) {
		case *openapi3.Schema, *openapi3.SchemaRef:
			return nil, nil // no Go value to make one from
		case reflect.Type:
			v = reflect.Zero(d).Interface()
		default:
			v = reflect.Zero(reflect.TypeOf(d)).Interface()
		}
	}
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}

// operation documents rt for req, as the caller of req sees it, and returns
// r's operation in that document, resolved, with req's path parameters.
func (c *Checker) operation(rt *router.Router, r router.Route, req *http.Request) (*routers.Route, map[string]string, error) {
	optIn := c.opts.OptInHeader
	if optIn == "" {
		optIn = "-"
	}
	b, err := json.Marshal(openapi.DocumentFor(rt, req, openapi.Options{OptInHeader: optIn}))
	if err != nil {
		return nil, nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		return nil, nil, fmt.Errorf("loading the document: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, nil, fmt.Errorf("the document is not valid: %w", err)
	}
	path := openapi.Path(r.Pattern)
	item := doc.Paths.Value(path)
	var op *openapi3.Operation
	if item != nil {
		op = item.GetOperation(r.Method)
	}
	if op == nil {
		return nil, nil, fmt.Errorf("%s %s is not documented for this request", r.Method, path)
	}
	// Path parameters by name, from the request path and the pattern.
	params := map[string]string{}
	want := paramRE.FindAllStringSubmatch(r.Pattern, -1)
	got := paramValues(r.Pattern, req.URL.Path[len(c.opts.Prefix):])
	for i, m := range want {
		if i < len(got) {
			params[m[1]] = got[i]
		}
	}
	return &routers.Route{Spec: doc, Path: path, PathItem: item, Method: r.Method, Operation: op}, params, nil
}

// paramValues returns the segments of path that stand where pattern has a
// parameter, in order.
func paramValues(pattern, path string) []string {
	ps, ss := strings.Split(pattern, "/"), strings.Split(path, "/")
	var out []string
	for i, p := range ps {
		if i < len(ss) && paramRE.MatchString(p) {
			out = append(out, ss[i])
		}
	}
	return out
}
