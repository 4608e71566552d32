package router

import "net/http"

// RoadmapVisible reports whether the caller of r may see the roadmap, as
// decided by Config.Roadmap (true when it is nil). Introspection endpoints
// (the roadmap page, OpenAPI documents) use it to answer callers it rejects
// exactly like [Router.NotFound].
func (rt *Router) RoadmapVisible(r *http.Request) bool { return rt.canSee(r) }
