package flags

import (
	"sync"

	"github.com/open-feature/go-sdk/openfeature"
)

// lastKnown remembers the last successful decision per flag and targeting
// key, for [Options.KeepLastKnown]. It holds at most max decisions in two
// generations: when the current one is full it becomes the previous one and
// the oldest generation is dropped, so recently used decisions survive and
// memory stays bounded without per-entry bookkeeping.
//
// Decisions whose reason is STATIC do not depend on the evaluation context,
// so they are also remembered for the flag as a whole: during an outage a
// static flag answers its last value for every targeting key, including keys
// never seen before.
type lastKnown struct {
	mu   sync.Mutex
	gen  int // entries per generation
	keep bool
	cur  map[lastKnownKey]lastKnownEntry
	prev map[lastKnownKey]lastKnownEntry
	seq  uint64
}

type lastKnownKey struct {
	flag, key string
	static    bool // the flag-wide entry of a STATIC decision
}

type lastKnownEntry struct {
	d   Decision
	seq uint64 // recency, to prefer the newer of the keyed and static entries
}

func newLastKnown(max int) *lastKnown {
	l := &lastKnown{gen: max / 2, keep: true}
	if l.gen == 0 {
		l.gen, l.keep = 1, false
	}
	l.cur = make(map[lastKnownKey]lastKnownEntry, l.gen)
	return l
}

// remember records d, a successful decision for flag and targeting key.
func (l *lastKnown) remember(flag, key string, d Decision) {
	d.Cached = false
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	e := lastKnownEntry{d: d, seq: l.seq}
	l.put(lastKnownKey{flag: flag, key: key}, e)
	static := lastKnownKey{flag: flag, static: true}
	if d.Reason == openfeature.StaticReason {
		l.put(static, e)
		return
	}
	// The flag depends on the context now: its flag-wide value no longer
	// stands for keys never seen, which must fail closed in an outage.
	delete(l.cur, static)
	delete(l.prev, static)
}

func (l *lastKnown) put(k lastKnownKey, e lastKnownEntry) {
	if _, ok := l.cur[k]; !ok && len(l.cur) >= l.gen {
		l.prev = nil
		if l.keep {
			l.prev = l.cur
		}
		l.cur = make(map[lastKnownKey]lastKnownEntry, l.gen)
	}
	l.cur[k] = e
}

// recall returns the newest remembered decision for flag and targeting key:
// the key's own or the flag's static one.
func (l *lastKnown) recall(flag, key string) (Decision, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	own, okOwn := l.get(lastKnownKey{flag: flag, key: key})
	st, okStatic := l.get(lastKnownKey{flag: flag, static: true})
	switch {
	case okOwn && (!okStatic || own.seq >= st.seq):
		return own.d, true
	case okStatic:
		return st.d, true
	}
	return Decision{}, false
}

// get looks k up in both generations, moving an entry found only in the
// previous one to the current one so that it survives the next rotation.
func (l *lastKnown) get(k lastKnownKey) (lastKnownEntry, bool) {
	if e, ok := l.cur[k]; ok {
		return e, true
	}
	e, ok := l.prev[k]
	if ok {
		delete(l.prev, k)
		l.put(k, e)
	}
	return e, ok
}

// keepsLastKnown reports whether a failure with code is an outage of the
// flag service, for which a remembered decision may stand in. Answers that
// come from the service itself (flag not found, wrong type, bad context) and
// cancelled requests are not outages: they fail closed as usual, and so does
// a provider panic, which is a bug.
func keepsLastKnown(code openfeature.ErrorCode) bool {
	switch code {
	case openfeature.GeneralCode, openfeature.ProviderNotReadyCode, openfeature.ProviderFatalCode,
		openfeature.ParseErrorCode, TimeoutCode:
		return true
	}
	return false
}
