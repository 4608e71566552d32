package lifecycle

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/roadmap-go/roadmap/openapi"
	"github.com/roadmap-go/roadmap/router"
)

// Errors of [ReadTable] and [FetchTable]; test with errors.Is.
var (
	// ErrDocument: the input is not an OpenAPI document kin-openapi
	// accepts (syntax or structure).
	ErrDocument = errors.New("not a valid OpenAPI document")
	// ErrLifecycle: an operation's x-lifecycle is malformed (an unknown
	// stage, a date that is not RFC 3339).
	ErrLifecycle = errors.New("invalid x-lifecycle")
	// ErrFetch: the document could not be fetched from its URL.
	ErrFetch = errors.New("cannot fetch the document")
)

// MaxDocumentBytes is the largest document [ReadTable] and [FetchTable]
// read.
const MaxDocumentBytes = 32 << 20

// Operation is one route of a route table: one operation of an OpenAPI
// document and its x-lifecycle extension.
type Operation struct {
	// Method is the HTTP method in upper case, e.g. "PATCH".
	Method string `json:"method"`
	// Path is the OpenAPI path template, e.g. "/api/users/{id}".
	Path string `json:"path"`
	// OperationID and Name (the summary) identify the operation for people.
	OperationID string `json:"operationId,omitempty"`
	Name        string `json:"name,omitempty"`
	// Stage is the declared stage: x-lifecycle's declaredStage if the
	// document was made for a request after LiveFrom or Sunset, else its
	// stage. An operation without x-lifecycle is Planned.
	Stage router.Stage `json:"stage"`
	// Flag, Brownout, Available and Successor are x-lifecycle's members.
	Flag      string `json:"flag,omitempty"`
	Brownout  string `json:"brownout,omitempty"`
	Available string `json:"available,omitempty"`
	Successor string `json:"successor,omitempty"`
	// LiveFrom, BetaSince, Deprecation and Sunset are x-lifecycle's dates;
	// zero when absent.
	LiveFrom    time.Time `json:"liveFrom,omitzero"`
	BetaSince   time.Time `json:"betaSince,omitzero"`
	Deprecation time.Time `json:"deprecation,omitzero"`
	Sunset      time.Time `json:"sunset,omitzero"`
	// Line is the line of the operation in a JSON document (counted from
	// 1), or 0.
	Line int `json:"line,omitempty"`
}

// ID returns "METHOD /path", the operation's identity in a table.
func (o Operation) ID() string { return o.Method + " " + o.Path }

// StageAt returns the stage in force at t: Live once LiveFrom has passed
// for a Planned or Beta route, Removed once Sunset has passed for a
// Deprecated one, else the declared stage. It is the router's rule.
func (o Operation) StageAt(t time.Time) router.Stage {
	switch {
	case (o.Stage == router.Planned || o.Stage == router.Beta) && !o.LiveFrom.IsZero() && !t.Before(o.LiveFrom):
		return router.Live
	case o.Stage == router.Deprecated && !o.Sunset.IsZero() && !t.Before(o.Sunset):
		return router.Removed
	}
	return o.Stage
}

// Table is a route table read from an OpenAPI document.
type Table struct {
	// Source is where the document was read from: a path or a URL.
	Source string `json:"source"`
	// Title and Version are the document's info.
	Title   string `json:"title,omitempty"`
	Version string `json:"version,omitempty"`
	// Operations lists the operations sorted by path, then method.
	Operations []Operation `json:"operations"`
}

// ReadTable parses data, an OpenAPI 3.0 or 3.1 document in JSON or YAML,
// with kin-openapi and returns its route table. source names the input in
// errors ("openapi.json", a URL). Errors wrap [ErrDocument] or
// [ErrLifecycle] and carry the line and column where they can: JSON syntax
// errors, and the operation of an x-lifecycle error.
func ReadTable(source string, data []byte) (t *Table, err error) {
	defer func() {
		// kin-openapi parses untrusted input; whatever it does, a bad
		// document is only ever an error.
		if p := recover(); p != nil {
			t, err = nil, fmt.Errorf("%s: %w: parser panicked: %v", source, ErrDocument, p)
		}
	}()
	if len(data) > MaxDocumentBytes {
		return nil, fmt.Errorf("%s: %w: %d bytes (at most %d)", source, ErrDocument, len(data), MaxDocumentBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: %w: empty", source, ErrDocument)
	}
	isJSON := bytes.TrimSpace(data)[0] == '{'
	if isJSON {
		var x any
		if err := json.Unmarshal(data, &x); err != nil {
			return nil, jsonError(source, data, err)
		}
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", source, ErrDocument, err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", source, ErrDocument, err)
	}
	var lines map[string]int
	if isJSON {
		lines = operationLines(data)
	}
	t = &Table{Source: source}
	if doc.Info != nil {
		t.Title, t.Version = doc.Info.Title, doc.Info.Version
	}
	var errs []error
	// The removed operations are listed apart, under x-removed.
	removed, err := openapi.RemovedPaths(doc)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: %w: %v", source, ErrDocument, err))
	}
	for _, paths := range []*openapi3.Paths{doc.Paths, removed} {
		if paths == nil {
			continue
		}
		for path, item := range paths.Map() {
			for method, op := range item.Operations() {
				o, err := operation(strings.ToUpper(method), path, op)
				o.Line = lines[path+" "+strings.ToLower(method)]
				if err != nil {
					where := source
					if o.Line > 0 {
						where = fmt.Sprintf("%s:%d", source, o.Line)
					}
					errs = append(errs, fmt.Errorf("%s: %s: %w", where, o.ID(), err))
					continue
				}
				t.Operations = append(t.Operations, o)
			}
		}
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(t.Operations, func(a, b Operation) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Method, b.Method))
	})
	return t, nil
}

