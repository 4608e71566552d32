package flags_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/stretchr/testify/assert"

	"github.com/roadmap-go/roadmap/flags"
)

type ctxUserKey struct{}

type ctxUser struct{ id string }

func (u ctxUser) String() string { return u.id }

// TestContextFuncs: each extractor takes the targeting key from its source,
// and a missing or empty source gives the anonymous context (no targeting
// key, no attributes), never an error.
func TestContextFuncs(t *testing.T) {
	withValue := func(v any) func(*http.Request) *http.Request {
		return func(r *http.Request) *http.Request {
			return r.WithContext(context.WithValue(r.Context(), ctxUserKey{}, v))
		}
	}
	header := func(k, v string) func(*http.Request) *http.Request {
		return func(r *http.Request) *http.Request { r.Header.Add(k, v); return r }
	}
	full := openfeature.NewEvaluationContext("u-7", map[string]any{"plan": "pro"})
	tests := []struct {
		name      string
		fn        flags.ContextFunc
		prepare   []func(*http.Request) *http.Request
		wantKey   string
		wantAttrs map[string]any
	}{
		{name: "anonymous", fn: flags.Anonymous, prepare: nil},
		{name: "anonymous ignores the request", fn: flags.Anonymous, prepare: []func(*http.Request) *http.Request{header("X-User-ID", "alice")}},
		{name: "header", fn: flags.FromHeader("X-User-ID"), prepare: []func(*http.Request) *http.Request{header("X-User-ID", "alice")}, wantKey: "alice"},
		{name: "header name is case-insensitive", fn: flags.FromHeader("x-user-id"), prepare: []func(*http.Request) *http.Request{header("X-USER-ID", "alice")}, wantKey: "alice"},
		{name: "header: first value", fn: flags.FromHeader("X-User-ID"), prepare: []func(*http.Request) *http.Request{header("X-User-ID", "alice"), header("X-User-ID", "bob")}, wantKey: "alice"},
		{name: "header absent", fn: flags.FromHeader("X-User-ID")},
		{name: "header empty", fn: flags.FromHeader("X-User-ID"), prepare: []func(*http.Request) *http.Request{header("X-User-ID", "")}},
		{name: "cookie", fn: flags.FromCookie("visitor"), prepare: []func(*http.Request) *http.Request{header("Cookie", "other=x; visitor=v-1")}, wantKey: "v-1"},
		{name: "cookie absent", fn: flags.FromCookie("visitor"), prepare: []func(*http.Request) *http.Request{header("Cookie", "other=x")}},
		{name: "cookie empty", fn: flags.FromCookie("visitor"), prepare: []func(*http.Request) *http.Request{header("Cookie", "visitor=")}},
		{name: "context string", fn: flags.FromContextValue(ctxUserKey{}), prepare: []func(*http.Request) *http.Request{withValue("alice")}, wantKey: "alice"},
		{name: "context Stringer", fn: flags.FromContextValue(ctxUserKey{}), prepare: []func(*http.Request) *http.Request{withValue(ctxUser{"alice"})}, wantKey: "alice"},
		{name: "context evaluation context, attributes kept", fn: flags.FromContextValue(ctxUserKey{}), prepare: []func(*http.Request) *http.Request{withValue(full)}, wantKey: "u-7", wantAttrs: map[string]any{"plan": "pro"}},
		{name: "context value absent", fn: flags.FromContextValue(ctxUserKey{})},
		{name: "context empty string", fn: flags.FromContextValue(ctxUserKey{}), prepare: []func(*http.Request) *http.Request{withValue("")}},
		{name: "context value of another type", fn: flags.FromContextValue(ctxUserKey{}), prepare: []func(*http.Request) *http.Request{withValue(42)}},
		{name: "context value under another key", fn: flags.FromContextValue("user"), prepare: []func(*http.Request) *http.Request{withValue("alice")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			for _, p := range tt.prepare {
				r = p(r)
			}
			ec := tt.fn(r)
			assert.Equal(t, tt.wantKey, ec.TargetingKey(), "got key %q, want %q", ec.TargetingKey(), tt.wantKey)
			want := tt.wantAttrs
			if want == nil {
				want = map[string]any{}
			}
			assert.Equal(t, want, ec.Attributes())
		})
	}
}

// ExampleFromHeader keys flag evaluations by a header that a trusted
// gateway sets from the authenticated user.
func ExampleFromHeader() {
	fn := flags.FromHeader("X-User-ID")
	r := httptest.NewRequest(http.MethodGet, "/api/users/1", nil)
	r.Header.Set("X-User-ID", "alice")
	fmt.Printf("%q\n", fn(r).TargetingKey())
	fmt.Printf("%q\n", fn(httptest.NewRequest(http.MethodGet, "/", nil)).TargetingKey())
	// Output:
	// "alice"
	// ""
}

// ExampleFromContextValue keys flag evaluations by the user that
// authentication middleware stored in the request context.
func ExampleFromContextValue() {
	type userKey struct{}
	fn := flags.FromContextValue(userKey{})
	r := httptest.NewRequest(http.MethodGet, "/api/users/1", nil)
	r = r.WithContext(context.WithValue(r.Context(), userKey{}, "alice"))
	fmt.Println(fn(r).TargetingKey())
	// Output:
	// alice
}
