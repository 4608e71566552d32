package demand

import (
	"encoding/json"
	"io"
	"net/http"
)

// Handler serves the Counter's [Snapshot] as JSON to callers allow
// accepts, for another replica or an aggregator to [Merge]. Everyone else
// gets denied, e.g. the router's NotFound, so that the snapshot (which
// names hidden routes) is never shown to them. allow is required: a
// snapshot is for operators only (serve it on an internal port, or to
// loopback peers).
func (c *Counter) Handler(allow func(*http.Request) bool, denied http.Handler) http.Handler {
	if allow == nil || denied == nil {
		panic("demand: Handler needs allow and denied")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allow(r) {
			denied.ServeHTTP(w, r)
			return
		}
		body, err := json.Marshal(c.Snapshot())
		if err != nil {
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		_, _ = w.Write(append(body, '\n'))
	})
}

// maxSnapshotBytes bounds a snapshot read by ReadSnapshot: Days dense
// sketches for each of a few hundred routes.
const maxSnapshotBytes = 256 << 20

// ReadSnapshot decodes a snapshot served by [Counter.Handler] from body,
// reading at most 256 MiB (a longer one fails as truncated). Errors wrap
// ErrSnapshot.
func ReadSnapshot(body io.Reader) (*Snapshot, error) {
	var s Snapshot
	if err := json.NewDecoder(io.LimitReader(body, maxSnapshotBytes)).Decode(&s); err != nil {
		return nil, errorf("%v", err)
	}
	return &s, nil
}
