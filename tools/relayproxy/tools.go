//go:build tools

// Package tools pins the GO Feature Flag relay proxy, which the OFREP
// integration tests run as a real flag service. It is a separate module so
// that its large dependency graph never reaches the roadmap module.
package tools

import _ "github.com/thomaspoignant/go-feature-flag/cmd/relayproxy"
