#!/usr/bin/env bash
# Validates the demo's GET /openapi.json with two validators from the npm
# registry, independent of kin-openapi (which the Go tests use):
# @apidevtools/swagger-parser (validate) and @redocly/cli (lint, rules in
# 40-openapi.redocly.yaml). Both support OpenAPI 3.1.
#
# The demo is built into $ROADMAP_CACHE/bin, started on a free 127.0.0.1
# port with a temporary copy of its flag file, and asked for the document
# twice: anonymously, and as a user for whom the beta routes are on.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROADMAP_CACHE="${ROADMAP_CACHE:-$PWD/.cache}"
npmdir="$ROADMAP_CACHE/npm-openapi"
bin="$ROADMAP_CACHE/bin/roadmap-demo"
tmp="$(mktemp -d)"
pid=""
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

if ! command -v npm >/dev/null 2>&1; then
	echo "openapi: installing Debian packages nodejs npm"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
mkdir -p "$npmdir"
if [ ! -f "$npmdir/node_modules/@apidevtools/swagger-parser/package.json" ] ||
	[ ! -x "$npmdir/node_modules/.bin/redocly" ] ||
	! grep -q '"version": "2.77.0"' "$npmdir/node_modules/@redocly/cli/package.json"; then
	echo "openapi: npm install @apidevtools/swagger-parser@13.1.0 @redocly/cli@2.77.0 into $npmdir"
	(cd "$npmdir" && { [ -f package.json ] || echo '{"private":true}' >package.json; } &&
		npm install --no-audit --no-fund --loglevel=error @apidevtools/swagger-parser@13.1.0 @redocly/cli@2.77.0)
fi

go build -o "$bin" ./cmd/demo
cp cmd/demo/flags.json "$tmp/flags.json"
"$bin" -addr 127.0.0.1:0 -flags "$tmp/flags.json" >"$tmp/demo.log" 2>&1 &
pid=$!
addr=""
for _ in $(seq 1 300); do
	addr="$(sed -n 's/.*msg=serving addr=\([0-9.:]*\).*/\1/p' "$tmp/demo.log" | head -n1)"
	[ -n "$addr" ] && break
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/demo.log"; echo "openapi: demo exited"; exit 1; }
	sleep 0.1
done
[ -n "$addr" ] || { cat "$tmp/demo.log"; echo "openapi: demo did not start"; exit 1; }

fetch() { # url header-value out
	node -e 'fetch(process.argv[1], {headers: process.argv[2] ? {"X-User-ID": process.argv[2]} : {}})
		.then(async r => { if (r.status !== 200) throw new Error("status " + r.status); require("fs").writeFileSync(process.argv[3], await r.text()) })
		.catch(e => { console.error(e.message); process.exit(1) })' "$1" "$2" "$3"
}
fetch "http://$addr/openapi.json" "" "$tmp/anonymous.json"
# As a user: the users-patch rollout decides per user what is served, and
# x-lifecycle.serving says so.
fetch "http://$addr/openapi.json" "user-1" "$tmp/user.json"

for doc in "$tmp/anonymous.json" "$tmp/user.json"; do
	name="$(basename "$doc")"
	(cd "$npmdir" && node -e '
		require("@apidevtools/swagger-parser").validate(process.argv[1])
			.then(api => { if (api.openapi !== "3.1.0") throw new Error("openapi is " + api.openapi); console.log("swagger-parser: valid OpenAPI " + api.openapi + ", " + Object.keys(api.paths).length + " paths") })
			.catch(e => { console.error("swagger-parser: " + e.message); process.exit(1) })' "$doc")
	echo "redocly lint $name"
	"$npmdir/node_modules/.bin/redocly" lint --config scripts/checks/40-openapi.redocly.yaml --format=summary "$doc" 2>&1 |
		grep -v -e '^ *║' -e '^ *╔' -e '^ *╚' -e '^$'
done
echo "openapi: ok"
