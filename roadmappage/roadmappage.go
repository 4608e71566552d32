package roadmappage

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/router"
)

// Options configures a [Handler]. The zero value titles the page "API
// roadmap" and lets exactly the callers the router's Config.Roadmap predicate
// accepts see it.
type Options struct {
	// Title is the page's title. Empty means "API roadmap".
	Title string
	// Allow decides who may see the roadmap. Nil means the router's
	// Config.Roadmap predicate (everyone when that is nil too). Callers it
	// rejects get the router's 404, exactly like an undeclared path.
	Allow func(*http.Request) bool
	// FeedTag is the tagging entity of the feed's tag: URIs (RFC 4151): a
	// domain name or email address you own and a date you owned it on, e.g.
	// "example.com,2026". Empty means the request's host and
	// DefaultFeedYear.
	FeedTag string
	// Demand, if set, adds to each listed route what Demand counted (a
	// *demand.Counter, or a *demand.Snapshot merged from replicas): its
	// distinct callers and requests over the last 7 and 30 days, and for
	// deprecated routes the top callers. Who sees it: Operator and, with
	// PublicDemand, everyone Allow lets see the roadmap. Routes hidden from
	// a caller are not listed to them, so neither is their demand.
	Demand DemandSource
	// Operator decides who sees the demand of every route listed to them,
	// top callers included. Nil means nobody.
	Operator func(*http.Request) bool
	// PublicDemand shows the callers and requests counts (never the top
	// callers) to everyone who may see the roadmap. False, the default,
	// shows demand to Operator only.
	PublicDemand bool
}

// DemandSource reports demand: *demand.Counter and *demand.Snapshot have
// this method.
type DemandSource interface {
	Report() demand.Report
}

// Handler serves a router's roadmap: every declared route with its lifecycle
// and its effective state for the caller, as JSON ([Handler.JSON]) and as a
// server-rendered HTML page grouped by stage ([Handler.Page]).
//
// Nothing is served unless you mount it. Mount both on a chi router with
// [Handler.Mount], or each with your own router.
//
// A Handler is safe for concurrent use.
type Handler struct {
	rt       *router.Router
	title    string
	allow    func(*http.Request) bool
	demand   DemandSource
	operator func(*http.Request) bool
	public   bool
	// feedTag is Options.FeedTag; built is when New ran, the feed's
	// updated time while it has no entry.
	feedTag string
	built   time.Time
}

// New returns a Handler for rt.
func New(rt *router.Router, opts Options) *Handler {
	h := &Handler{rt: rt, title: opts.Title, allow: opts.Allow, feedTag: opts.FeedTag, built: time.Now(),
		demand: opts.Demand, operator: opts.Operator, public: opts.PublicDemand}
	if h.title == "" {
		h.title = "API roadmap"
	}
	if h.allow == nil {
		h.allow = rt.RoadmapVisible
	}
	return h
}

// Route is one route of the roadmap, as served by [Handler.JSON].
type Route struct {
	// Method is the route's HTTP method, e.g. "PATCH".
	Method string `json:"method"`
	// Pattern is the route's chi pattern, e.g. "/api/users/{id}".
	Pattern string `json:"pattern"`
	// Name is the route's human name, if declared.
	Name string `json:"name,omitempty"`
	// OperationID names the operation in OpenAPI documents, if declared.
	OperationID string `json:"operationId,omitempty"`
	// Stage is the stage in force now (after LiveFrom or Sunset).
	Stage string `json:"stage"`
	// DeclaredStage is the stage the route was declared with.
	DeclaredStage string `json:"declaredStage"`
	// Flag is the flag key of a Planned or Beta route.
	Flag string `json:"flag,omitempty"`
	// Available is the target release or date.
	Available string `json:"available,omitempty"`
	// Docs links the route's documentation.
	Docs string `json:"docs,omitempty"`
	// Successor links the route that replaces this one.
	Successor string `json:"successor,omitempty"`
	// LiveFrom is when a Planned or Beta route becomes Live, if declared.
	LiveFrom *time.Time `json:"liveFrom,omitempty"`
	// Deprecation is when a Deprecated route was deprecated.
	Deprecation *time.Time `json:"deprecation,omitempty"`
	// Sunset is when a Deprecated route stops being served, if declared.
	Sunset *time.Time `json:"sunset,omitempty"`
	// Serving reports whether the route's handler answers the caller now.
	Serving bool `json:"serving"`
	// State sums up the effective state for the caller: "available",
	// "unavailable" (not yet, for this caller) or "gone".
	State string `json:"state"`
	// Demand is what Options.Demand counted for the route, for callers
	// who may see it (see Options.Operator and PublicDemand); absent for
	// routes it never counted.
	Demand *Demand `json:"demand,omitempty"`
}

// Demand is one route's demand in the roadmap.
type Demand struct {
	// Kind is "demand" for planned and beta routes (requests they did not
	// serve) and "deprecated" for deprecated ones (every request).
	Kind demand.Kind `json:"kind"`
	// Windows are the last 7 and 30 days. Their top callers are listed to
	// operators only.
	Windows []demand.Window `json:"windows"`
}

