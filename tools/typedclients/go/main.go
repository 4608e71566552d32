// Command typedclient calls a running demo (ROADMAP_DEMO_URL) through the Go
// client that oapi-codegen generates from the demo's OpenAPI document
// (package demoapi, written by scripts/checks/70-typed-clients.sh), and
// checks the typed fields of a live read, a live write with a body, a
// planned route's 501 problem and the deprecated route. It exits non-zero,
// listing every mismatch, if one is wrong.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/roadmap-go/roadmap/client"
	"github.com/roadmap-go/roadmap/stub"
	"github.com/roadmap-go/roadmap/tools/typedclients/go/demoapi"
)

func main() {
	if err := run(context.Background(), os.Getenv("ROADMAP_DEMO_URL")); err != nil {
		fmt.Fprintln(os.Stderr, "typed Go client:", err)
		os.Exit(1)
	}
	fmt.Println("typed Go client: ok")
}

func run(ctx context.Context, base string) error {
	if base == "" {
		return errors.New("ROADMAP_DEMO_URL is not set")
	}
	c, err := demoapi.NewClientWithResponses(base)
	if err != nil {
		return err
	}
	var errs []error
	check := func(what string, got, want any) {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			errs = append(errs, fmt.Errorf("%s: got %v, want %v", what, got, want))
		}
	}

	// A live read: the body is typed.
	user, err := c.GetUserWithResponse(ctx, "7")
	if err != nil {
		return err
	}
	check("GET /api/users/7 status", user.StatusCode(), http.StatusOK)
	if user.JSON200 == nil {
		errs = append(errs, errors.New("GET /api/users/7: no typed JSON200"))
	} else {
		check("GET /api/users/7 id", user.JSON200.Id, "7")
		check("GET /api/users/7 name", user.JSON200.Name, "Ada")
	}

	// A live write with a typed body.
	put, err := c.ReplaceUserWithResponse(ctx, "7", demoapi.ReplaceUserJSONRequestBody{Name: "Grace"})
	if err != nil {
		return err
	}
	check("PUT /api/users/7 status", put.StatusCode(), http.StatusOK)
	if put.JSON200 == nil {
		errs = append(errs, errors.New("PUT /api/users/7: no typed JSON200"))
	} else {
		check("PUT /api/users/7 name", put.JSON200.Name, "Grace")
		check("PUT /api/users/7 result", put.JSON200.Result, "replaced")
	}

	// A planned route: a typed 501 problem.
	export, err := c.ExportReportWithResponse(ctx, nil)
	if err != nil {
		return err
	}
	check("PUT /api/reports/export status", export.StatusCode(), http.StatusNotImplemented)
	if p := export.ApplicationproblemJSON501; p == nil {
		errs = append(errs, errors.New("PUT /api/reports/export: no typed problem"))
	} else {
		check("PUT /api/reports/export type", p.Type, stub.TypeNotYetAvailable)
		check("PUT /api/reports/export stage", deref(p.Stage), "planned")
		check("PUT /api/reports/export available", deref(p.Available), "v2.0")
	}
	// The same through package client's Transport: a *client.LifecycleError.
	lc, err := demoapi.NewClientWithResponses(base, demoapi.WithHTTPClient(&http.Client{Transport: &client.Transport{}}))
	if err != nil {
		return err
	}
	_, err = lc.ExportReportWithResponse(ctx, nil)
	var lerr *client.LifecycleError
	if !errors.As(err, &lerr) {
		errs = append(errs, fmt.Errorf("PUT /api/reports/export through client.Transport: got %v, want a *client.LifecycleError", err))
	} else {
		check("LifecycleError.Type", lerr.Type(), stub.TypeNotYetAvailable)
		check("LifecycleError.Stage", lerr.Stage(), "planned")
	}

	// The deprecated route: typed body and deprecation headers; the
	// generated client reads the first Link field only, which must hold the
	// successor.
	v0, err := c.GetUserV0WithResponse(ctx, "7")
	if err != nil {
		return err
	}
	check("GET /api/v0/users/7 status", v0.StatusCode(), http.StatusOK)
	if v0.JSON200 == nil {
		errs = append(errs, errors.New("GET /api/v0/users/7: no typed JSON200"))
	} else {
		check("GET /api/v0/users/7 id", v0.JSON200.Id, "7")
	}
	check("GET /api/v0/users/7 Deprecation", v0.HTTPResponse.Header.Get("Deprecation"), "@1767225600")
	check("GET /api/v0/users/7 Sunset", v0.HTTPResponse.Header.Get("Sunset"), "Tue, 01 Jan 2030 00:00:00 GMT")
	if link := v0.HTTPResponse.Header.Get("Link"); !strings.Contains(link, `</api/users/7>; rel="successor-version"`) {
		errs = append(errs, fmt.Errorf("GET /api/v0/users/7: first Link field %q has no successor </api/users/7>", link))
	}
	return errors.Join(errs...)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
