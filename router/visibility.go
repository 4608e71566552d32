package router

import "net/http"

// RoadmapVisible reports whether the caller of r may see the roadmap, as
// decided by Config.Roadmap (true when it is nil). Introspection endpoints
// (the roadmap page, OpenAPI documents) use it to answer callers it rejects
// exactly like [Router.NotFound].
func (rt *Router) RoadmapVisible(r *http.Request) bool { return rt.canSee(r) }

// HidesWhenOff reports whether the declared route method pattern answers
// like an undeclared path while it is off (its Off, or Config.Off, is
// OffNotFound). Introspection endpoints leave such a route out for callers it
// is not served to, so that they do not reveal what the route hides. It
// reports false for a route that is not declared.
func (rt *Router) HidesWhenOff(method, pattern string) bool {
	for i := range rt.entries {
		if e := &rt.entries[i]; methodNames[e.method] == method && e.path.pattern == pattern {
			return e.hides
		}
	}
	return false
}

// OffAnswerOf reports what the declared route method pattern answers while
// it is off for a caller who may see the roadmap: its OffAnswer with
// Config.Off applied (never OffInherit), and custom true when an OffHandler
// (the route's or Config's) answers instead. ok is false for a route that is
// not declared. OpenAPI documents use it to describe the real off answer.
func (rt *Router) OffAnswerOf(method, pattern string) (mode OffAnswer, custom, ok bool) {
	for i := range rt.entries {
		e := &rt.entries[i]
		if methodNames[e.method] != method || e.path.pattern != pattern {
			continue
		}
		r := e.declaration()
		mode = r.Off
		if mode == OffInherit {
			mode = rt.off
		}
		if mode == OffInherit {
			mode = OffNotImplemented
		}
		custom = r.OffHandler != nil || r.Off == OffInherit && rt.offHandler
		return mode, custom, true
	}
	return OffInherit, false, false
}
