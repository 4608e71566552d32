package roadmappage

import (
	"cmp"
	"context"
	"encoding/xml"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/roadmap-go/roadmap/router"
)

// Kinds of [Event].
const (
	// EventLive: a Planned or Beta route went live on its LiveFrom.
	EventLive = "live"
	// EventDeprecated: a route was deprecated (its Deprecation date).
	EventDeprecated = "deprecated"
	// EventSunset: a deprecated route reached its Sunset and answers 410.
	EventSunset = "sunset"
)

// Event is one lifecycle event of the roadmap's feed ([Handler.Feed]).
type Event struct {
	// Kind is EventLive, EventDeprecated or EventSunset.
	Kind string
	// Route is the route's declaration.
	Route router.Route
	// At is the declared date of the event: LiveFrom, Deprecation or Sunset.
	At time.Time
}

// Events returns the roadmap's lifecycle events, newest first, as the
// public sees them: flags evaluated by [router.Router.Status] for a request
// without identity (no header, no cookie, no context values of r), stages in
// force computed by the router's clock (Config.Now). A route goes live on
// its LiveFrom, and sunsets on its Sunset, only once that date has passed
// by that clock; a Deprecated route's deprecation is listed with its
// declared date (RFC 9745 lets it be in the future). Routes kept secret
// while off (OffNotFound) appear only once served to everyone.
func (h *Handler) Events(r *http.Request) []Event {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := context.AfterFunc(r.Context(), cancel)
	defer stop()
	anon, err := http.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
	if err != nil {
		return nil
	}
	var out []Event
	for _, s := range h.rt.Status(anon) {
		rr := s.Route
		early := s.Stage == router.Planned || s.Stage == router.Beta
		if early && !s.Serving && h.rt.HidesWhenOff(rr.Method, rr.Pattern) {
			continue
		}
		if s.Stage == router.Live && rr.Stage != router.Live && !rr.LiveFrom.IsZero() {
			out = append(out, Event{Kind: EventLive, Route: rr, At: rr.LiveFrom})
		}
		if rr.Stage == router.Deprecated && !rr.Deprecation.IsZero() {
			out = append(out, Event{Kind: EventDeprecated, Route: rr, At: rr.Deprecation})
		}
		if s.Stage == router.Removed && !rr.Sunset.IsZero() {
			out = append(out, Event{Kind: EventSunset, Route: rr, At: rr.Sunset})
		}
	}
	slices.SortStableFunc(out, func(a, b Event) int { return b.At.Compare(a.At) })
	return out
}

// Atom 1.0 (RFC 4287) elements the feed uses.
type (
	atomFeed struct {
		XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string      `xml:"id"`
		Title   string      `xml:"title"`
		Updated string      `xml:"updated"`
		Author  atomPerson  `xml:"author"`
		Links   []atomLink  `xml:"link"`
		Entries []atomEntry `xml:"entry"`
	}
	atomPerson struct {
		Name string `xml:"name"`
	}
	atomLink struct {
		Rel  string `xml:"rel,attr,omitempty"`
		Href string `xml:"href,attr"`
		Type string `xml:"type,attr,omitempty"`
	}
	atomText struct {
		Type string `xml:"type,attr"`
		Body string `xml:",chardata"`
	}
	atomCategory struct {
		Term string `xml:"term,attr"`
	}
	atomEntry struct {
		ID       string         `xml:"id"`
		Title    string         `xml:"title"`
		Updated  string         `xml:"updated"`
		Category []atomCategory `xml:"category"`
		Links    []atomLink     `xml:"link"`
		Content  atomText       `xml:"content"`
	}
)

var atomType = []string{"application/atom+xml; charset=utf-8"}

// DefaultFeedYear is the date of the feed's tag: URIs when Options.FeedTag
// is empty: the year roadmap's feed appeared.
const DefaultFeedYear = "2026"

// Feed serves the roadmap's lifecycle events ([Handler.Events]) as an Atom
// 1.0 feed (RFC 4287), e.g. at GET /roadmap.atom, for clients to subscribe
// to in any feed reader. Callers Options.Allow rejects get the router's
// NotFound answer.
//
// Entry ids are tag: URIs (RFC 4151) built from Options.FeedTag, the
// event's kind and date and the route, so that they are the same on every
// request and every replica; an event whose date moves is a new entry.
// Entries are updated at their event's date, the feed at its newest
// entry's (or, without entries, when the Handler was made).
func (h *Handler) Feed(w http.ResponseWriter, r *http.Request) {
	if !h.allow(r) {
		h.rt.NotFound(w, r)
		return
	}
	events := h.Events(r)
	tag := h.feedTag
	if tag == "" {
		tag = hostOf(r.Host) + "," + DefaultFeedYear
	}
	page := strings.TrimSuffix(r.URL.Path, ".atom")
	feed := atomFeed{
		Title:  h.title,
		Author: atomPerson{Name: h.title},
		Links: []atomLink{
			{Rel: "self", Href: r.URL.Path, Type: "application/atom+xml"},
			{Rel: "alternate", Href: page, Type: "text/html"},
		},
		Updated: stamp(h.built),
	}
	feed.ID = "tag:" + tag + ":roadmap"
	if len(events) > 0 {
		feed.Updated = stamp(events[0].At)
	}
	for _, e := range events {
		feed.Entries = append(feed.Entries, entry(e, tag, page))
	}
	body, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h.write(w, r, atomType, append(append([]byte(xml.Header), body...), '\n'))
}

func entry(e Event, tag, page string) atomEntry {
	rr := e.Route
	id := rr.Method + " " + rr.Pattern
	name := id
	if rr.Name != "" {
		name = rr.Name + " (" + id + ")"
	}
	var title, text string
	switch e.Kind {
	case EventLive:
		title = name + " is live"
		text = id + " is generally available since " + day(e.At) + ": it is served to every caller."
	case EventDeprecated:
		title = name + " is deprecated"
		text = id + " is deprecated since " + day(e.At) + "."
		if !rr.Sunset.IsZero() {
			text += " It stops being served on " + day(rr.Sunset) + " and answers 410 Gone from then on."
		}
		if rr.Successor != "" {
			text += " Use " + rr.Successor + " instead."
		}
	case EventSunset:
		title = name + " is gone"
		text = id + " reached its sunset on " + day(e.At) + ": it answers 410 Gone."
		if rr.Successor != "" {
			text += " Use " + rr.Successor + " instead."
		}
	}
	links := []atomLink{{Rel: "related", Href: page, Type: "text/html"}}
	if rr.Docs != "" {
		links = append(links, atomLink{Rel: "alternate", Href: rr.Docs})
	}
	return atomEntry{
		ID:       "tag:" + tag + ":roadmap/" + e.Kind + "/" + day(e.At) + "/" + rr.Method + tagPath(rr.Pattern),
		Title:    title,
		Updated:  stamp(e.At),
		Category: []atomCategory{{Term: e.Kind}},
		Links:    links,
		Content:  atomText{Type: "text", Body: text},
	}
}

// tagPath escapes a chi pattern for the specific part of a tag: URI, which
// allows only URI path characters ("{id}" becomes "%7Bid%7D").
func tagPath(pattern string) string {
	parts := strings.Split(pattern, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// hostOf returns the host of a Host header without its port, in lower case,
// or "localhost".
func hostOf(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(strings.ToLower(host), "[]")
	for _, c := range host {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return "localhost" // an IPv6 literal or junk: not a tag authority
		}
	}
	return cmp.Or(host, "localhost")
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }
