package flags

import (
	"context"
	"sync"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
)

// boundCtx is the context a provider evaluates with when [Options.Timeout]
// bounds the evaluation: the request's context (its values, its
// cancellation) with the evaluation's deadline.
//
// Its Done channel is made the first time someone asks for it (Done, or
// AfterFunc through context.WithCancel and friends): a provider that never
// looks at its context, as in-process providers do not, costs one small
// allocation and no channel, timer or goroutine. A provider that does
// look (any provider that calls a service) gets a channel that is closed
// at the deadline, when the request goes away, or when the requester stops
// waiting.
type boundCtx struct {
	context.Context           // the request's
	deadline        time.Time // of this evaluation
	// timed: Done arms a timer for the deadline. Inline evaluations need
	// it; isolated ones are ended by the requester, who waits on its own
	// timer.
	timed bool

	mu         sync.Mutex
	err        error         // set once, when the context ends
	done       chan struct{} // nil until asked for
	timer      *time.Timer   // armed with done, inline only
	stopParent func() bool   // propagation of the request's cancellation
	onCancel   []func()      // registered by AfterFunc
}

// Deadline returns the evaluation's deadline, or the request's if earlier.
func (c *boundCtx) Deadline() (time.Time, bool) {
	if d, ok := c.Context.Deadline(); ok && d.Before(c.deadline) {
		return d, true
	}
	return c.deadline, true
}

// Done returns a channel closed when the evaluation's context ends.
func (c *boundCtx) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armLocked()
	return c.done
}

// armLocked makes the done channel, and the timer and the propagation of
// the request's cancellation that close it, once. c.mu is held.
func (c *boundCtx) armLocked() {
	if c.done != nil {
		return
	}
	c.done = make(chan struct{})
	if c.err != nil {
		close(c.done)
		return
	}
	if c.timed {
		c.timer = time.AfterFunc(time.Until(c.deadline), func() { c.end(context.DeadlineExceeded) })
	}
	if c.Context.Done() != nil {
		parent := c.Context
		c.stopParent = context.AfterFunc(parent, func() { c.end(parent.Err()) })
	}
}

// Err returns nil until the context ends, then why. An inline evaluation's
// context ends at its deadline even if nobody armed a timer.
func (c *boundCtx) Err() error {
	c.mu.Lock()
	err := c.err
	c.mu.Unlock()
	if err != nil {
		return err
	}
	if err = c.Context.Err(); err != nil {
		c.end(err)
		return c.Err()
	}
	if c.timed && !time.Now().Before(c.deadline) {
		c.end(context.DeadlineExceeded)
		return c.Err()
	}
	return nil
}

// AfterFunc arranges for f to run once the context ends and returns a
// function that unregisters it. The context package looks for this method:
// a provider that derives a context from this one (context.WithTimeout, as
// the flagd provider does) then costs no goroutine watching Done.
func (c *boundCtx) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		go f() // the caller may hold a lock that f takes
		return func() bool { return false }
	}
	c.armLocked()
	i := len(c.onCancel)
	c.onCancel = append(c.onCancel, f)
	c.mu.Unlock()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.err != nil || c.onCancel[i] == nil {
			return false
		}
		c.onCancel[i] = nil
		return true
	}
}

// end ends the context with err, once: it closes Done, stops the timer and
// the propagation, and runs the functions registered by AfterFunc.
func (c *boundCtx) end(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	done, timer, stopParent, fs := c.done, c.timer, c.stopParent, c.onCancel
	c.onCancel = nil
	c.mu.Unlock()
	if done != nil {
		close(done)
	}
	if timer != nil {
		timer.Stop()
	}
	if stopParent != nil {
		stopParent()
	}
	// The functions come from the context package (propagateCancel, also
	// behind context.AfterFunc, which starts the caller's function on a
	// goroutine of its own): short and non-blocking, so they run here.
	for _, f := range fs {
		if f != nil {
			f()
		}
	}
}

// evalJob is one isolated evaluation handed to a worker goroutine.
type evalJob struct {
	ctx  boundCtx
	flag string
	ec   openfeature.EvaluationContext
	done chan evalResult // buffered: the worker never blocks on a requester that timed out
}
