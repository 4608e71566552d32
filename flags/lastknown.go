package flags

import (
	"sync"

	"github.com/open-feature/go-sdk/openfeature"
)

// lastKnown remembers the last successful decision per flag and targeting
// key, for [Options.KeepLastKnown]. It holds at most max decisions in two
// generations: when the current one is full it becomes the previous one and
// the oldest is dropped, so recently used decisions survive and memory stays
// bounded.
//
// A STATIC decision does not depend on the context, so it is also
// remembered for the flag as a whole, until the flag's next decision that is
// not STATIC: during an outage a static flag answers its last value for
// every targeting key, even one never seen. Being the newest decision of the
// flag, it wins over a key's own.
type lastKnown struct {
	mu        sync.Mutex
	gen       int  // entries per generation
	keep      bool // keep the previous generation
	cur, prev map[lastKnownKey]Decision
}

type lastKnownKey struct {
	flag, key string
	static    bool // the flag-wide entry of a STATIC decision
}

func newLastKnown(max int) *lastKnown {
	l := &lastKnown{gen: max / 2, keep: true}
	if l.gen == 0 {
		l.gen, l.keep = 1, false
	}
	l.cur = make(map[lastKnownKey]Decision, l.gen)
	return l
}

// remember records d, a successful decision for flag and targeting key.
func (l *lastKnown) remember(flag, key string, d Decision) {
	d.Cached = false
	l.mu.Lock()
	defer l.mu.Unlock()
	l.put(lastKnownKey{flag: flag, key: key}, d)
	static := lastKnownKey{flag: flag, static: true}
	if d.Reason == openfeature.StaticReason {
		l.put(static, d)
		return
	}
	delete(l.cur, static) // keys never seen must fail closed now
	delete(l.prev, static)
}

func (l *lastKnown) put(k lastKnownKey, d Decision) {
	if _, ok := l.cur[k]; !ok && len(l.cur) >= l.gen {
		l.prev = nil
		if l.keep {
			l.prev = l.cur
		}
		l.cur = make(map[lastKnownKey]Decision, l.gen)
	}
	l.cur[k] = d
}

// recall returns the remembered decision for flag and targeting key: the
// flag's static one, or else the key's own.
func (l *lastKnown) recall(flag, key string) (Decision, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	own, ok := l.get(lastKnownKey{flag: flag, key: key}) // kept recent either way
	if d, static := l.get(lastKnownKey{flag: flag, static: true}); static {
		return d, true
	}
	return own, ok
}

// get looks k up in both generations, moving an entry found only in the
// previous one to the current one so that it survives the next rotation.
func (l *lastKnown) get(k lastKnownKey) (Decision, bool) {
	if d, ok := l.cur[k]; ok {
		return d, true
	}
	d, ok := l.prev[k]
	if ok {
		delete(l.prev, k)
		l.put(k, d)
	}
	return d, ok
}

// keepsLastKnown reports whether a failure with code is an outage of the
// flag service, for which a remembered decision may stand in. Answers of
// the service itself (flag not found, wrong type, bad context), cancelled
// requests and provider panics (a bug) fail closed as usual.
func keepsLastKnown(code openfeature.ErrorCode) bool {
	switch code {
	case openfeature.GeneralCode, openfeature.ProviderNotReadyCode, openfeature.ProviderFatalCode,
		openfeature.ParseErrorCode, TimeoutCode:
		return true
	}
	return false
}
