#!/usr/bin/env bash
# Validates the demo's GET /openapi.json with three tools from the npm
# registry, independent of kin-openapi (which the Go tests use):
# @apidevtools/swagger-parser (validate), @redocly/cli (lint, rules in
# 40-openapi.redocly.yaml) and @stoplight/spectral-cli (spectral:oas, in
# 40-openapi.spectral.yaml, failing on any warning). All support OpenAPI 3.1;
# all are pinned by tools/npm/package-lock.json and installed by
# scripts/setup/30-npm.sh (run here too if ROADMAP_NPM is not set).
#
# The demo is built into $ROADMAP_CACHE/bin, started on a free 127.0.0.1
# port with a temporary copy of its flag file, and asked for the document
# twice: anonymously, and as a user for whom the beta routes are on.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROADMAP_CACHE="${ROADMAP_CACHE:-$PWD/.cache}"
if [ -z "${ROADMAP_NPM:-}" ]; then
	# shellcheck source=/dev/null
	source scripts/setup/30-npm.sh
fi
npmdir="$ROADMAP_NPM"
# shellcheck source=../lib/demo.sh
source scripts/lib/demo.sh
tmp="$(mktemp -d)"
cleanup() {
	demo_stop
	rm -rf "$tmp"
}
trap cleanup EXIT

demo_start "$tmp" roadmap-demo
demo_fetch "http://$demo_addr/openapi.json" "" "$tmp/anonymous.json"
# As a user: the users-patch rollout decides per user what is served, and
# x-lifecycle.serving says so.
demo_fetch "http://$demo_addr/openapi.json" "user-1" "$tmp/user.json"

for doc in "$tmp/anonymous.json" "$tmp/user.json"; do
	name="$(basename "$doc")"
	(cd "$npmdir" && node -e '
		require("@apidevtools/swagger-parser").validate(process.argv[1])
			.then(api => { if (api.openapi !== "3.1.0") throw new Error("openapi is " + api.openapi); console.log("swagger-parser: valid OpenAPI " + api.openapi + ", " + Object.keys(api.paths).length + " paths") })
			.catch(e => { console.error("swagger-parser: " + e.message); process.exit(1) })' "$doc")
	echo "redocly lint $name"
	"$npmdir/node_modules/.bin/redocly" lint --config scripts/checks/40-openapi.redocly.yaml --format=summary "$doc" 2>&1 |
		grep -v -e '^ *║' -e '^ *╔' -e '^ *╚' -e '^$'
	echo "spectral lint $name"
	"$npmdir/node_modules/.bin/spectral" lint --ruleset scripts/checks/40-openapi.spectral.yaml \
		--fail-severity=warn --display-only-failures "$doc"
done
echo "openapi: ok"
