package flags

import (
	"context"
	"sync"

	"github.com/open-feature/go-sdk/openfeature"
)

// targetedCache holds decisions of targeted flags per flag and targeting
// key, for [Options.CacheTargeted], in two bounded generations as lastKnown
// does. Its entries belong to one snapshot.gen of the Gate's cache.
type targetedCache struct {
	mu   sync.Mutex
	gen  uint64 // the snapshot generation of the entries
	size int    // entries per generation
	cur  map[targetedKey]Decision
	prev map[targetedKey]Decision
}

type targetedKey struct{ flag, key string }

func newTargetedCache(max int) *targetedCache {
	size := max / 2
	if size == 0 {
		size = 1
	}
	return &targetedCache{size: size, cur: make(map[targetedKey]Decision, size)}
}

// get returns the decision cached for flag and key in generation gen.
func (c *targetedCache) get(gen uint64, flag, key string) (Decision, bool) {
	k := targetedKey{flag, key}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return Decision{}, false
	}
	if d, ok := c.cur[k]; ok {
		return d, true
	}
	d, ok := c.prev[k]
	if ok { // keep it through the next rotation
		delete(c.prev, k)
		c.put(k, d)
	}
	return d, ok
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
		c.gen, c.prev = gen, nil
		c.cur = make(map[targetedKey]Decision, c.size)
	}
	c.put(targetedKey{flag, key}, d)
}

func (c *targetedCache) put(k targetedKey, d Decision) {
	if _, ok := c.cur[k]; !ok && len(c.cur) >= c.size {
		c.prev, c.cur = c.cur, make(map[targetedKey]Decision, c.size)
	}
	c.cur[k] = d
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
