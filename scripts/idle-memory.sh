#!/usr/bin/env bash
# Idle CPU and memory growth of the demo as deployed (issue 17):
#
#   idle    the demo, started as `go run ./cmd/demo` starts it (embedded
#           flags), then left alone for IDLE seconds (60): the CPU ticks it
#           used meanwhile (user + system, /proc/PID/stat). Target: 0.
#   memory  then PATCH /api/users/42 (beta, flag targeted: a rule and a
#           fractional rollout on the targeting key) from KEYS (100,000)
#           distinct X-User-ID values in turn: VmRSS after the first
#           FIRST (10,000) requests and after TOTAL (1,000,000; a few more
#           are counted: those in flight when wrk stops). Target:
#           the second within 1.5x the first (no per-key growth: caches,
#           last-known values, metrics labels, audit).
#
#   scripts/idle-memory.sh
#   IDLE=60 TOTAL=1000000 DEMO_ARGS="-keep-last-known 10000" scripts/idle-memory.sh
#
# Environment: IDLE, KEYS, FIRST, TOTAL, CONNECTIONS (32), SERVER_CPU (0),
# WRK_CPU (1), DEMO_ARGS (extra demo flags). The demo runs with GOMAXPROCS=1
# pinned to SERVER_CPU, wrk on WRK_CPU; loopback only. Installs wrk from
# Debian if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${ROADMAP_CACHE:-$PWD/.cache}
idle=${IDLE:-60}
keys=${KEYS:-100000}
first=${FIRST:-10000}
total=${TOTAL:-1000000}
conns=${CONNECTIONS:-32}
server_cpu=${SERVER_CPU:-0}
wrk_cpu=${WRK_CPU:-1}
read -r -a demo_args <<<"${DEMO_ARGS:-}"

if ! command -v wrk >/dev/null; then
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
mkdir -p "$cache/bin"
work=$(mktemp -d)
pid=
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
go build -o "$cache/bin/roadmap-demo" ./cmd/demo

# taskset execs the demo: $! is its PID.
GOMAXPROCS=1 taskset -c "$server_cpu" "$cache/bin/roadmap-demo" -addr 127.0.0.1:0 "${demo_args[@]}" >"$work/demo.log" 2>&1 &
pid=$!
addr=
for _ in $(seq 200); do
	addr=$(grep -oE 'msg=serving addr=127\.0\.0\.1:[0-9]+' "$work/demo.log" | grep -oE '127\.0\.0\.1:[0-9]+' | head -1 || true)
	[ -n "$addr" ] && break
	sleep 0.1
done
[ -n "$addr" ] || { cat "$work/demo.log" >&2; exit 1; }

ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat"; }
rss() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status"; }

# Idle: one request first, so that everything lazily started has started.
curl -fsS -o /dev/null "http://$addr/healthz"
sleep 1
t0=$(ticks)
sleep "$idle"
t1=$(ticks)
echo "idle: $((t1 - t0)) CPU ticks ($(getconf CLK_TCK)/s) in ${idle}s; RSS $(rss) KiB"

# drive START COUNT SECONDS: requests START+1 .. START+COUNT with X-User-ID
# user-(i mod KEYS), for at most SECONDS; prints how many were answered. The
# wrk thread stops itself after COUNT answers (wrk still waits out SECONDS).
drive() {
	cat >"$work/keys.lua" <<EOF
wrk.method = "PATCH"
local i, done, n, keys = $1, 0, $2, $keys
request = function()
	i = i + 1
	return wrk.format(nil, nil, { ["X-User-ID"] = "user-" .. (i % keys) })
end
response = function()
	done = done + 1
	if done >= n then wrk.thread:stop() end
end
EOF
	taskset -c "$wrk_cpu" wrk -t1 -c"$conns" -d"$3s" -s "$work/keys.lua" "http://$addr/api/users/42" | awk '/requests in/ { print $1 }'
}
sent=$(drive 0 "$first" 10)
r1=$(rss)
echo "after $sent requests: RSS $r1 KiB"
# The rate, to size the chunks of the rest so that wrk rarely waits.
n=$(drive "$sent" "$total" 2)
sent=$((sent + n))
chunk=$((n * 10))
while [ "$sent" -lt "$total" ]; do
	c=$((total - sent))
	[ "$c" -gt "$chunk" ] && c=$chunk
	n=$(drive "$sent" "$c" 30)
	sent=$((sent + n))
done
r2=$(rss)
echo "after $sent requests from $keys keys: RSS $r2 KiB"
awk -v a="$r1" -v b="$r2" 'BEGIN { printf "RSS ratio: %.2fx (target <= 1.5x)\n", b / a }'
t2=$(ticks)
sleep "$idle"
t3=$(ticks)
echo "idle after the load: $((t3 - t2)) CPU ticks in ${idle}s; RSS $(rss) KiB"
