package lifecycle_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/roadmap-go/roadmap/lifecycle"
)

func ExampleCheck() {
	doc := []byte(`{"openapi": "3.1.0", "info": {"title": "API", "version": "1"}, "paths": {
  "/users/{id}": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
    "patch": {"responses": {"default": {"description": "ok"}},
      "x-lifecycle": {"stage": "beta", "flag": "users-patch", "betaSince": "2026-01-05T00:00:00Z"}}
  }}}`)
	flagFile := []byte(`{"flags": {
  "users-patch": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
    "targeting": {"fractional": [["on", 100], ["off", 0]]}},
  "old-experiment": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}}}`)
	table, err := lifecycle.ReadTable("openapi.json", doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	flags, err := lifecycle.ReadFlagFile("flags.json", flagFile)
	if err != nil {
		fmt.Println(err)
		return
	}
	findings := lifecycle.Check(context.Background(), table, flags, lifecycle.CheckOptions{
		Now:     time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		MaxBeta: 90 * 24 * time.Hour,
	})
	for _, f := range findings {
		fmt.Println(f.Kind, f.Route, f.Flag)
	}
	// Output:
	// beta-too-long PATCH /users/{id} users-patch
	// promote PATCH /users/{id} users-patch
	// unused-flag  old-experiment
}

func ExampleDiff() {
	read := func(stage, sunset string) *lifecycle.Table {
		t, err := lifecycle.ReadTable("openapi.json", []byte(`{"openapi": "3.1.0", "info": {"title": "API", "version": "1"}, "paths": {
  "/v0/users": {"get": {"responses": {"default": {"description": "ok"}},
    "x-lifecycle": {"stage": "`+stage+`", "deprecation": "2026-01-01T00:00:00Z", "sunset": "`+sunset+`"}}}}}`))
		if err != nil {
			panic(err)
		}
		return t
	}
	log := lifecycle.Diff(read("deprecated", "2030-01-01"), read("deprecated", "2029-01-01"))
	_ = log.WriteMarkdown(os.Stdout)
	fmt.Println(len(log.Regressions()), "regression(s)")
	// Output:
	// # Lifecycle changes
	//
	// From API 1 (openapi.json) to API 1 (openapi.json).
	//
	// ## Regressions
	//
	// - **`GET /v0/users`**: sunset 2030-01-01 → 2029-01-01 — the sunset moved earlier: clients planned for 2030-01-01
	// 1 regression(s)
}
