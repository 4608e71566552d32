package router

import (
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/open-feature/go-sdk/openfeature"
)

// ContextPanicCode is the Decision.ErrorCode of a gated route whose
// ContextFunc panicked: the panic is recovered and logged, and the route
// answers as if its flag were off.
const ContextPanicCode openfeature.ErrorCode = "CONTEXT_PANIC"

// canSee reports whether the caller of r may see the roadmap: Config.Roadmap,
// or true when it is nil. A panicking predicate is logged and answers false.
func (rt *Router) canSee(r *http.Request) bool {
	return rt.visible == nil || rt.visibleSafely(r)
}

func (rt *Router) visibleSafely(r *http.Request) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			rt.userPanic("Config.Roadmap", p)
			ok = false
		}
	}()
	return rt.visible(r)
}

// userPanic logs a recovered panic once per place, with its stack;
// http.ErrAbortHandler is re-panicked, as net/http expects.
func (rt *Router) userPanic(where string, p any) {
	if p == http.ErrAbortHandler {
		panic(p)
	}
	if _, logged := rt.panics.LoadOrStore(where, struct{}{}); logged {
		return
	}
	rt.log.Error("panic recovered; answering as if the route were off", "in", where,
		"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
}
