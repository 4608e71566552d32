package stub

import "strings"

// Batch builds many Responders at once, for a table with one answer per
// route: the Responders are allocated in blocks and their bodies rendered
// into shared buffers, so that a Responder costs no allocation of its own.
// Each Responder answers exactly as one built by [New] from the same
// [Problem].
//
// The zero value is ready to use. A Batch is not safe for concurrent use; the
// Responders it returns are, and stay valid after the Batch is dropped.
type Batch struct {
	responders []Responder // unused part of the current block
	buf        []byte      // current body buffer; rendered bodies are never moved

	// The heads (see appendHead) of the last two kinds of problem
	// rendered: a table's answers mostly share their type and title, and
	// a status of two (501 and 410).
	heads    [2]renderedHead
	headNext int
	// Problems of recent Responders, shared by the next ones that differ
	// from one only in Detail and Route; replaced in turn.
	shared   [8]*Problem
	replace  int
	problems []Problem // unused part of the current block
	// Recent parts of joined texts found safe (see joinedLen): a table's
	// texts repeat the same sentences and patterns.
	safe     [2]string
	safeNext int
}

// Block sizes. A block is never grown: Responders and bodies handed out stay
// where they are.
const (
	batchResponders = 64
	batchBytes      = 16 << 10
)

// NewBatch returns a Batch with room for n Responders in its first block, for
// callers that know how many they will build.
func NewBatch(n int) *Batch {
	return &Batch{responders: make([]Responder, max(n, 1))}
}

// New renders p and returns a [Responder] for it, like [New]. It panics if
// p.Status is not a 4xx or 5xx code.
func (b *Batch) New(p Problem) *Responder {
	return b.NewJoined(p, []string{p.Detail}, []string{p.Route})
}

// NewJoined is [Batch.New] for a problem whose Detail and Route are each the
// concatenation of parts (p.Detail and p.Route are ignored). Texts that need
// no escaping are rendered into the body from their parts and read back
// from it by [Responder.Problem], so that they are never built as strings
// of their own. NewJoined keeps no reference to the slices detail and route.
func (b *Batch) NewJoined(p Problem, detail, route []string) *Responder {
	defaults(&p)
	if len(b.responders) == 0 {
		b.responders = make([]Responder, batchResponders)
	}
	s := &b.responders[0]
	b.responders = b.responders[1:]
	dn, dSafe := b.joinedLen(detail)
	rn, rSafe := b.joinedLen(route)
	joined := dSafe && rSafe
	p.Detail, p.Route = "", ""
	if !joined { // rare: rendered from whole strings, with escaping, and kept
		p.Detail, p.Route = strings.Join(detail, ""), strings.Join(route, "")
	}
	if need := problemSize(&p) + dn + rn; cap(b.buf)-len(b.buf) < need {
		b.buf = make([]byte, 0, max(batchBytes, need))
	}
	start := len(b.buf)
	b.buf = append(b.buf, b.head(&p)...)
	if joined {
		b.buf, s.detail = appendJoined(b.buf, start, "detail", detail, dn)
		b.buf = append(b.buf, `,"instance":"`...)
	} else {
		b.buf = appendDetail(b.buf, &p)
	}
	mid := len(b.buf)
	if joined {
		b.buf = append(b.buf, '"')
		b.buf = appendMember(b.buf, "stage", p.Stage)
		b.buf, s.route = appendJoined(b.buf, mid, "route", route, rn)
		b.buf = appendMember(b.buf, "available", p.Available)
		b.buf = appendMember(b.buf, "docs", p.Docs)
		b.buf = append(b.buf, "}\n"...)
	} else {
		b.buf = appendSuffix(b.buf, &p)
	}
	end := len(b.buf)
	// s is zero: set field by field rather than copy a whole Responder.
	// A full slice expression: appending to the body never writes into
	// the next one.
	s.status = int32(p.Status)
	if joined {
		s.shared = b.share(&p)
	} else {
		s.shared = b.problem(&p)
	}
	s.body, s.mid = b.buf[start:end:end], int32(mid-start)
	return s
}

// renderedHead is the rendered head of a problem of one status, type and title.
type renderedHead struct {
	b          []byte
	typ, title string
	status     int
}

// head returns the head of p (see appendHead): a recent one, or a new one
// that replaces the older.
func (b *Batch) head(p *Problem) []byte {
	for i := range b.heads {
		if h := &b.heads[i]; h.b != nil && p.Status == h.status && p.Type == h.typ && p.Title == h.title {
			return h.b
		}
	}
	h := &b.heads[b.headNext]
	b.headNext ^= 1
	h.b = appendHead(h.b[:0], p)
	h.typ, h.title, h.status = p.Type, p.Title, p.Status
	return h.b
}

// joinedLen returns the length of the concatenation of parts and whether
// none of them needs escaping in a JSON string.
func (b *Batch) joinedLen(parts []string) (int, bool) {
	n := 0
	for _, s := range parts {
		n += len(s)
		switch long := len(s) >= 16; {
		case long && (s == b.safe[0] || s == b.safe[1]): // found safe before
		case safePrefix(s) < len(s):
			return 0, false
		case long:
			b.safe[b.safeNext] = s
			b.safeNext ^= 1
		}
	}
	return n, true
}

// appendJoined appends `,"name":"` and the concatenation of parts, n bytes
// that need no escaping, and `"`, unless n is 0 (omitempty). It returns
// where the text is, counted from base, or zeros.
func appendJoined(b []byte, base int, name string, parts []string, n int) ([]byte, [2]int32) {
	if n == 0 {
		return b, [2]int32{}
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':', '"')
	at := [2]int32{int32(len(b) - base), int32(len(b) - base + n)}
	for _, s := range parts {
		b = append(b, s...)
	}
	return append(b, '"'), at
}

// problem returns a copy of p from the current block.
func (b *Batch) problem(p *Problem) *Problem {
	if len(b.problems) == 0 {
		b.problems = make([]Problem, batchResponders)
	}
	sh := &b.problems[0]
	b.problems = b.problems[1:]
	*sh = *p
	return sh
}

// share returns a problem equal to p but for Detail and Route: a recent one,
// or a copy of p.
func (b *Batch) share(p *Problem) *Problem {
	for _, sh := range b.shared {
		if sh != nil && p.Status == sh.Status && p.Type == sh.Type && p.Title == sh.Title &&
			p.Stage == sh.Stage && p.Available == sh.Available && p.Docs == sh.Docs {
			return sh
		}
	}
	sh := b.problem(p)
	b.shared[b.replace] = sh
	b.replace = (b.replace + 1) % len(b.shared)
	return sh
}
