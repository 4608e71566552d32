#!/usr/bin/env bash
# The project's test command (README: "./scripts/test.sh"). On a fresh
# Debian machine it installs what the tests need beyond Go (Chromium, the GO
# Feature Flag relay proxy built from tools/relayproxy, the npm OpenAPI
# validator, wrk), then runs formatting and vet checks, the whole test suite
# with -race, and the extra checks in scripts/checks/ (fuzzing for a bounded
# time, benchmarks once, OpenAPI validation, the module layout).
#
# The repository holds several Go modules (docs/modules.md), all listed in
# go.work. go vet and go test run in each of them in turn, with GOWORK=off:
# each module is built from its own go.mod and go.sum, as its users get it.
#
# Tests that need Chromium or the relay proxy find them through
# ROADMAP_CHROMIUM and ROADMAP_RELAYPROXY, set here; with CI=true a test
# fails instead of skipping when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export ROADMAP_CACHE="${ROADMAP_CACHE:-$root/.cache}"
mkdir -p "$ROADMAP_CACHE/bin"

step() { printf '\n=== %s\n' "$*"; }

for f in scripts/setup/*.sh; do
	[ -e "$f" ] || continue
	step "setup: $f"
	# shellcheck source=/dev/null
	source "$f"
done

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*'))
if [ -n "$unformatted" ]; then
	echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi

# Every module of the workspace, the root first, by directory.
mapfile -t modules < <(go list -m -f '{{.Dir}}' | sed "s#^$root\$#.#; s#^$root/##")

step "go vet"
for dir in "${modules[@]}"; do
	echo "--- $dir"
	(cd "$dir" && GOWORK=off go vet ./...)
done

for f in scripts/checks/*.sh; do
	[ -e "$f" ] || continue
	step "check: $f"
	bash "$f"
done

failed=()
for dir in "${modules[@]}"; do
	step "go test -race: $dir"
	(cd "$dir" && GOWORK=off go test -race -count=1 -timeout 20m ./...) || failed+=("$dir")
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "go test failed in: ${failed[*]}"
	exit 1
fi
