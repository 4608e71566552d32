package flags

import (
	"fmt"
	"net/http"

	"github.com/open-feature/go-sdk/openfeature"
)

// ContextFunc derives the OpenFeature evaluation context (targeting key and
// attributes) from a request, only when a flag must be evaluated for it.
//
// A ContextFunc must not modify the request and must be safe for concurrent
// use. A context with no targeting key is evaluated anonymously: a
// percentage rollout answers off.
type ContextFunc func(r *http.Request) openfeature.EvaluationContext

// Anonymous is the ContextFunc used when none is configured: it returns an
// empty evaluation context.
func Anonymous(*http.Request) openfeature.EvaluationContext {
	return openfeature.EvaluationContext{}
}

// FromHeader returns a ContextFunc that takes the targeting key from the
// request header name, e.g. "X-User-ID".
//
// Use it behind a gateway or auth proxy that sets the header from an
// authenticated identity and strips it from client requests: with a header
// a client can set, anyone can claim any key.
func FromHeader(name string) ContextFunc {
	name = http.CanonicalHeaderKey(name) // once: the map is read directly
	return func(r *http.Request) openfeature.EvaluationContext {
		if v := r.Header[name]; len(v) > 0 {
			return keyed(v[0])
		}
		return openfeature.EvaluationContext{}
	}
}

// FromCookie returns a ContextFunc that takes the targeting key from the
// cookie name, e.g. an anonymous visitor id, so that percentage rollouts stay
// sticky per browser. Like a header, a cookie is chosen by the client: use it
// for stickiness, not for access control.
func FromCookie(name string) ContextFunc {
	return func(r *http.Request) openfeature.EvaluationContext {
		if c, err := r.Cookie(name); err == nil {
			return keyed(c.Value)
		}
		return openfeature.EvaluationContext{}
	}
}

// FromContextValue returns a ContextFunc that takes the targeting key from
// the request context value stored under key, typically by the application's
// authentication middleware: a verified identity, which the client cannot
// choose. The value may be a string, a fmt.Stringer or an
// [openfeature.EvaluationContext] (used whole, attributes included).
func FromContextValue(key any) ContextFunc {
	return func(r *http.Request) openfeature.EvaluationContext {
		switch v := r.Context().Value(key).(type) {
		case string:
			return keyed(v)
		case openfeature.EvaluationContext:
			return v
		case fmt.Stringer:
			return keyed(v.String())
		}
		return openfeature.EvaluationContext{}
	}
}

func keyed(key string) openfeature.EvaluationContext {
	if key == "" {
		return openfeature.EvaluationContext{}
	}
	return openfeature.NewEvaluationContext(key, nil)
}
