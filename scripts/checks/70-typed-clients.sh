#!/usr/bin/env bash
# Typed clients of the demo, generated from its GET /openapi.json as a new
# user would, then run against the running demo:
#
#   - Go: oapi-codegen (tools/oapicodegen, via scripts/setup/40-oapi-codegen.sh)
#     writes tools/typedclients/go/demoapi/client.gen.go, and `go run` of
#     tools/typedclients/go (its own module) checks the typed answers;
#   - TypeScript: openapi-typescript writes schema.mts for openapi-fetch,
#     `tsc --strict` compiles tools/typedclients/ts/main.mts with it, and node
#     runs it (all pinned by tools/npm, via scripts/setup/30-npm.sh).
#
# Each program calls a live read, a live write with a body, a planned route
# (a typed 501 problem) and the deprecated route, and fails on any typed
# field that is wrong; so does this check.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
ROADMAP_CACHE="${ROADMAP_CACHE:-$PWD/.cache}"
if [ -z "${ROADMAP_NPM:-}" ]; then
	# shellcheck source=/dev/null
	source scripts/setup/30-npm.sh
fi
if [ -z "${ROADMAP_OAPI_CODEGEN:-}" ]; then
	# shellcheck source=/dev/null
	source scripts/setup/40-oapi-codegen.sh
fi
# shellcheck source=../lib/demo.sh
source scripts/lib/demo.sh
tmp="$(mktemp -d)"
ts="$ROADMAP_NPM/typedclient.$$" # inside ROADMAP_NPM: node and tsc find node_modules
cleanup() {
	demo_stop
	rm -rf "$tmp" "$ts"
}
trap cleanup EXIT

demo_start "$tmp" roadmap-demo-typed
demo_fetch "http://$demo_addr/openapi.json" "" "$tmp/openapi.json"
export ROADMAP_DEMO_URL="http://$demo_addr"

echo "typed clients: Go, $("$ROADMAP_OAPI_CODEGEN" -version | tail -n1)"
(
	cd tools/typedclients/go
	"$ROADMAP_OAPI_CODEGEN" -config oapi-codegen.yaml "$tmp/openapi.json"
	# A module of its own outside go.work, like every module under tools/
	# (docs/modules.md).
	GOWORK=off go vet ./...
	GOWORK=off go run .
)

mkdir -p "$ts"
cp tools/typedclients/ts/main.mts tools/typedclients/ts/tsconfig.json "$ts/"
echo "typed clients: TypeScript, openapi-typescript $(cd "$ROADMAP_NPM" && node -p 'require("openapi-typescript/package.json").version'), tsc $("$ROADMAP_NPM/node_modules/.bin/tsc" --version)"
"$ROADMAP_NPM/node_modules/.bin/openapi-typescript" "$tmp/openapi.json" -o "$ts/schema.mts" --silent
(cd "$ts" && "$ROADMAP_NPM/node_modules/.bin/tsc" --strict -p . && node dist/main.mjs)
cd "$root"
echo "typed clients: ok"
