package openapi

import (
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/roadmap-go/roadmap/router"
)

// Handler serves a router's OpenAPI document as JSON, e.g. at
// GET /openapi.json:
//
//	h, err := openapi.NewHandler(rt, openapi.Options{})
//	...
//	mux.Method(http.MethodGet, "/openapi.json", h)
//
// Callers who may not see the roadmap (the router's Config.Roadmap) get a
// document without the Planned and Beta routes that are not served to them.
//
// A Handler is safe for concurrent use.
type Handler struct {
	rt   *router.Router
	opts Options
	// Pre-rendered documents, when not PerRequest.
	full, public []byte
	// ops keeps the operations of per-request documents (PerRequest).
	ops *opCache
}

var (
	jsonType    = []string{"application/json"}
	noStore     = []string{"private, no-store"}
	revalidate  = []string{"private, no-cache"}
	noSniff     = []string{"nosniff"}
	varyHeaders = []string{"*"}
)

// NewHandler returns a Handler for rt, or an error listing every declared
// body (Route.Request, Route.Responses) that cannot be described as a JSON
// Schema. Unless opts.PerRequest is set, the
// documents are rendered once, here: the full one, and the one for callers
// who may not see the roadmap.
func NewHandler(rt *router.Router, opts Options) (*Handler, error) {
	h := &Handler{rt: rt, opts: opts, ops: newOpCache()}
	routes := rt.Routes()
	if err := h.ops.bodies(routes).err; err != nil {
		return nil, err
	}
	if opts.PerRequest {
		return h, nil
	}
	doc := documentOf(rt, routes, opts, h.ops)
	var err error
	if h.full, err = marshal(doc, h.ops); err != nil {
		return nil, err
	}
	// The public document is the full one without Planned and Beta
	// operations (Document with HidePlanned, less the betas), made from it
	// rather than built again.
	for path, item := range doc.Paths.Map() {
		left := 0
		eachOperation(item, func(method string, op *openapi3.Operation) {
			if l, ok := op.Extensions[LifecycleExtension].(Lifecycle); ok && (l.Stage == router.Beta.String() || l.Stage == router.Planned.String()) {
				item.SetOperation(method, nil)
			} else {
				left++
			}
		})
		if left == 0 {
			doc.Paths.Delete(path)
		}
	}
	pruneWith(doc, h.ops)
	if h.public, err = marshal(doc, h.ops); err != nil {
		return nil, err
	}
	h.ops = nil // both documents are rendered
	return h, nil
}

// ServeHTTP writes the document for r's caller.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr["Content-Type"] = jsonType
	hdr["X-Content-Type-Options"] = noSniff
	var body []byte
	if h.opts.PerRequest {
		b, err := h.perRequest(r)
		if err != nil {
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		body = b
		hdr["Cache-Control"] = noStore
		hdr["Vary"] = varyHeaders
	} else {
		body = h.full
		if !h.rt.RoadmapVisible(r) {
			body = h.public
		}
		hdr["Cache-Control"] = revalidate
	}
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

// perRequest returns the document for r's caller: the one rendered last for
// a caller who saw the same operations in the same states, or a new one.
func (h *Handler) perRequest(r *http.Request) ([]byte, error) {
	views, routes := viewsFor(h.rt, r, h.opts)
	key := viewsKey(views)
	if b, ok := h.ops.document(key); ok {
		return b, nil
	}
	b, err := marshal(build(views, routes, h.opts, h.ops), h.ops)
	if err != nil {
		return nil, err
	}
	h.ops.keepDocument(key, b)
	return b, nil
}
