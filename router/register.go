package router

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"
)

// Registration on chi.
//
// Every path handler answers all methods itself: 405 with its Allow list,
// HEAD by GET, hidden routes like undeclared ones. Registering each pattern
// for every method (chi's Handle) costs chi an endpoint per method known to
// it, ten or more; so a pattern is registered only for the methods it serves,
// and a request for another method on its path reaches chi's
// method-not-allowed handler, Router.methodNotAllowed, which finds the
// pattern and lets its path handler answer. The answer is the same as if the
// pattern took every method, with one exception this file rules out: a path
// that two patterns match. Given "/users/me" (GET) and "/users/{id}" (GET,
// DELETE), chi would route DELETE /users/me to "/users/{id}" instead of
// answering 405 for "/users/me". So every pattern that may share a path with
// another is registered for every method, as before, and chi picks the same
// pattern for every request as it always did.

// register registers p on mux: for every method if all, else for the
// methods p serves, except HEAD when GET serves it (a HEAD request then
// reaches Router.methodNotAllowed, which finds the pattern by GET, first of
// methodNames). chi's panics become errors.
func register(mux *chi.Mux, p *pathHandler, all bool) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%v", v)
		}
	}()
	if all {
		mux.Handle(p.pattern, p)
		return nil
	}
	for i, j := range p.byMethod {
		// HEAD served by GET is not registered: chi's method-not-allowed
		// handler finds the pattern by GET and the path handler answers.
		if j != 0 && (i != mHead || j != p.byMethod[mGet]) {
			mux.Method(methodNames[i], p.pattern, p)
		}
	}
	return nil
}

// methodNotAllowed is chi's answer when a request path matches a pattern that
// is not registered for the request method. It finds that pattern the way chi
// finds a route (by the path, for a method the pattern is registered for:
// no other pattern matches the path, see sharedPaths), records the URL
// parameters and the pattern as chi does for a route it serves, and lets the
// pattern's path handler answer: 405 with the methods the caller may know of,
// or 404.
func (rt *Router) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	rctx := chi.RouteContext(r.Context())
	// chi calls this handler without looking at the path when it does not
	// know the routing method; the router has always answered 404 then.
	if rctx == nil || methodIndex(rctx.RouteMethod) < 0 && rctx.RouteMethod != "QUERY" {
		rt.notFound.ServeHTTP(w, r)
		return
	}
	path := rctx.RoutePath
	if path == "" {
		if path = r.URL.RawPath; path == "" {
			path = r.URL.Path
		}
		if path == "" {
			path = "/"
		}
	}
	for _, m := range methodNames {
		k, ok := rt.byPattern[rt.mux.Find(rctx, m, path)]
		if !ok {
			continue
		}
		for i, key := range rctx.URLParams.Keys {
			r.SetPathValue(key, rctx.URLParams.Values[i])
		}
		r.Pattern = rctx.RoutePattern()
		rt.paths[k].ServeHTTP(w, r)
		return
	}
	rt.notFound.ServeHTTP(w, r)
}

// Limits of sharedPaths, beyond which it gives up and reports every pattern
// concerned, so that New stays fast whatever the table.
const (
	maxOddPatterns = 16 // patterns with wildcards or regular expressions
	maxMasks       = 16 // parameter layouts per number of segments
	maxSegments    = 64
)

