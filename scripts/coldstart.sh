#!/usr/bin/env bash
# Times `go run ./cmd/demo` from launch to the first answer of /healthz
# (README, "Set-up").
#
#   scripts/coldstart.sh cold   # an empty build cache (GOCACHE=$(mktemp -d)); the module cache is kept
#   scripts/coldstart.sh warm   # the build cache as it is
#
# The demo listens on 127.0.0.1:${PORT:-18716} and is stopped afterwards.
set -euo pipefail -m
cd "$(dirname "$0")/.."
mode=${1:?usage: scripts/coldstart.sh cold|warm}
port=${PORT:-18716}
if [ "$mode" = cold ]; then
	GOCACHE=$(mktemp -d)
	export GOCACHE
	trap 'rm -rf "$GOCACHE"' EXIT
fi
start=$(date +%s%N)
go run ./cmd/demo -addr "127.0.0.1:$port" >/dev/null 2>&1 &
pid=$! # with -m, also the process group of go run and the demo it starts
until curl -fs "127.0.0.1:$port/healthz" >/dev/null; do
	kill -0 "$pid" 2>/dev/null || { echo "go run exited before answering" >&2; exit 1; }
	sleep 0.05
done
end=$(date +%s%N)
kill -INT -- "-$pid"
wait "$pid" 2>/dev/null || true
printf '%s: %.1f s to the first answer (load average %s)\n' "$mode" "$(( (end - start) / 1000000 ))e-3" "$(cut -d' ' -f1-3 /proc/loadavg)"
