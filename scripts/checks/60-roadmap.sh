#!/usr/bin/env bash
# Runs the roadmap command, as built, on the running demo (docs/cli.md, "In
# CI"): `roadmap check` of its /openapi.json against the flag file it ships,
# and `roadmap diff` against the committed document of its last release
# (cmd/roadmap/testdata/demo-openapi-v1.json). cmd/demo/roadmapcheck_test.go
# checks the same through the lifecycle package; this checks the binary,
# its exit statuses and its output.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROADMAP_CACHE="${ROADMAP_CACHE:-$PWD/.cache}"
mkdir -p "$ROADMAP_CACHE/bin"
demo="$ROADMAP_CACHE/bin/roadmap-demo"
roadmap="$ROADMAP_CACHE/bin/roadmap"
tmp="$(mktemp -d)"
pid=""
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$demo" ./cmd/demo
go build -o "$roadmap" ./cmd/roadmap
cp cmd/demo/flags.json "$tmp/flags.json"
"$demo" -addr 127.0.0.1:0 -flags "$tmp/flags.json" >"$tmp/demo.log" 2>&1 &
pid=$!
addr=""
for _ in $(seq 1 300); do
	addr="$(sed -n 's/.*msg=serving addr=\([0-9.:]*\).*/\1/p' "$tmp/demo.log" | head -n1)"
	[ -n "$addr" ] && break
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/demo.log"; echo "roadmap: demo exited"; exit 1; }
	sleep 0.1
done
[ -n "$addr" ] || { cat "$tmp/demo.log"; echo "roadmap: demo did not start"; exit 1; }
url="http://$addr/openapi.json"

expect() { # want-status description command...
	local want=$1 what=$2 got=0
	shift 2
	"$@" >"$tmp/out" 2>&1 || got=$?
	cat "$tmp/out"
	if [ "$got" != "$want" ]; then
		echo "roadmap: $what: exit status $got, want $want"
		exit 1
	fi
}

# As a caller the secret planned route is served to, the shipped flags pass.
expect 0 "check as grace" "$roadmap" check --flags cmd/demo/flags.json --header "X-User-ID: grace" --sunset-within 30d "$url"
# Anonymous callers do not see it: its flag looks unused, the one expected finding.
expect 1 "check anonymous" "$roadmap" check --flags cmd/demo/flags.json "$url"
grep -q '^cmd/demo/flags.json:[0-9]*: unused-flag: ' "$tmp/out" || { echo "roadmap: the expected unused-flag finding is missing"; exit 1; }
[ "$(grep -cE '^[^ ]+: [a-z-]+: ' "$tmp/out")" = 1 ] || { echo "roadmap: findings other than the expected one"; exit 1; }
expect 0 "check anonymous, unused flags allowed" "$roadmap" check --flags cmd/demo/flags.json --allow unused-flag "$url"
# No regression since the last release.
expect 0 "diff against v1" "$roadmap" diff cmd/roadmap/testdata/demo-openapi-v1.json "$url"
expect 0 "help" "$roadmap" -h
echo "roadmap: ok"
