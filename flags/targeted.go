package flags

import (
	"context"
	"sync"

	"github.com/open-feature/go-sdk/openfeature"
)

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
