package router

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/roadmap-go/roadmap/stub"
)

// maxOptIns bounds the number of names read from the opt-in header.
const maxOptIns = 32

// parseOptIn reads the opt-in header values vals. With strict, a name that
// matches no beta route, or more than maxOptIns names, is answered with 400
// naming the problem; without, unknown names are dropped and the list is
// capped silently, so that the answer reveals nothing. Repeated names count
// once.
func (rt *Router) parseOptIn(w http.ResponseWriter, r *http.Request, vals []string, strict bool) ([]string, bool) {
	var names []string
	for _, v := range vals {
		for part := range strings.SplitSeq(v, ",") {
			n := strings.TrimSpace(part)
			if n == "" || slices.Contains(names, n) {
				continue
			}
			if _, ok := rt.betaNames[n]; !ok {
				if !strict {
					continue
				}
				if len(n) > 64 {
					n = n[:64] + "…"
				}
				rt.badRequest(w, r, stub.TypeUnknownOptIn, fmt.Sprintf("Unknown beta feature %q in the %s header.", n, rt.optIn))
				return nil, false
			}
			if len(names) >= maxOptIns {
				if !strict {
					return names, true
				}
				rt.badRequest(w, r, stub.TypeTooManyOptIns, fmt.Sprintf("Too many beta features in the %s header (at most %d).", rt.optIn, maxOptIns))
				return nil, false
			}
			names = append(names, n)
		}
	}
	return names, true
}

// optInsOf returns the beta names the client of r opts into, leaving out
// unknown ones: for Status and the Allow of a 405, which never answer 400.
func (rt *Router) optInsOf(r *http.Request) []string {
	if rt.optIn == "" || len(r.Header[rt.optIn]) == 0 {
		return nil
	}
	names, _ := rt.parseOptIn(nil, r, r.Header[rt.optIn], false)
	return names
}

func (rt *Router) badRequest(w http.ResponseWriter, r *http.Request, typ, detail string) {
	stub.New(stub.Typed(stub.Problem{Status: http.StatusBadRequest, Detail: detail}, typ)).ServeHTTP(w, r)
}
