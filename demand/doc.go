// Package demand counts who asks for what a router does not serve yet, and
// who still calls what it is retiring.
//
// A [Counter] is told every request the router answers (it is the router's
// demand observer, see [Counter.ObserveCaller]) and counts, per route and per
// UTC day:
//
//   - for Planned and Beta routes, the requests they did not serve (501, or
//     their off answer, or hidden): the demand for a route not built or not
//     open to that caller yet ([KindDemand]);
//   - for Deprecated routes, every request, served, browned out or past its
//     Sunset: who still calls it ([KindDeprecated]).
//
// For each it keeps the requests, the anonymous requests (no targeting key)
// apart, the distinct callers by targeting key in a HyperLogLog sketch
// (github.com/axiomhq/hyperloglog), and for deprecated routes the most
// frequent callers in a Space-Saving summary. [Counter.Report] sums the
// buckets over the last 7 and 30 days ([Windows]).
//
// # Keys
//
// Targeting keys are never stored or shown: the Counter keeps their keyed
// hash (SipHash-2-4 under Options.Secret), and reports top callers under its
// 16-hex-digit pseudonym. An operator finds a known caller with
// [Counter.Pseudonym]; without the secret, the pseudonyms cannot be tested
// against guessed keys.
//
// # Bounded memory
//
// Whatever the number of callers, a counted route holds at most [Days]
// sketches of 4 KiB and Days summaries of Options.TopCallers entries; a
// caller that sends a new random key on every request grows nothing.
//
// # Replicas
//
// Each replica serves its [Snapshot] ([Counter.Handler]); [Merge] merges
// snapshots exactly: the merged sketch is the sketch of the union of the
// replicas' callers, so a caller seen by several replicas counts once,
// where adding their estimates would count it once per replica. The
// replicas must share Options.Secret.
//
// # Cost
//
// Counting a request reads the key (a [KeyFunc], e.g. [HeaderKey]), hashes
// it, and updates the day's sketch (and summary) under a per-route lock; it
// allocates nothing once the route's day bucket exists. Requests that are not
// counted (live routes, served betas) cost a switch.
//
// # Example
//
//	counter := demand.New(demand.HeaderKey("X-User-ID"), demand.Options{Secret: secret})
//	defer counter.Close()
//	rt, err := router.New(routes, router.Config{
//		Context:  flags.FromHeader("X-User-ID"),
//		Observer: counter, // see the router's doc for the demand observer
//	})
//
// See docs/demand.md for what is counted, the error bounds and merging
// replicas.
package demand
