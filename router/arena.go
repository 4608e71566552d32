package router

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/roadmap-go/roadmap/stub"
)

// builder holds what New allocates in blocks while it builds the entries of
// a table: the problem answers, the strings they and the header values are
// made of, the header value slices and the evaluation attributes. A route
// then costs no allocation of its own but the boxing of its name, for gated
// routes, and its attribute map. Blocks are never grown, so that what was
// handed out stays where it is; everything lives as long as the Router.
type builder struct {
	text   textArena
	stubs  *stub.Batch
	strs   []string     // unused part of the current block of header values
	attrs  []attr       // unused part of the current block of attributes
	extras []entryExtra // unused part of the current block of entry extras
	decls  []Route      // unused part of the block of kept declarations

	allow      [1 << numMethods][]string // Allow value per set of methods, see allowValue
	methodAny  [numMethods]any           // route attribute values, boxed once
	stageAny   [len(stageNames)]any
	patternAny []any // per path, boxed on first use
}

// Block sizes: bytes for text, elements for the others.
const (
	textBlock = 16 << 10
	strsBlock = 256
	attrBlock = 64 * 4
	xBlock    = 64
)

// newBuilder returns a builder whose first blocks fit the table as counted
// by tab, for paths distinct patterns.
func newBuilder(tab *table, paths int) *builder {
	b := &builder{stubs: stub.NewBatch(tab.stubs), patternAny: make([]any, paths),
		extras: make([]entryExtra, tab.extras), decls: make([]Route, tab.decls)}
	for i, m := range methodNames {
		b.methodAny[i] = m
	}
	for i, s := range stageNames {
		b.stageAny[i] = s
	}
	return b
}

// patternValue returns pattern, the pattern of path k, boxed once per path.
func (b *builder) patternValue(k int32, pattern string) any {
	if b.patternAny[k] == nil {
		b.patternAny[k] = pattern
	}
	return b.patternAny[k]
}

// extra returns a zero entryExtra.
func (b *builder) extra() *entryExtra {
	if len(b.extras) == 0 {
		b.extras = make([]entryExtra, xBlock)
	}
	x := &b.extras[0]
	b.extras = b.extras[1:]
	return x
}

// declaration returns a copy of r.
func (b *builder) declaration(r *Route) *Route {
	if len(b.decls) == 0 {
		b.decls = make([]Route, xBlock)
	}
	d := &b.decls[0]
	b.decls = b.decls[1:]
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

// attributes returns a slice for n attributes, with no room to append in
// place.
func (b *builder) attributes(n int) []attr {
	if len(b.attrs) < n {
		b.attrs = make([]attr, max(attrBlock, n))
	}
	s := b.attrs[:n:n]
	b.attrs = b.attrs[n:]
	return s
}

// allowValue returns the Allow header value listing the methods in mask (bit
// i for methodNames[i]), or nil for none. One value per set of methods is
// built per table and shared by its paths: header values are never written
// to.
func (b *builder) allowValue(mask uint16) []string {
	if mask == 0 {
		return nil
	}
	if v := b.allow[mask]; v != nil {
		return v
	}
	v := allowValue(mask)
	b.allow[mask] = v
	return v
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
