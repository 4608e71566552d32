package flags

import (
	"context"
	"sync"

	"github.com/open-feature/go-sdk/openfeature"
)

// byKey holds decisions per flag and targeting key, at most max of them in
// two generations: when the current one is full it becomes the previous one
// and the oldest is dropped, so recently used decisions survive and memory
// stays bounded whatever the number of keys. A Gate has one for
// [Options.KeepLastKnown] (remember, recall) and one for
// [Options.CacheTargeted] (get, store).
type byKey struct {
	mu        sync.Mutex
	size      int    // entries per generation
	keep      bool   // keep the previous generation
	gen       uint64 // CacheTargeted: the snapshot generation of the entries
	cur, prev map[flagKey]Decision
}

type flagKey struct {
	flag, key string
	static    bool // KeepLastKnown: the flag-wide entry of a STATIC decision
}

func newByKey(max int) *byKey {
	b := &byKey{size: max / 2, keep: true}
	if b.size == 0 {
		b.size, b.keep = 1, false
	}
	b.cur = make(map[flagKey]Decision, b.size)
	return b
}

// put stores d under k. The caller holds b.mu.
func (b *byKey) put(k flagKey, d Decision) {
	if _, ok := b.cur[k]; !ok && len(b.cur) >= b.size {
		b.prev = nil
		if b.keep {
			b.prev = b.cur
		}
		b.cur = make(map[flagKey]Decision, b.size)
	}
	b.cur[k] = d
}

// find looks k up in both generations, moving an entry found only in the
// previous one to the current one so that it survives the next rotation.
// The caller holds b.mu.
func (b *byKey) find(k flagKey) (Decision, bool) {
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

// remember records d, a successful decision for flag and targeting key, as
// the last known one.
//
// A STATIC decision does not depend on the context, so it is also
// remembered for the flag as a whole, until the flag's next decision that is
// not STATIC: during an outage a static flag answers its last value for
// every targeting key, even one never seen. Being the newest decision of the
// flag, it wins over a key's own.
func (b *byKey) remember(flag, key string, d Decision) {
	d.Cached = false
	b.mu.Lock()
	defer b.mu.Unlock()
	b.put(flagKey{flag: flag, key: key}, d)
	static := flagKey{flag: flag, static: true}
	if d.Reason == openfeature.StaticReason {
		b.put(static, d)
		return
	}
	delete(b.cur, static) // keys never seen must fail closed now
	delete(b.prev, static)
}

// recall returns the last known decision for flag and targeting key: the
// flag's static one, or else the key's own.
func (b *byKey) recall(flag, key string) (Decision, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	own, ok := b.find(flagKey{flag: flag, key: key}) // kept recent either way
	if d, static := b.find(flagKey{flag: flag, static: true}); static {
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

// get returns the targeted decision cached for flag and key in generation
// gen.
func (b *byKey) get(gen uint64, flag, key string) (Decision, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.gen != gen {
		return Decision{}, false
	}
	return b.find(flagKey{flag: flag, key: key})
}

// store caches d, a targeted decision evaluated in generation gen, unless a
// later generation has begun. The first store of a later generation drops
// every entry.
func (b *byKey) store(gen uint64, flag, key string, d Decision) {
	d.Cached = true
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case gen < b.gen:
		return
	case gen > b.gen:
		b.gen, b.prev = gen, nil
		clear(b.cur)
	}
	b.put(flagKey{flag: flag, key: key}, d)
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
