package client_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/roadmap-go/roadmap/client"
	"github.com/roadmap-go/roadmap/router"
)

func ExampleTransport() {
	rt, _ := router.New([]router.Route{
		{Method: http.MethodPut, Pattern: "/users/{id}", Stage: router.Live, Handler: http.HandlerFunc(echo)},
		{Method: http.MethodPatch, Pattern: "/users/{id}", Stage: router.Planned, Name: "Partial user update", Available: "v1.5"},
	}, router.Config{})
	defer rt.Close()
	srv := httptest.NewServer(rt)
	defer srv.Close()

	// Without a fallback, PATCH is a typed error.
	hc := &http.Client{Transport: &client.Transport{}}
	_, err := hc.Do(mustRequest(http.MethodPatch, srv.URL+"/users/7", `{"name":"Ada"}`))
	var lerr *client.LifecycleError
	if errors.As(err, &lerr) {
		fmt.Println(lerr.Status(), lerr.Stage(), lerr.Available(), lerr.Route())
	}

	// With PATCH → PUT, the same request is replayed as PUT.
	hc = &http.Client{Transport: &client.Transport{Fallback: map[string]string{http.MethodPatch: http.MethodPut}}}
	res, err := hc.Do(mustRequest(http.MethodPatch, srv.URL+"/users/7", `{"name":"Ada"}`))
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	fmt.Println(res.StatusCode, string(b))
	// Output:
	// 501 planned v1.5 PATCH /users/{id}
	// 200 PUT {"name":"Ada"}
}

func mustRequest(method, url, body string) *http.Request {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	return req
}
