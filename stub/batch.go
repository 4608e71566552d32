package stub

import "strings"

// TODO(core): remove once router stops using it.

// Batch builds Responders with [New].
//
// Deprecated: use [New]; Batch goes once package router no longer uses it.
type Batch struct{}

// NewBatch returns a Batch.
//
// Deprecated: use [New].
func NewBatch(int) *Batch { return &Batch{} }

// New is [New].
//
// Deprecated: use [New].
func (*Batch) New(p Problem) *Responder { return New(p) }

// NewJoined is [New] for a problem whose Detail and Route are the
// concatenations of detail and route.
//
// Deprecated: use [New].
func (*Batch) NewJoined(p Problem, detail, route []string) *Responder {
	p.Detail, p.Route = strings.Join(detail, ""), strings.Join(route, "")
	return New(p)
}
