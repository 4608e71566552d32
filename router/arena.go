package router

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/roadmap-go/roadmap/stub"
)

// builder holds what New allocates in blocks while it builds the entries of
// a table: the path handlers, the problem answers, the strings they and the
// header values are made of, the header value slices, the entry extras and
// the declarations kept whole. A route then costs no allocation of its own
// (a gated route's attribute set is built at its first uncached
// evaluation, see entry.attributes).
// Blocks are never grown, so that what was handed out stays where it is;
// everything lives as long as the Router.
type builder struct {
	rt     *Router
	text   textArena
	stubs  *stub.Batch
	strs   []string // unused part of the current block of header values
	extras block[entryExtra]
	lives  block[lifecycle]
	decls  block[Route] // declarations kept whole
	paths  block[pathHandler]

	// Allow values: one per set of methods, see allowIndex.
	allowIndexes [1 << numMethods]uint16
	allowValues  [][]string
}

// Block sizes: bytes for text, elements for header values; the blocks of
// the others grow from minBlock elements (see block).
const (
	textBlock = 16 << 10
	strsBlock = 256
	minBlock  = 16
)

// newBuilder returns a builder for the routes of rt.
func newBuilder(rt *Router) *builder {
	return &builder{rt: rt, stubs: &stub.Batch{}, allowValues: [][]string{nil},
		extras: block[entryExtra]{max: 512}, lives: block[lifecycle]{max: 128}, decls: block[Route]{max: 64}, paths: block[pathHandler]{max: 256}}
}

// block hands out zero values of T from blocks it allocates, each twice
// the size of the one before, from minBlock to max elements.
type block[T any] struct {
	free []T // unused part of the current block
	size int // size of the current block
	max  int // largest block, in elements: at most 32 KiB, the largest small object
}

// take returns a pointer to a zero T.
func (bl *block[T]) take() *T {
	if len(bl.free) == 0 {
		bl.size = min(max(minBlock, 2*bl.size), bl.max)
		bl.free = make([]T, bl.size)
	}
	x := &bl.free[0]
	bl.free = bl.free[1:]
	return x
}

// path returns a new path handler for pattern.
func (b *builder) path(pattern string) *pathHandler {
	p := b.paths.take()
	p.rt = b.rt
	p.pattern = pattern
	return p
}

// extra returns a zero entryExtra.
func (b *builder) extra() *entryExtra { return b.extras.take() }

// declaration returns a copy of r.
func (b *builder) declaration(r *Route) *Route {
	d := b.decls.take()
	*d = *r
	return d
}

// values returns v in a slice with no room to append in place.
func (b *builder) values(v ...string) []string {
	if len(b.strs) < len(v) {
		b.strs = make([]string, max(strsBlock, len(v)))
	}
	s := b.strs[:len(v):len(v)]
	b.strs = b.strs[len(v):]
	copy(s, v)
	return s
}

// allowIndex returns the index in allowValues of the Allow header value
// listing the methods in mask (bit i for methodNames[i]); 0, a nil value,
// for none. One value per set of methods is built per table and shared by
// its paths: header values are never written to.
func (b *builder) allowIndex(mask uint16) uint16 {
	if mask == 0 {
		return 0
	}
	if i := b.allowIndexes[mask]; i != 0 {
		return i
	}
	i := uint16(len(b.allowValues))
	b.allowValues = append(b.allowValues, allowValue(mask))
	b.allowIndexes[mask] = i
	return i
}

// allowValue returns the Allow header value listing the methods in mask, or
// nil for none.
func allowValue(mask uint16) []string {
	if mask == 0 {
		return nil
	}
	var sb strings.Builder
	for i, m := range methodNames {
		if mask&(1<<i) != 0 {
			if sb.Len() > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(m)
		}
	}
	return []string{sb.String()}
}

// textArena builds strings in shared blocks: a string costs a copy, and an
// allocation only per block.
type textArena struct {
	b *strings.Builder
}

// concat returns the concatenation of parts.
func (a *textArena) concat(parts ...string) string {
	n := 0
	for _, s := range parts {
		n += len(s)
	}
	start := a.room(n)
	for _, s := range parts {
		a.b.WriteString(s)
	}
	return a.b.String()[start:]
}

// bytes returns p as a string.
func (a *textArena) bytes(p []byte) string {
	start := a.room(len(p))
	a.b.Write(p)
	return a.b.String()[start:]
}

// room makes room for n bytes in the current block and returns where they
// start. A block is never grown: the strings handed out point into it.
func (a *textArena) room(n int) int {
	if a.b == nil || a.b.Cap()-a.b.Len() < n {
		a.b = new(strings.Builder)
		a.b.Grow(max(textBlock, n))
	}
	return a.b.Len()
}

// unixValue returns "@" followed by t's Unix time, the RFC 9745 Deprecation
// value.
func (a *textArena) unixValue(t time.Time) string {
	var buf [24]byte
	return a.bytes(strconv.AppendInt(append(buf[:0], '@'), t.Unix(), 10))
}

// httpDate returns t in the HTTP date format (RFC 9110 §5.6.7).
func (a *textArena) httpDate(t time.Time) string {
	var buf [40]byte
	return a.bytes(t.UTC().AppendFormat(buf[:0], http.TimeFormat))
}
