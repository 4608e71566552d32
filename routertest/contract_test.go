package routertest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/router"
	"github.com/roadmap-go/roadmap/routertest"
)

type Item struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type ItemPatch struct {
	Name *string `json:"name,omitempty"`
}

// answer returns a handler that answers status with body as JSON.
func answer(status int, body any) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	})
}

// echoItem answers the patched item, as a handler that keeps its contract.
func echoItem(w http.ResponseWriter, r *http.Request) {
	var p ItemPatch
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	name := "x"
	if p.Name != nil {
		name = *p.Name
	}
	answer(http.StatusOK, Item{ID: chi.URLParam(r, "id"), Name: name}).ServeHTTP(w, r)
}

func TestContract(t *testing.T) {
	t.Parallel()
	patch := func(h http.Handler) router.Route {
		return router.Route{Method: http.MethodPatch, Pattern: "/items/{id}", Stage: router.Beta, Flag: "items-patch", Handler: h,
			Request: ItemPatch{}, Responses: map[int]any{http.StatusOK: Item{}}}
	}
	tests := []struct {
		name  string
		route router.Route
		calls []routertest.Call
		want  string // a failure message contains it; "" for none
	}{
		{name: "beta keeps its contract", route: patch(http.HandlerFunc(echoItem))},
		{name: "with a body and status", route: patch(http.HandlerFunc(echoItem)),
			calls: []routertest.Call{{Body: map[string]any{"name": "Ada"}, Params: map[string]string{"id": "9"}, Status: http.StatusOK}}},
		{name: "planned with a flag, forced on", route: router.Route{Method: http.MethodGet, Pattern: "/items/{id}", Flag: "items-get",
			Handler: answer(http.StatusOK, Item{ID: "1", Name: "x"}), Responses: map[int]any{http.StatusOK: Item{}}}},
		{name: "answer misses a required member", route: patch(answer(http.StatusOK, map[string]string{"id": "1"})),
			want: "breaks the operation's contract"},
		{name: "answer with an undocumented status", route: patch(answer(http.StatusCreated, Item{ID: "1", Name: "x"})),
			want: "status is not supported"},
		{name: "request breaks the schema", route: patch(http.HandlerFunc(echoItem)),
			calls: []routertest.Call{{Body: map[string]any{"name": 5}}}, want: "the request breaks"},
		{name: "unexpected status", route: patch(http.HandlerFunc(echoItem)),
			calls: []routertest.Call{{Status: http.StatusAccepted}}, want: "want 202"},
		{name: "planned without a handler", route: router.Route{Method: http.MethodGet, Pattern: "/items/{id}"},
			want: "has no handler"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fl := routertest.NewFlags(t, nil)
			rt, err := router.New([]router.Route{tt.route}, router.Config{Flags: fl.Client()})
			require.NoError(t, err)
			t.Cleanup(rt.Close)
			c := routertest.New(t, rt, routertest.Options{Flags: fl})
			rec := &recorder{}
			passed := c.Contract(rec, rt, tt.route, tt.calls...)
			rec.close()
			if tt.want == "" {
				assert.True(t, passed, rec.failures())
				assert.Empty(t, rec.failures())
				return
			}
			assert.False(t, passed)
			assert.Contains(t, rec.failures(), tt.want)
		})
	}
}

// TestContractRestoresFlag: the flag Contract forces on is off again after
// the test that forced it.
func TestContractRestoresFlag(t *testing.T) {
	t.Parallel()
	fl := routertest.NewFlags(t, map[string]bool{"items-patch": false})
	r := router.Route{Method: http.MethodPatch, Pattern: "/items/{id}", Stage: router.Beta, Flag: "items-patch", Handler: http.HandlerFunc(echoItem),
		Request: ItemPatch{}, Responses: map[int]any{http.StatusOK: Item{}}}
	rt, err := router.New([]router.Route{r}, router.Config{Flags: fl.Client()})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	c := routertest.New(t, rt, routertest.Options{Flags: fl})
	rec := &recorder{}
	require.True(t, c.Contract(rec, rt, r), rec.failures())
	rec.close()
	assert.Equal(t, http.StatusNotImplemented, c.Do(t, http.MethodPatch, "/items/1", nil).Status)
}
