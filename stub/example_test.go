package stub_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/roadmap-go/roadmap/stub"
)

// A Responder renders its problem once; each request only adds its path as
// "instance".
func ExampleNew() {
	notYet := stub.New(stub.Problem{
		Status:    http.StatusNotImplemented,
		Detail:    "Report export is not yet available. Check back in a future release.",
		Stage:     "planned",
		Route:     "PUT /api/reports/export",
		Available: "v2.0",
	})

	w := httptest.NewRecorder()
	notYet.ServeHTTP(w, httptest.NewRequest(http.MethodPut, "/api/reports/export", nil))
	res := w.Result()
	body, _ := io.ReadAll(res.Body)

	fmt.Println(res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
	fmt.Print(string(body))
	// Output:
	// 501 application/problem+json no-store
	// {"type":"about:blank","title":"Not Implemented","status":501,"detail":"Report export is not yet available. Check back in a future release.","instance":"/api/reports/export","stage":"planned","route":"PUT /api/reports/export","available":"v2.0"}
}

// Body shows what a Responder writes for a path, for tests and docs.
func ExampleResponder_Body() {
	gone := stub.New(stub.Problem{Status: http.StatusGone, Detail: "Reports (v0) has been removed.", Stage: "removed"})
	fmt.Print(string(gone.Body("/api/v0/reports")))
	// Output:
	// {"type":"about:blank","title":"Gone","status":410,"detail":"Reports (v0) has been removed.","instance":"/api/v0/reports","stage":"removed"}
}
