package stub_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/stub"
)

// TestBatchAnswersLikeNew checks that every Responder of a Batch, across
// several blocks and body buffers, answers byte for byte like the Responder
// New builds from the same Problem, and keeps doing so once later ones are
// built.
func TestBatchAnswersLikeNew(t *testing.T) {
	problems := []struct {
		name    string
		problem stub.Problem
	}{
		{name: "every member", problem: stub.Problem{Status: 501, Detail: "Report export is not yet available.",
			Stage: "planned", Route: "PUT /api/reports/export", Available: "v2.0", Docs: "https://example.com/docs/export"}},
		{name: "defaults", problem: stub.Problem{Status: 410}},
		{name: "own type and title", problem: stub.Problem{Status: 403, Type: "https://example.com/probs/hidden", Title: "Hidden"}},
		{name: "escaping", problem: stub.Problem{Status: 404, Detail: "a \"quoted\" <detail> \u2028 \xff \x01", Route: "GET /é"}},
		{name: "longer than a body buffer", problem: stub.Problem{Status: 501, Detail: strings.Repeat("<&>", 8000)}},
	}
	tests := []struct {
		name   string
		method string
		target string
	}{
		{name: "plain path", method: http.MethodGet, target: "/api/reports/export"},
		{name: "same path again", method: http.MethodGet, target: "/api/reports/export"},
		{name: "escaped path", method: http.MethodPost, target: "/a%20b/%22"},
		{name: "HEAD", method: http.MethodHead, target: "/x"},
	}
	b := stub.NewBatch(2)
	type pair struct {
		name        string
		batch, want *stub.Responder
	}
	var pairs []pair
	for round := range 40 { // past the first block and several body buffers
		for _, p := range problems {
			p.problem.Detail += fmt.Sprint(round)
			want := stub.New(p.problem)
			pairs = append(pairs, pair{name: fmt.Sprintf("%s %d", p.name, round), batch: b.New(p.problem), want: want})
			// The same texts in parts, split anywhere (even inside a
			// character), and Detail and Route left to be ignored.
			detail, route := splitAt(p.problem.Detail, round), splitAt(p.problem.Route, round+1)
			joined := p.problem
			joined.Detail, joined.Route = "ignored", "ignored"
			pairs = append(pairs, pair{name: fmt.Sprintf("%s %d joined", p.name, round), batch: b.NewJoined(joined, detail, route), want: want})
		}
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			assert.Equal(t, p.want.Problem(), p.batch.Problem())
			assert.Equal(t, p.want.Status(), p.batch.Status())
			for _, tt := range tests {
				want, got := httptest.NewRecorder(), httptest.NewRecorder()
				p.want.ServeHTTP(want, httptest.NewRequest(tt.method, tt.target, nil))
				p.batch.ServeHTTP(got, httptest.NewRequest(tt.method, tt.target, nil))
				assert.Equal(t, want.Code, got.Code, tt.name)
				assert.Equal(t, want.Header(), got.Header(), tt.name)
				assert.Equal(t, want.Body.String(), got.Body.String(), tt.name)
			}
		})
	}
}

// splitAt splits s in three parts at byte offsets derived from n.
func splitAt(s string, n int) []string {
	if len(s) == 0 {
		return []string{"", ""}
	}
	i := n % len(s)
	j := i + (len(s)-i)/2
	return []string{s[:i], s[i:j], s[j:]}
}

func TestBatchZeroValueAndPanic(t *testing.T) {
	var b stub.Batch
	s := b.New(stub.Problem{Status: http.StatusGone, Stage: "removed"})
	require.NotNil(t, s)
	assert.Equal(t, string(stub.New(stub.Problem{Status: http.StatusGone, Stage: "removed"}).Body("/v0")), string(s.Body("/v0")))
	assert.PanicsWithValue(t, "stub: problem status must be 4xx or 5xx", func() { b.New(stub.Problem{Status: 200}) })
}

// A Batch builds the answers of a whole table with a few allocations; each
// Responder answers like one from New.
func ExampleBatch() {
	b := stub.NewBatch(2)
	planned := b.New(stub.Problem{Status: http.StatusNotImplemented, Detail: "Not yet.", Stage: "planned", Route: "PUT /reports"})
	removed := b.New(stub.Problem{Status: http.StatusGone, Detail: "Gone for good.", Stage: "removed", Route: "GET /v0/reports"})

	for _, s := range []*stub.Responder{planned, removed} {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/reports", nil))
		body, _ := io.ReadAll(w.Result().Body)
		fmt.Print(w.Code, " ", string(body))
	}
	// Output:
	// 501 {"type":"about:blank","title":"Not Implemented","status":501,"detail":"Not yet.","instance":"/reports","stage":"planned","route":"PUT /reports"}
	// 410 {"type":"about:blank","title":"Gone","status":410,"detail":"Gone for good.","instance":"/reports","stage":"removed","route":"GET /v0/reports"}
}

// NewJoined renders Detail and Route from their parts, as a route table
// has them (name, method, pattern), without building them as strings;
// Problem gives them back whole.
func ExampleBatch_NewJoined() {
	var b stub.Batch
	name, method, pattern := "Export reports", http.MethodPut, "/reports/export"
	s := b.NewJoined(stub.Problem{Status: http.StatusNotImplemented, Stage: "planned", Available: "v2.0"},
		[]string{name, " is not yet available."}, []string{method, " ", pattern})

	fmt.Print(string(s.Body("/reports/export")))
	p := s.Problem()
	fmt.Printf("%q %q\n", p.Detail, p.Route)
	// Output:
	// {"type":"about:blank","title":"Not Implemented","status":501,"detail":"Export reports is not yet available.","instance":"/reports/export","stage":"planned","route":"PUT /reports/export","available":"v2.0"}
	// "Export reports is not yet available." "PUT /reports/export"
}
