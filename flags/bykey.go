package flags

import (
	"context"
	"sync"

	"github.com/open-feature/go-sdk/openfeature"
)

// bounded holds at most max decisions in two generations: when the current
// one is full it becomes the previous one and the oldest is dropped, so
// recently used decisions survive and memory stays bounded whatever the
// number of keys. Its owner locks.
type bounded[K comparable] struct {
	size      int  // entries per generation
	keep      bool // keep the previous generation
	cur, prev map[K]Decision
}

func newBounded[K comparable](max int) bounded[K] {
	b := bounded[K]{size: max / 2, keep: true}
	if b.size == 0 {
		b.size, b.keep = 1, false
	}
	b.cur = make(map[K]Decision, b.size)
	return b
}

func (b *bounded[K]) put(k K, d Decision) {
	if _, ok := b.cur[k]; !ok && len(b.cur) >= b.size {
		b.prev = nil
		if b.keep {
			b.prev = b.cur
		}
		b.cur = make(map[K]Decision, b.size)
	}
	b.cur[k] = d
}

// get looks k up in both generations, moving an entry found only in the
// previous one to the current one so that it survives the next rotation.
func (b *bounded[K]) get(k K) (Decision, bool) {
	if d, ok := b.cur[k]; ok {
		return d, true
	}
	d, ok := b.prev[k]
	if ok {
		delete(b.prev, k)
		b.put(k, d)
	}
	return d, ok
}

// lastKnown remembers the last successful decision per flag and targeting
// key, for [Options.KeepLastKnown].
//
// A STATIC decision does not depend on the context, so it is also
// remembered for the flag as a whole, until the flag's next decision that is
// not STATIC: during an outage a static flag answers its last value for
// every targeting key, even one never seen. Being the newest decision of the
// flag, it wins over a key's own.
type lastKnown struct {
	mu sync.Mutex
	m  bounded[lastKnownKey]
}

type lastKnownKey struct {
	flag, key string
	static    bool // the flag-wide entry of a STATIC decision
}

func newLastKnown(max int) *lastKnown { return &lastKnown{m: newBounded[lastKnownKey](max)} }

// remember records d, a successful decision for flag and targeting key.
func (l *lastKnown) remember(flag, key string, d Decision) {
	d.Cached = false
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m.put(lastKnownKey{flag: flag, key: key}, d)
	static := lastKnownKey{flag: flag, static: true}
	if d.Reason == openfeature.StaticReason {
		l.m.put(static, d)
		return
	}
	delete(l.m.cur, static) // keys never seen must fail closed now
	delete(l.m.prev, static)
}

// recall returns the remembered decision for flag and targeting key: the
// flag's static one, or else the key's own.
func (l *lastKnown) recall(flag, key string) (Decision, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	own, ok := l.m.get(lastKnownKey{flag: flag, key: key}) // kept recent either way
	if d, static := l.m.get(lastKnownKey{flag: flag, static: true}); static {
		return d, true
	}
	return own, ok
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

// targetedCache holds decisions of targeted flags per flag and targeting
// key, for [Options.CacheTargeted]. Its entries belong to one snapshot.gen
// of the Gate's cache.
type targetedCache struct {
	mu  sync.Mutex
	gen uint64 // the snapshot generation of the entries
	m   bounded[targetedKey]
}

type targetedKey struct{ flag, key string }

func newTargetedCache(max int) *targetedCache {
	return &targetedCache{m: newBounded[targetedKey](max)}
}

// get returns the decision cached for flag and key in generation gen.
func (c *targetedCache) get(gen uint64, flag, key string) (Decision, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return Decision{}, false
	}
	return c.m.get(targetedKey{flag, key})
}

// store caches d, evaluated in generation gen, unless a later generation
// has begun. The first store of a later generation drops every entry.
func (c *targetedCache) store(gen uint64, flag, key string, d Decision) {
	d.Cached = true
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case gen < c.gen:
		return
	case gen > c.gen:
		c.gen, c.m.prev = gen, nil
		clear(c.m.cur)
	}
	c.m.put(targetedKey{flag, key}, d)
}

// keyOnly returns the targeting key of an evaluation whose merged context is
// that key and nothing else.
func keyOnly(ctx context.Context, ec openfeature.EvaluationContext) (string, bool) {
	if ec.TargetingKey() == "" || len(ec.Attributes()) > 0 {
		return "", false
	}
	tx := openfeature.TransactionContext(ctx)
	return ec.TargetingKey(), tx.TargetingKey() == "" && len(tx.Attributes()) == 0
}