// Document is the body of GET /roadmap.json.
type Document struct {
	// Title is the roadmap's title.
	Title string `json:"title"`
	// Routes lists the declared routes, in declaration order, less the
	// secret ones (OffNotFound) that are off for the caller.
	Routes []Route `json:"routes"`
}

// States of a route for the caller, in [Route].State.
const (
	// StateAvailable: the route's handler answers the caller.
	StateAvailable = "available"
	// StateUnavailable: the route is not available to the caller yet
	// (Planned, or Beta with its flag off for the caller).
	StateUnavailable = "unavailable"
	// StateGone: the route is removed, or its sunset has passed.
	StateGone = "gone"
)

// Roadmap returns the roadmap as the caller of r sees it, flags evaluated
// for r by [router.Router.Status]. Planned and Beta routes that answer like
// undeclared paths while off (OffNotFound) are listed only to callers they
// are served to. It does not check Options.Allow.
func (h *Handler) Roadmap(r *http.Request) Document {
	status := h.rt.Status(r)
	doc := Document{Title: h.title, Routes: make([]Route, 0, len(status))}
	var counted demand.Report
	operator := h.operator != nil && h.operator(r)
	showDemand := h.demand != nil && (operator || h.public)
	if showDemand {
		counted = h.demand.Report()
	}
	for _, s := range status {
		rr := s.Route
		early := s.Stage == router.Planned || s.Stage == router.Beta
		if early && !s.Serving && s.Hidden {
			continue // secret until served to the caller (OffNotFound)
		}
		out := Route{
			Method: rr.Method, Pattern: rr.Pattern, Name: rr.Name, OperationID: rr.OperationID,
			Stage: s.Stage.String(), DeclaredStage: rr.Stage.String(),
			Flag: rr.Flag, Available: rr.Available, Docs: rr.Docs, Successor: rr.Successor,
			LiveFrom: timePtr(rr.LiveFrom), Deprecation: timePtr(rr.Deprecation), Sunset: timePtr(rr.Sunset),
			Serving: s.Serving,
		}
		switch {
		case s.Serving:
			out.State = StateAvailable
		case s.Stage == router.Removed:
			out.State = StateGone
		default:
			out.State = StateUnavailable
		}
		if showDemand {
			out.Demand = demandOf(counted, rr, operator)
		}
		doc.Routes = append(doc.Routes, out)
	}
	return doc
}

// demandOf returns the demand of route rr in rep, with the top callers
// for operators only, or nil if rep has none.
func demandOf(rep demand.Report, rr router.Route, operator bool) *Demand {
	dr, ok := rep.Route(rr.Method, rr.Pattern)
	if !ok {
		return nil
	}
	d := &Demand{Kind: dr.Kind, Windows: dr.Windows}
	if !operator {
		d.Windows = make([]demand.Window, len(dr.Windows))
		for i, w := range dr.Windows {
			w.Top = nil
			d.Windows[i] = w
		}
	}
	return d
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

var (
	jsonType = []string{"application/json"}
	htmlType = []string{"text/html; charset=utf-8"}
	noStore  = []string{"private, no-store"}
	noSniff  = []string{"nosniff"}
	// The page has no script, no external resource and no frame.
	csp = []string{"default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"}
)

// JSON serves the roadmap as JSON (a [Document]), e.g. at GET /roadmap.json.
// Callers Options.Allow rejects get the router's NotFound answer.
func (h *Handler) JSON(w http.ResponseWriter, r *http.Request) {
	if !h.allow(r) {
		h.rt.NotFound(w, r)
		return
	}
	body, err := json.MarshalIndent(h.Roadmap(r), "", "  ")
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h.write(w, r, jsonType, append(body, '\n'))
}

// Page serves the roadmap as an HTML page grouped by stage, e.g. at
// GET /roadmap. Callers Options.Allow rejects get the router's NotFound
// answer.
func (h *Handler) Page(w http.ResponseWriter, r *http.Request) {
	if !h.allow(r) {
		h.rt.NotFound(w, r)
		return
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, newPage(h.Roadmap(r))); err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h.write(w, r, htmlType, buf.Bytes())
}

func (h *Handler) write(w http.ResponseWriter, r *http.Request, ctype []string, body []byte) {
	hdr := w.Header()
	hdr["Content-Type"] = ctype
	hdr["Cache-Control"] = noStore
	hdr["X-Content-Type-Options"] = noSniff
	hdr["Content-Security-Policy"] = csp
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// Router is the part of a chi router [Handler.Mount] needs; *chi.Mux and
// every chi.Router have it.
type Router interface {
	Method(method, pattern string, h http.Handler)
}

// Mount serves GET and HEAD /roadmap.json, /roadmap and /roadmap.atom on m,
// e.g. a *chi.Mux:
//
//	roadmappage.New(rt, roadmappage.Options{}).Mount(mux)
func (h *Handler) Mount(m Router) {
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		m.Method(method, "/roadmap.json", http.HandlerFunc(h.JSON))
		m.Method(method, "/roadmap", http.HandlerFunc(h.Page))
		m.Method(method, "/roadmap.atom", http.HandlerFunc(h.Feed))
	}
}
