package router

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLinkTemplate(t *testing.T) {
	tests := []struct {
		name      string
		docs      string
		successor string
		params    map[string]string
		want      string
	}{
		{name: "static successor", successor: "/api/users", want: `</api/users>; rel="successor-version"`},
		{name: "expanded", successor: "/api/users/{id}", params: map[string]string{"id": "7"}, want: `</api/users/7>; rel="successor-version"`},
		{name: "with docs, one field", docs: "https://example.com/m", successor: "/api/users/{id}", params: map[string]string{"id": "7"},
			want: `<https://example.com/m>; rel="deprecation"; type="text/html", </api/users/7>; rel="successor-version"`},
		{name: "regexp parameter, two names", successor: "/api/orgs/{org}/users/{id:[0-9]+}", params: map[string]string{"org": "acme", "id": "42"},
			want: `</api/orgs/acme/users/42>; rel="successor-version"`},
		{name: "value escaped as a segment", successor: "/api/users/{id}", params: map[string]string{"id": "a b>\"/c"},
			want: `</api/users/a%20b%3E%22%2Fc>; rel="successor-version"`},
		{name: "escapes kept, never doubled", successor: "/api/users/{id}", params: map[string]string{"id": "a%20b"},
			want: `</api/users/a%20b>; rel="successor-version"`},
		{name: "an escaped slash stays in its segment", successor: "/api/users/{id}", params: map[string]string{"id": "a%2Fb"},
			want: `</api/users/a%2Fb>; rel="successor-version"`},
		{name: "a lone percent sign is escaped", successor: "/api/users/{id}", params: map[string]string{"id": "100%"},
			want: `</api/users/100%25>; rel="successor-version"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			field := linkField(tt.docs, tt.successor, true)
			tmpl := newLinkTemplate(field, tt.successor)
			if len(tt.params) == 0 {
				assert.Nil(t, tmpl, "a successor without parameters is rendered once")
				assert.Equal(t, tt.want, field)
				return
			}
			require.NotNil(t, tmpl)
			rctx := chi.NewRouteContext()
			for k, v := range tt.params {
				rctx.URLParams.Add(k, v)
			}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r = r.WithContext(context.WithValue(r.Context(), chi.RouteCtxKey, rctx))
			assert.Equal(t, []string{tt.want}, tmpl.value(r))
		})
	}
}

func TestCheckSuccessor(t *testing.T) {
	tests := []struct {
		name               string
		pattern, successor string
		wantErr            bool
	}{
		{name: "same parameter", pattern: "/v0/users/{id}", successor: "/users/{id}"},
		{name: "regexp on either side", pattern: "/v0/users/{id:[0-9]+}", successor: "/users/{id}"},
		{name: "no parameter", pattern: "/v0/users/{id}", successor: "/users"},
		{name: "unknown parameter", pattern: "/v0/users/{id}", successor: "/users/{uid}", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkSuccessor(tt.pattern, tt.successor)
			if tt.wantErr {
				assert.ErrorIs(t, err, ErrLink)
			} else {
				assert.NoError(t, err)
			}
		})
	}
}
