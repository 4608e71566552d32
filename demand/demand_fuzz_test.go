package demand_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/router"
)

// FuzzReadSnapshot feeds arbitrary bytes to ReadSnapshot, as a replica's
// /demand answer an aggregator cannot trust: it either fails with
// ErrSnapshot or gives a snapshot that merges with a real one (or is
// refused for its key) and reports, never a panic.
func FuzzReadSnapshot(f *testing.F) {
	c := demand.New(testKey, demand.Options{Secret: secret, Now: func() time.Time { return day0 }})
	for _, k := range []string{"ada", "bob", ""} {
		c.Count(planned, router.Planned, router.OutcomeStubbed, k)
		c.Count(retiring, router.Deprecated, router.OutcomeServed, k)
	}
	real := c.Snapshot()
	seed, err := json.Marshal(real)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"keyId":"x","today":"2026-12-03","routes":[{"method":"GET","pattern":"/a","kind":"deprecated","days":[{"day":"2026-12-03","requests":1,"anonymous":0,"top":[{"id":"zz","requests":1,"error":0}]}]}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := demand.ReadSnapshot(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, demand.ErrSnapshot) {
				t.Fatalf("got %v, want an ErrSnapshot", err)
			}
			return
		}
		_ = s.Report()
		s.KeyID = real.KeyID
		if m, err := demand.Merge(real, s); err == nil {
			_ = m.Report()
		} else if !errors.Is(err, demand.ErrSnapshot) {
			t.Fatalf("Merge: got %v, want an ErrSnapshot", err)
		}
	})
}
