#!/usr/bin/env bash
# The core packages (router, flags, stub) depend only on chi and the
# OpenFeature SDK, so that users can plug in any flag provider: the flagd
# provider, kin-openapi, prometheus, chromedp and OpenTelemetry stay out of
# their import graph (tests excluded). This check fails on any other
# non-standard package in `go list -deps` of the core.
#
# CORE_PACKAGES may name other packages to check (used to test this script).
set -euo pipefail
cd "$(dirname "$0")/../.."

core=${CORE_PACKAGES:-"./router ./flags ./stub"}
allowed='^(github\.com/go-chi/chi/v5|github\.com/open-feature/go-sdk/openfeature(/.*)?|github\.com/roadmap-go/roadmap/(router|flags|stub)(/internal/.*)?)$'

# shellcheck disable=SC2086
deps=$(go list -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' $core)
bad=$(grep -Ev "$allowed" <<<"$deps" || true)
if [ -n "$bad" ]; then
	echo "core packages ($core) import packages outside chi and the OpenFeature SDK:"
	echo "$bad" | sed 's/^/  /'
	echo "move the code that needs them to a separate package (see STYLE.md, rule 2)"
	exit 1
fi
echo "core import graph: $(grep -c . <<<"$deps") non-standard packages, all allowed"
