package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/roadmap-go/roadmap/router"
)

// Errors returned by [Routes] and [Load]. Test for them with errors.Is.
var (
	// ErrNoOperation: a handler was given for an operationId that the
	// document does not declare. The error lists every such name.
	ErrNoOperation = errors.New("handlers with no operation in the document")
	// ErrLifecycle: an operation's x-lifecycle extension is malformed.
	ErrLifecycle = errors.New("invalid x-lifecycle")
)

// Load parses and validates an OpenAPI 3.0 or 3.1 document (JSON or YAML) and
// returns its routes, as [Routes] does. External references are not followed.
func Load(data []byte, handlers map[string]http.Handler) ([]router.Route, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	return Routes(doc, handlers)
}

// Routes declares one [router.Route] per operation of doc, for API-first
// teams whose OpenAPI document is the source of truth. Pass the result to
// [router.New].
//
//   - Method and Pattern come from the operation and its path (OpenAPI path
//     templates such as "/users/{id}" are chi patterns as they are).
//   - Stage, Flag, Available, Detail, LiveFrom, Deprecation, Sunset and
//     Successor come from the operation's x-lifecycle extension (see
//     [Lifecycle]); without one, the route is Planned.
//   - Name is the summary (unless it is just "METHOD /path"), Docs the
//     externalDocs URL, OperationID the operationId.
//   - Handler is handlers[operationId]. An operation with no handler is
//     declared Planned, whatever its x-lifecycle says (except Removed), so
//     that it answers the 501 stub until a handler is written.
//   - Request is the schema of the JSON request body; Responses has the
//     schema (or nil) of every response with a numeric status, except the
//     lifecycle answers (marked x-lifecycle-answer, and any 501 or 410).
//   - The operations of the document-level x-removed extension, which
//     [Document] writes for removed routes, are declared Removed.
//   - A 2xx response with an example (media type example, or the first
//     of its examples by name; application/json preferred) becomes the
//     route's preview [router.Example] when the route is Planned or Beta.
//
// A handler whose name is no operationId of doc is an error wrapping
// [ErrNoOperation] that lists every such name: a typo must not leave a
// route unserved. Routes are returned sorted by pattern, then method.
func Routes(doc *openapi3.T, handlers map[string]http.Handler) ([]router.Route, error) {
	var routes []router.Route
	var errs []error
	used := map[string]bool{}
	if doc.Paths != nil {
		paths := doc.Paths.Map()
		keys := make([]string, 0, len(paths))
		for k := range paths {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, path := range keys {
			ops := paths[path].Operations()
			methods := make([]string, 0, len(ops))
			for m := range ops {
				methods = append(methods, m)
			}
			sort.Strings(methods)
			for _, m := range methods {
				op := ops[m]
				r, err := route(m, path, paths[path].Parameters, op, handlers)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if r.Handler != nil {
					used[op.OperationID] = true
				}
				routes = append(routes, r)
			}
		}
	}
	removed, err := RemovedPaths(doc)
	if err != nil {
		errs = append(errs, err)
	}
	for _, path := range removed.InMatchingOrder() {
		for m, op := range removed.Value(path).Operations() {
			r, err := route(m, path, removed.Value(path).Parameters, op, nil)
			if err == nil && r.Stage != router.Removed {
				err = fmt.Errorf("openapi: %s %s: %w: listed in %s with stage %s", r.Method, path, ErrLifecycle, RemovedExtension, r.Stage)
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			routes = append(routes, r)
		}
	}
	sort.SliceStable(routes, func(i, j int) bool {
		if routes[i].Pattern != routes[j].Pattern {
			return routes[i].Pattern < routes[j].Pattern
		}
		return routes[i].Method < routes[j].Method
	})
	var unbound []string
	for name := range handlers {
		if !used[name] {
			unbound = append(unbound, name)
		}
	}
	if len(unbound) > 0 {
		sort.Strings(unbound)
		errs = append(errs, fmt.Errorf("openapi: %w: %s", ErrNoOperation, strings.Join(unbound, ", ")))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return routes, nil
}

func route(method, path string, shared openapi3.Parameters, op *openapi3.Operation, handlers map[string]http.Handler) (router.Route, error) {
	r := router.Route{
		Method:      strings.ToUpper(method),
		Pattern:     chiPattern(path, shared, op.Parameters),
		Name:        op.Summary,
		OperationID: op.OperationID,
	}
	if r.Name == r.Method+" "+path || r.Name == r.Method+" "+r.Pattern {
		r.Name = "" // the summary Document writes for a route without a name
	}
	if op.ExternalDocs != nil {
		r.Docs = op.ExternalDocs.URL
	}
	if op.OperationID != "" {
		r.Handler = handlers[op.OperationID]
	}
	l, err := readLifecycle(op.Extensions[LifecycleExtension])
	if err != nil {
		return r, fmt.Errorf("openapi: %s %s: %w", r.Method, path, err)
	}
	if l.Stage != "" {
		if r.Stage, err = router.ParseStage(l.Stage); err != nil {
			return r, fmt.Errorf("openapi: %s %s: %w: %w", r.Method, path, ErrLifecycle, err)
		}
	}
	r.Flag, r.Brownout, r.Available, r.Detail, r.Successor = l.Flag, l.Brownout, l.Available, l.Detail, l.Successor
	for _, t := range [...]struct {
		name string
		s    string
		dst  *time.Time
	}{{"liveFrom", l.LiveFrom, &r.LiveFrom}, {"deprecation", l.Deprecation, &r.Deprecation}, {"sunset", l.Sunset, &r.Sunset}} {
		if t.s == "" {
			continue
		}
		v, err := time.Parse(time.RFC3339, t.s)
		if err != nil {
			return r, fmt.Errorf("openapi: %s %s: %w: %s %q is not an RFC 3339 time", r.Method, path, ErrLifecycle, t.name, t.s)
		}
		*t.dst = v
	}
	if r.Handler == nil && r.Stage != router.Planned && r.Stage != router.Removed {
		// Declared but not written yet: serve the 501 stub.
		r.Stage = router.Planned
		r.Deprecation, r.Sunset = time.Time{}, time.Time{}
	}
	if r.Handler == nil {
		r.LiveFrom = time.Time{}
	}
	if r.Stage == router.Planned || r.Stage == router.Beta {
		r.Example = example(op)
	}
	if r.Stage != router.Removed {
		r.Request, r.Responses = bodies(op)
	}
	return r, nil
}

// bodies returns the JSON request body schema of op, and its responses by
// status code (with their JSON schema, or nil), leaving out the lifecycle
// answers: those marked with AnswerExtension, and any 501 or 410.
func bodies(op *openapi3.Operation) (request any, responses map[int]any) {
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		if s := jsonSchema(rb.Value.Content); s != nil {
			request = s
		}
	}
	if op.Responses == nil {
		return request, nil
	}
	for key, ref := range op.Responses.Map() {
		code, err := strconv.Atoi(key)
		if err != nil || ref == nil || ref.Value == nil || code == http.StatusNotImplemented || code == http.StatusGone {
			continue
		}
		if _, answer := ref.Value.Extensions[AnswerExtension]; answer {
			continue
		}
		if responses == nil {
			responses = map[int]any{}
		}
		responses[code] = nil
		if s := jsonSchema(ref.Value.Content); s != nil {
			responses[code] = s
		}
	}
	return request, responses
}

// jsonSchema returns the schema of the JSON media type of c
// (application/json, else the first +json one), or nil.
func jsonSchema(c openapi3.Content) *openapi3.SchemaRef {
	if mt := c["application/json"]; mt != nil && mt.Schema != nil {
		return mt.Schema
	}
	types := make([]string, 0, len(c))
	for ct := range c {
		types = append(types, ct)
	}
	sort.Strings(types)
	for _, ct := range types {
		if mt := c[ct]; isJSON(ct) && ct != "application/problem+json" && mt != nil && mt.Schema != nil {
			return mt.Schema
		}
	}
	return nil
}

// RemovedPaths returns the operations of doc's RemovedExtension (the removed
// routes, which [Document] lists apart from paths), as Document writes them
// or as a loader leaves them (decoded JSON); empty paths if there are none.
// An error wraps [ErrLifecycle].
func RemovedPaths(doc *openapi3.T) (*openapi3.Paths, error) {
	switch v := doc.Extensions[RemovedExtension].(type) {
	case nil:
		return openapi3.NewPaths(), nil
	case *openapi3.Paths:
		return v, nil
	default:
		b, err := json.Marshal(v)
		p := openapi3.NewPaths()
		if err == nil {
			err = json.Unmarshal(b, p)
		}
		if err != nil {
			return openapi3.NewPaths(), fmt.Errorf("openapi: %w: %s: %v", ErrLifecycle, RemovedExtension, err)
		}
		return p, nil
	}
}

// readLifecycle decodes an x-lifecycle value, whatever form the loader left
// it in (decoded JSON, raw JSON or a Lifecycle).
func readLifecycle(v any) (Lifecycle, error) {
	var l Lifecycle
	switch v := v.(type) {
	case nil:
		return l, nil
	case Lifecycle:
		return v, nil
	case *Lifecycle:
		return *v, nil
	case json.RawMessage:
		if err := json.Unmarshal(v, &l); err != nil {
			return l, fmt.Errorf("%w: %v", ErrLifecycle, err)
		}
		return l, nil
	}
	b, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(b, &l)
	}
	if err != nil {
		return l, fmt.Errorf("%w: %v", ErrLifecycle, err)
	}
	return l, nil
}

// example returns the first 2xx example response of op, or nil.
func example(op *openapi3.Operation) *router.Example {
	if op.Responses == nil {
		return nil
	}
	codes := []string{}
	for code := range op.Responses.Map() {
		if n, err := strconv.Atoi(code); err == nil && n >= 200 && n <= 299 {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	for _, code := range codes {
		ref := op.Responses.Value(code)
		if ref == nil || ref.Value == nil {
			continue
		}
		ctypes := make([]string, 0, len(ref.Value.Content))
		for ct := range ref.Value.Content {
			ctypes = append(ctypes, ct)
		}
		sort.SliceStable(ctypes, func(i, j int) bool {
			// application/json first, then by name
			if (ctypes[i] == "application/json") != (ctypes[j] == "application/json") {
				return ctypes[i] == "application/json"
			}
			return ctypes[i] < ctypes[j]
		})
		for _, ct := range ctypes {
			v, ok := mediaExample(ref.Value.Content[ct])
			if !ok {
				continue
			}
			body, err := encodeExample(ct, v)
			if err != nil {
				continue
			}
			status, _ := strconv.Atoi(code)
			return &router.Example{Status: status, ContentType: ct, Body: body}
		}
	}
	return nil
}

func mediaExample(mt *openapi3.MediaType) (any, bool) {
	if mt == nil {
		return nil, false
	}
	if mt.Example != nil {
		return mt.Example, true
	}
	names := make([]string, 0, len(mt.Examples))
	for n := range mt.Examples {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if ex := mt.Examples[n]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return ex.Value.Value, true
		}
	}
	return nil, false
}

func encodeExample(ctype string, v any) ([]byte, error) {
	if s, ok := v.(string); ok && !isJSON(ctype) {
		return []byte(s), nil
	}
	return json.Marshal(v)
}

// chiPattern turns an OpenAPI path template into a chi pattern: a path
// parameter whose schema has an anchored pattern "^re$" becomes "{name:re}",
// as [Document] writes chi's regexp parameters, and a trailing parameter
// marked x-chi-wildcard becomes chi's "*".
func chiPattern(path string, shared, own openapi3.Parameters) string {
	res := map[string]string{}
	for _, params := range []openapi3.Parameters{shared, own} {
		for _, p := range params {
			if p == nil || p.Value == nil || p.Value.In != openapi3.ParameterInPath {
				continue
			}
			if w, _ := p.Value.Extensions[wildcardExtension].(bool); w {
				if rest, ok := strings.CutSuffix(path, "{"+p.Value.Name+"}"); ok {
					path = rest + "*"
				}
				continue
			}
			s := p.Value.Schema
			if s == nil || s.Value == nil {
				continue
			}
			if re, ok := strings.CutPrefix(s.Value.Pattern, "^"); ok {
				if re, ok = strings.CutSuffix(re, "$"); ok && re != "" {
					res[p.Value.Name] = re
				}
			} else {
				delete(res, p.Value.Name)
			}
		}
	}
	for name, re := range res {
		path = strings.Replace(path, "{"+name+"}", "{"+name+":"+re+"}", 1)
	}
	return path
}
