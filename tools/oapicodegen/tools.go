//go:build tools

// Package tools pins oapi-codegen, which the typed-client check
// (scripts/checks/70-typed-clients.sh) runs to generate a Go client from the
// demo's OpenAPI document. It is a separate module so that its dependencies
// never reach the roadmap module.
package tools

import _ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
