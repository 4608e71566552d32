package main

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// guestPrefix marks the user ids of guests (trial accounts, say) in the
// demo: they may not see the roadmap.
const guestPrefix = "guest-"

// userHeader names the caller in the demo. It is written in canonical form
// ("X-User-Id", as http.CanonicalHeaderKey writes "X-User-ID"), so that it
// is looked up in the header map directly, not canonicalized per request.
const userHeader = "X-User-Id"

// roadmapViewer is the demo's Config.Roadmap predicate: everyone may see the
// roadmap (the 501 answers with their details) except guests, whose
// X-User-ID starts with "guest-". Guests get 404 for planned and off beta
// routes, exactly as for paths that do not exist.
//
// X-User-ID is set by the client here, so anyone can claim any id or none:
// a real service decides from an identity its authentication middleware
// verified (see flags.FromContextValue), never from a header the client
// chooses. docs/rollout.md shows how.
func roadmapViewer(r *http.Request) bool {
	v := r.Header[userHeader]
	return len(v) == 0 || !strings.HasPrefix(v[0], guestPrefix)
}

func userActivity(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, Activity{ID: chi.URLParam(r, "id"), Activity: []string{"signed in", "updated profile"}})
}

func insights(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, Insights{ActiveUsers: 42, Trend: "up"})
}