// sharedPaths reports, for each pattern, whether a request path may match it
// and another pattern of the table. It may report patterns that share no path
// (they are then registered for every method, which is always right), never
// the reverse:
//
//   - A pattern with a wildcard or a regular expression (not a
//     simplePattern) shares paths with every pattern whose literal prefix
//     (up to the first '{' or '*') is a prefix of its own, or the reverse.
//   - Parameters of other patterns match bytes other than '/' only (chi
//     checks), so two such patterns share a path only if they have as many
//     segments and, segment by segment, one of the two has a parameter in it
//     or both spell it the same. This is checked with hashes of the segments
//     without parameters (a collision only reports a pair too many).
func sharedPaths(patterns []string) []bool {
	shared := make([]bool, len(patterns))
	type simple struct {
		mask     uint64 // bit i: segment i has a parameter
		segments int32
		k        int32
	}
	var odd []int
	params := make([]simple, 0, len(patterns)) // simple patterns, with their layout
	var hasParams [maxSegments + 1]bool        // a pattern with so many segments has parameters
	for k, p := range patterns {
		if !simplePattern(p) {
			odd = append(odd, k)
			continue
		}
		s := simple{segments: int32(strings.Count(p, "/")), k: int32(k)}
		if s.segments > maxSegments {
			shared[k] = true
			continue
		}
		if strings.IndexByte(p, '{') >= 0 {
			s.mask = paramMask(p)
			hasParams[s.segments] = true
		}
		params = append(params, s)
	}

	if len(odd) > maxOddPatterns {
		for k := range shared {
			shared[k] = true
		}
		return shared
	}
	if len(odd) > 0 {
		prefixes := make([]string, len(patterns))
		for k, p := range patterns {
			prefixes[k] = literalPrefix(p)
		}
		for _, k := range odd {
			shared[k] = true
			pk := prefixes[k]
			for j, pj := range prefixes {
				if strings.HasPrefix(pj, pk) || strings.HasPrefix(pk, pj) {
					shared[j] = true
				}
			}
		}
	}

	// Only patterns with as many segments as a pattern with parameters
	// can share a path: two literal patterns match one path each.
	params = slices.DeleteFunc(params, func(s simple) bool { return !hasParams[s.segments] })
	slices.SortFunc(params, func(a, b simple) int {
		return cmp.Or(cmp.Compare(a.segments, b.segments), cmp.Compare(a.mask, b.mask), cmp.Compare(a.k, b.k))
	})
	seed := maphash.MakeSeed()
	var buf []byte
	seen := make(map[uint64]int, len(params)) // hash -> last pattern with it (index in params)
	next := make([]int, len(params))          // previous pattern with the same hash, or -1
	for start := 0; start < len(params); {
		end := start
		for end < len(params) && params[end].segments == params[start].segments {
			end++
		}
		group := params[start:end]
		// Runs of one mask; literal patterns (mask 0) sort first.
		var runs [][]simple
		for i := 0; i < len(group); {
			j := i
			for j < len(group) && group[j].mask == group[i].mask {
				j++
			}
			runs = append(runs, group[i:j])
			i = j
		}
		if len(runs) > maxMasks {
			for _, s := range group {
				shared[s.k] = true
			}
			start = end
			continue
		}
		for a, ra := range runs {
			if ra[0].mask == 0 {
				continue // literal patterns pair with the others below
			}
			for b, rb := range runs[:a+1] {
				u := ra[0].mask | rb[0].mask
				clear(seen)
				for i, s := range rb {
					buf = appendMaskedSegments(buf[:0], patterns[s.k], u)
					h := maphash.Bytes(seed, buf)
					last, ok := seen[h]
					next[i] = -1
					if ok {
						next[i] = last
					}
					seen[h] = i
					if ok && a == b { // within one run, each with the one before
						shared[s.k], shared[rb[last].k] = true, true
					}
				}
				if a == b {
					continue
				}
				for _, s := range ra {
					buf = appendMaskedSegments(buf[:0], patterns[s.k], u)
					h := maphash.Bytes(seed, buf)
					if j, ok := seen[h]; ok {
						shared[s.k] = true
						for ; j >= 0; j = next[j] {
							shared[rb[j].k] = true
						}
						seen[h] = -1 // chain reported
					}
				}
			}
		}
		start = end
	}
	return shared
}

// paramMask returns the segments of pattern (counted after each '/') that
// have a parameter in them, as bits.
func paramMask(pattern string) uint64 {
	var mask uint64
	seg := -1
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '/':
			seg++
		case c == '{' && seg >= 0:
			mask |= 1 << seg
		}
	}
	return mask
}

// appendMaskedSegments appends the segments of pattern, with those in mask
// replaced by a 0 byte (no pattern New accepts has one).
func appendMaskedSegments(b []byte, pattern string, mask uint64) []byte {
	seg := -1
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c == '/' {
			seg++
			b = append(b, c)
			if mask&(1<<seg) != 0 {
				b = append(b, 0)
			}
			continue
		}
		if seg < 0 || mask&(1<<seg) == 0 {
			b = append(b, c)
		}
	}
	return b
}

// literalPrefix returns pattern up to its first parameter or wildcard.
func literalPrefix(pattern string) string {
	if i := strings.IndexAny(pattern, "{*"); i >= 0 {
		return pattern[:i]
	}
	return pattern
}
