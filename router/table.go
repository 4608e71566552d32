package router

import (
	"fmt"
	"hash/maphash"
	"net/url"
	"strings"
)

// table indexes the declared routes by pattern while New validates them.
// Everything that depends only on a route's pattern (chi's verdict, the
// pattern's shape, the path handler it will be served by) is computed once per
// distinct pattern, and duplicates are found per pattern and method, so that
// a table of many routes costs one map lookup per route.
type table struct {
	routes    []Route
	patterns  []patternInfo    // distinct patterns, in order of first declaration
	byPattern map[string]int32 // pattern -> index in patterns
	last      int32            // index in patterns of the route added last
	bad       map[int32]error  // index in patterns -> what is wrong with it (ErrPattern), made at the first such pattern

	seed     maphash.Seed
	shapes   map[uint64]int32 // hash of a pattern's shape -> first route
	shapeBuf []byte
	collided map[string]int32  // shape -> first route, for shapes whose hash is taken by another
	odd      map[[2]string]int // {method, pattern} -> first route, for methods outside the standard set
	// firsts: {pattern, method} -> first route, for standard methods, made
	// at the first duplicate (see add).
	firsts map[[2]int32]int32
	links  linkSet
}

// linkSet remembers the Docs and Successor links found valid: a table
// often links one page from many routes.
type linkSet struct {
	ok map[string]struct{}
}

// valid reports whether link is a URI reference that can be sent in a Link
// header.
func (s *linkSet) valid(link string) bool {
	if _, ok := s.ok[link]; ok {
		return true
	}
	if _, err := url.Parse(link); err != nil || strings.ContainsAny(link, "<>\" \t\r\n") {
		return false
	}
	if s.ok == nil {
		s.ok = map[string]struct{}{}
	}
	s.ok[link] = struct{}{}
	return true
}

// patternInfo is what New knows about one distinct pattern. It holds no
// pointers, so that the collector need not scan the table: what is wrong
// with a pattern is in table.bad, its path handler in Router.paths.
type patternInfo struct {
	first   int32  // the first route that declares it
	shapeOf int32  // -1, or the first route of a differently spelled pattern of the same shape
	methods uint16 // the standard methods declared (bit i for methodNames[i])
}

func newTable(routes []Route) *table {
	// Most patterns serve a few methods: room for a pattern per three
	// routes, more if need be.
	n := len(routes)/3 + 1
	return &table{
		routes:    routes,
		patterns:  make([]patternInfo, 0, n),
		byPattern: make(map[string]int32, n),
		seed:      maphash.MakeSeed(),
	}
}

// add records route i and returns the index of its pattern in t.patterns
// and the index of an earlier route with the same method and pattern, or
// -1.
func (t *table) add(i int) (int32, int) {
	r := &t.routes[i]
	k := t.last
	ok := i > 0 && r.Pattern == t.routes[i-1].Pattern // the pattern of the route before: no lookup
	if !ok {
		k, ok = t.byPattern[r.Pattern]
	}
	if !ok {
		k = int32(len(t.patterns))
		t.byPattern[r.Pattern] = k
		t.patterns = append(t.patterns, patternInfo{first: int32(i), shapeOf: t.shapeOf(i)})
		if err := patternProblem(r.Pattern); err != nil {
			if t.bad == nil {
				t.bad = map[int32]error{}
			}
			t.bad[k] = err
		}
	}
	t.last = k
	p := &t.patterns[k]
	if m := methodIndex(r.Method); m >= 0 {
		key := [2]int32{k, int32(m)}
		if p.methods&(1<<m) == 0 {
			p.methods |= 1 << m
			if t.firsts != nil {
				t.firsts[key] = int32(i)
			}
			return k, -1
		}
		if t.firsts == nil {
			t.firstRoutes(i)
		}
		return k, int(t.firsts[key])
	}
	// Not a standard method (New reports it): duplicates by exact spelling.
	if t.odd == nil {
		t.odd = map[[2]string]int{}
	}
	key := [2]string{r.Method, r.Pattern}
	if j, dup := t.odd[key]; dup {
		return k, j
	}
	t.odd[key] = i
	return k, -1
}

// patternErr returns what is wrong with pattern k (see patternProblem), or
// nil.
func (t *table) patternErr(k int32) error { return t.bad[k] }

// firstRoutes makes t.firsts for the routes before i, the first duplicate.
func (t *table) firstRoutes(i int) {
	t.firsts = map[[2]int32]int32{}
	k := int32(-1)
	for j := range i {
		r := &t.routes[j]
		if j == 0 || r.Pattern != t.routes[j-1].Pattern {
			k = t.byPattern[r.Pattern]
		}
		if m := methodIndex(r.Method); m >= 0 {
			key := [2]int32{k, int32(m)}
			if _, seen := t.firsts[key]; !seen {
				t.firsts[key] = int32(j)
			}
		}
	}
}

// shapeOf returns -1 if route i is the first with its pattern's shape (see
// patternShape), or else the first route with that shape, whose pattern is
// necessarily spelled differently: i declares a pattern not seen before.
// Patterns without parameters are their own shape, so only patterns with
// parameters can share one.
func (t *table) shapeOf(i int) int32 {
	pattern := t.routes[i].Pattern
	if strings.IndexByte(pattern, '{') < 0 {
		return -1
	}
	if t.shapes == nil {
		// Sized once, like byPattern: a map grown step by step costs
		// every table it outgrows.
		t.shapes = make(map[uint64]int32, cap(t.patterns)-len(t.patterns))
	}
	t.shapeBuf = appendShape(t.shapeBuf[:0], pattern)
	h := maphash.Bytes(t.seed, t.shapeBuf)
	j, ok := t.shapes[h]
	switch {
	case !ok:
		t.shapes[h] = int32(i)
		return -1
	case patternShape(t.routes[j].Pattern) == string(t.shapeBuf):
		return j
	}
	// Another shape has this hash: such shapes are looked up by value.
	if t.collided == nil {
		t.collided = map[string]int32{}
	}
	if j, ok := t.collided[string(t.shapeBuf)]; ok {
		return j
	}
	t.collided[string(t.shapeBuf)] = int32(i)
	return -1
}

// patternProblem returns what is wrong with pattern, wrapping ErrPattern, or
// nil.
func patternProblem(pattern string) error {
	switch {
	case !strings.HasPrefix(pattern, "/"):
		return fmt.Errorf("%w: %q must start with /", ErrPattern, pattern)
	case hasSpaceOrControl(pattern):
		return fmt.Errorf("%w: %q contains white space or a control character", ErrPattern, pattern)
	}
	if err := chiPatternError(pattern); err != nil {
		return fmt.Errorf("%w: %v", ErrPattern, err)
	}
	return nil
}

// hasSpaceOrControl reports whether s has an ASCII space or control
// character. (Bytes of other characters are all above 0x7f.)
func hasSpaceOrControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return true
		}
	}
	return false
}