func operation(method, path string, op *openapi3.Operation) (Operation, error) {
	o := Operation{Method: method, Path: path, OperationID: op.OperationID, Name: op.Summary}
	if o.Name == method+" "+path {
		o.Name = "" // the summary openapi.Document writes for a route without a name
	}
	var l openapi.Lifecycle
	if raw, ok := op.Extensions[openapi.LifecycleExtension]; ok {
		b, err := json.Marshal(raw)
		if err == nil {
			err = json.Unmarshal(b, &l)
		}
		if err != nil {
			return o, fmt.Errorf("%w: %v", ErrLifecycle, err)
		}
	}
	stage := cmp.Or(l.DeclaredStage, l.Stage, router.Planned.String())
	s, err := router.ParseStage(stage)
	if err != nil {
		return o, fmt.Errorf("%w: %w", ErrLifecycle, err)
	}
	o.Stage, o.Flag, o.Brownout, o.Available, o.Successor = s, l.Flag, l.Brownout, l.Available, l.Successor
	for _, d := range [...]struct {
		name, s string
		dst     *time.Time
	}{
		{"liveFrom", l.LiveFrom, &o.LiveFrom}, {"betaSince", l.BetaSince, &o.BetaSince},
		{"deprecation", l.Deprecation, &o.Deprecation}, {"sunset", l.Sunset, &o.Sunset},
	} {
		if d.s == "" {
			continue
		}
		v, err := ParseDate(d.s)
		if err != nil {
			return o, fmt.Errorf("%w: %s %q is not an RFC 3339 time or date", ErrLifecycle, d.name, d.s)
		}
		*d.dst = v
	}
	return o, nil
}

// ParseDate parses an RFC 3339 time ("2026-03-01T00:00:00Z") or a full
// date ("2026-03-01", midnight UTC).
func ParseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Parse(time.DateOnly, s)
}

// FetchTable reads the route table from a running server's document, e.g.
// "http://127.0.0.1:8080/openapi.json". header is sent with the request (a
// document made for a request shows what that caller may see: send the
// identity of a caller who may see the roadmap). client nil means
// http.DefaultClient.
func FetchTable(ctx context.Context, client *http.Client, url string, header http.Header) (*Table, error) {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", url, ErrFetch, err)
	}
	for k, vs := range header {
		req.Header[k] = slices.Clone(vs)
	}
	req.Header.Set("Accept", "application/json, application/yaml;q=0.9")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %w: status %s", url, ErrFetch, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxDocumentBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", url, ErrFetch, err)
	}
	return ReadTable(url, data)
}

// jsonError turns a JSON decoding error into "source:line:col: ...".
func jsonError(source string, data []byte, err error) error {
	var off int64 = -1
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		off = se.Offset - 1
	} else if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		off = te.Offset
	}
	if off < 0 {
		return fmt.Errorf("%s: %w: %v", source, ErrDocument, err)
	}
	line, col := position(data, off)
	return fmt.Errorf("%s:%d:%d: %w: %v", source, line, col, ErrDocument, err)
}

// position returns the line and column (counted from 1; columns in bytes)
// of byte offset off in data.
func position(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// operationLines returns the line of each operation of a JSON document,
// keyed "path method" (method in lower case, as written).
func operationLines(data []byte) map[string]int {
	lines := map[string]int{}
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		obj, wantKey bool
		key          string
	}
	var stack []frame
	line, counted := 1, int64(0) // the line at offset counted
	for {
		tok, err := dec.Token()
		if err != nil {
			return lines
		}
		off := dec.InputOffset()
		line += bytes.Count(data[counted:off], []byte("\n"))
		counted = off
		n := len(stack)
		if n > 0 && stack[n-1].obj && stack[n-1].wantKey {
			if k, ok := tok.(string); ok {
				stack[n-1].key, stack[n-1].wantKey = k, false
				// stack: root {paths: {PATH: {METHOD: ...
				if n == 3 && stack[0].key == "paths" {
					lines[stack[1].key+" "+k] = line
				}
				continue
			}
		}
		if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
			stack = append(stack, frame{obj: d == '{', wantKey: d == '{'})
			continue
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:n-1]
			n--
		}
		if n > 0 {
			stack[n-1].wantKey = stack[n-1].obj
		}
	}
}
