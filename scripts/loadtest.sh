#!/usr/bin/env bash
# Load test of the stack as deployed (issue 17): the demo exactly as
# `go run ./cmd/demo` configures it (embedded flags, flagd-format file read in
# process, metrics, tracing, OpenFeature hooks, middleware as shipped)
# against a plain chi server with the same paths and the same handlers
# (internal/bench/cmd/loadserver -mode plain-demo, baseline.PlainDemo), taking
# turns, request kind by request kind:
#
#   live          GET   /api/users/42          200
#   planned       PUT   /api/reports/export    501 (flag off, no targeting)
#   beta-cached   PATCH /api/users/42          200 (flag on, no targeting:
#                 the demo's flag file with users-patch untargeted, which the
#                 demo reads without a restart)
#   beta-targeted PATCH /api/users/42          200 (the shipped flag: a rule
#                 and a fractional rollout on the targeting key)
#   deprecated    GET   /api/v0/users/42       200 with Deprecation/Sunset
#   405           POST  /api/users/42          405 with Allow
#   unknown       PROPFIND /api/users/42       501 (plain chi: 405; a method
#                 neither knows, that wrk can send)
#
# Each server runs with GOMAXPROCS=1 pinned to SERVER_CPU, wrk -t1 on
# WRK_CPU. For every wrk run the script reads the server's user+system CPU
# ticks (/proc/PID/stat) and its allocation counter (runtime.MemStats.Mallocs,
# from the heap profile text of its -debug-addr listener) before and after,
# and reports per request: server CPU µs, allocations, GC cycles, and
# requests/s; at the end, each server's live heap after a runtime.GC().
# efficiency = plain chi CPU/req ÷ demo CPU/req (1.00 = costs what plain chi
# costs). Each round runs each server twice, in the order demo chi chi demo
# (chi demo demo chi in even rounds), so that a load that drifts during the
# round weighs on both alike.
#
#   scripts/loadtest.sh
#   ROUNDS=4 DURATION=3 scripts/loadtest.sh
#   KINDS="live planned" scripts/loadtest.sh
#   DEMO_ARGS="-trace-stdout" scripts/loadtest.sh   # extra demo flags
#
# Environment: ROUNDS (4), DURATION (seconds per wrk run, 3), CONNECTIONS
# (32), SERVER_CPU (0), WRK_CPU (1), KINDS (all of the above), USER_ID (the
# X-User-ID sent, user-1: the shipped rollout serves it), DEMO_ARGS. Installs
# wrk from Debian if missing. Loopback only; every run is bounded by
# DURATION.
#
# On a shared machine compare CPU per request, and the ratios of one run:
# requests/s follow whatever else the machine is doing. The script prints
# the load average and how busy each CPU was during the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cache=${ROADMAP_CACHE:-$root/.cache}
rounds=${ROUNDS:-4}
duration=${DURATION:-3}
conns=${CONNECTIONS:-32}
server_cpu=${SERVER_CPU:-0}
wrk_cpu=${WRK_CPU:-1}
kinds=${KINDS:-live planned beta-cached beta-targeted deprecated 405 unknown}
user=${USER_ID:-user-1}
read -r -a demo_args <<<"${DEMO_ARGS:-}"

if ! command -v wrk >/dev/null; then
	echo "installing wrk" >&2
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

mkdir -p "$cache/bin"
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$cache/bin/roadmap-demo" ./cmd/demo
go build -o "$cache/bin/loadserver" ./internal/bench/cmd/loadserver

# The demo's shipped flags, and the same with users-patch untargeted and on
# (for beta-cached). The demo rereads its flag file when it is replaced.
shipped=cmd/demo/flags.json
untargeted=internal/bench/testdata/demoflags-untargeted.json
cp "$shipped" "$work/flags.json"

pin() { taskset -c "$1" "${@:2}"; }

# start NAME CMD...: starts a server pinned to server_cpu; sets PID_<NAME>,
# ADDR_<NAME> and DEBUG_<NAME> from its log.
start() {
	local name=$1
	shift
	# taskset execs the server: $! is the server's PID.
	GOMAXPROCS=1 taskset -c "$server_cpu" "$@" >"$work/$name.log" 2>&1 &
	pids+=($!)
	printf -v "PID_$name" %s $!
	for _ in $(seq 200); do
		local a d
		a=$(grep -oE '(serving on |msg=serving addr=)127\.0\.0\.1:[0-9]+' "$work/$name.log" | grep -oE '127\.0\.0\.1:[0-9]+' | head -1 || true)
		d=$(grep -oE '(profiles on |msg="serving profiles" addr=)127\.0\.0\.1:[0-9]+' "$work/$name.log" | grep -oE '127\.0\.0\.1:[0-9]+' | head -1 || true)
		if [ -n "$a" ] && [ -n "$d" ]; then
			printf -v "ADDR_$name" %s "$a"
			printf -v "DEBUG_$name" %s "$d"
			return
		fi
		sleep 0.1
	done
	echo "$name did not start:" >&2
	cat "$work/$name.log" >&2
	exit 1
}
start demo "$cache/bin/roadmap-demo" -addr 127.0.0.1:0 -debug-addr 127.0.0.1:0 -flags "$work/flags.json" "${demo_args[@]}"
start chi "$cache/bin/loadserver" -mode plain-demo -addr 127.0.0.1:0 -debug-addr 127.0.0.1:0
servers=(demo chi)

# ticks PID: user+system CPU ticks of the process (all its threads).
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
# mallocs NAME: runtime.MemStats.Mallocs and NumGC of the server.
mallocs() {
	local d="DEBUG_$1"
	curl -fsS "http://${!d}/debug/pprof/allocs?debug=1" | awk '$2 == "Mallocs" { m = $4 } $2 == "NumGC" { g = $4 } END { print m, g }'
}
# liveheap NAME: runtime.MemStats.HeapAlloc and HeapObjects of the server
# right after a runtime.GC() (heap?gc=1): what every GC cycle marks. Read
# twice, so that the second collection has freed the first read's garbage.
liveheap() {
	local d="DEBUG_$1" out
	for _ in 1 2; do out=$(curl -fsS "http://${!d}/debug/pprof/heap?gc=1&debug=1"); done
	awk '$2 == "HeapAlloc" { h = $4 } $2 == "HeapObjects" { o = $4 } END { printf "%.0f KB in %d objects", h / 1024, o }' <<<"$out"
}
# cpustat: busy and total jiffies of each CPU, "cpuN busy total" per line.
cpustat() { awk '$1 ~ /^cpu[0-9]+$/ { busy = $2 + $3 + $4 + $7 + $8; print $1, busy, busy + $5 + $6 }' /proc/stat; }
hz=$(getconf CLK_TCK)

# The allocations of one counter read itself (the profile text is built
# before the counters are read), subtracted from every run.
read -r m1 _ <<<"$(mallocs demo)"
read -r m2 _ <<<"$(mallocs demo)"
read -r c1 _ <<<"$(mallocs chi)"
read -r c2 _ <<<"$(mallocs chi)"
declare -A readcost=([demo]=$((m2 - m1)) [chi]=$((c2 - c1)))

# kind -> "METHOD PATH DEMO_STATUS CHI_STATUS FLAGFILE"
declare -A spec=(
	[live]="GET /api/users/42 200 200 $shipped"
	[planned]="PUT /api/reports/export 501 501 $shipped"
	[beta-cached]="PATCH /api/users/42 200 200 $untargeted"
	[beta-targeted]="PATCH /api/users/42 200 200 $shipped"
	[deprecated]="GET /api/v0/users/42 200 200 $shipped"
	[405]="POST /api/users/42 405 405 $shipped"
	[unknown]="PROPFIND /api/users/42 501 405 $shipped"
)

status() { curl -s -o /dev/null -w '%{http_code}' -X "$1" "${@:3}" "http://$2"; }

# use_flags FILE: replaces the demo's flag file (by rename, as editors do)
# and waits until the demo answers by it: PATCH without a targeting key is
# served only by the untargeted flag.
current=$shipped
use_flags() {
	[ "$1" = "$current" ] && return
	cp "$1" "$work/flags.json.tmp" && mv "$work/flags.json.tmp" "$work/flags.json"
	local want=501
	[ "$1" = "$untargeted" ] && want=200
	for _ in $(seq 200); do
		[ "$(status PATCH "$ADDR_demo/api/users/42")" = "$want" ] && current=$1 && return
		sleep 0.05
	done
	echo "the demo did not apply $1" >&2
	exit 1
}

for k in $kinds; do
	[ -n "${spec[$k]:-}" ] || { echo "unknown kind $k; kinds: ${!spec[*]}" >&2; exit 2; }
	read -r method path dstat cstat file <<<"${spec[$k]}"
	printf 'wrk.method = "%s"\nwrk.headers["X-User-ID"] = "%s"\n' "$method" "$user" >"$work/$k.lua"
	use_flags "$file"
	for s in "${servers[@]}"; do
		want=$dstat
		[ "$s" = chi ] && want=$cstat
		a="ADDR_$s"
		got=$(status "$method" "${!a}$path" -H "X-User-ID: $user")
		if [ "$got" != "$want" ]; then
			echo "$k: $s $method $path: got $got, want $want" >&2
			exit 1
		fi
	done
done

results=$work/results.txt
read -r load_before _ </proc/loadavg
cpustat >"$work/cpu.before"
for round in $(seq "$rounds"); do
	for k in $kinds; do
		read -r method path _ _ file <<<"${spec[$k]}"
		use_flags "$file"
		# demo chi chi demo, then chi demo demo chi: a load that drifts
		# during the round weighs on both servers alike.
		order=(demo chi chi demo)
		[ $((round % 2)) = 0 ] && order=(chi demo demo chi)
		for s in "${order[@]}"; do
			p="PID_$s" a="ADDR_$s"
			t0=$(ticks "${!p}")
			read -r a0 g0 <<<"$(mallocs "$s")"
			out=$(pin "$wrk_cpu" wrk -t1 -c"$conns" -d"${duration}s" -s "$work/$k.lua" "http://${!a}$path")
			read -r a1 g1 <<<"$(mallocs "$s")"
			t1=$(ticks "${!p}")
			n=$(awk '/requests in/ {print $1}' <<<"$out")
			rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
			errs=$(awk '/Socket errors|Non-2xx/ {printf "%s; ", $0}' <<<"$out")
			echo "$round $k $s $n $((t1 - t0)) $((a1 - a0 - ${readcost[$s]})) $((g1 - g0)) $rps" >>"$results"
			awk -v r="$round" -v k="$k" -v s="$s" -v n="$n" -v t=$((t1 - t0)) -v a=$((a1 - a0 - ${readcost[$s]})) -v rps="$rps" -v hz="$hz" -v e="$errs" \
				'BEGIN { printf "round %d %-13s %-4s %8d req %7.0f req/s %6.1f us CPU/req %6.1f allocs/req %s\n", r, k, s, n, rps, t * 1e6 / hz / n, a / n, e }' >&2
		done
	done
done
cpustat >"$work/cpu.after"
read -r load_after _ </proc/loadavg
use_flags "$shipped"
heap_demo=$(liveheap demo)
heap_chi=$(liveheap chi)

echo
echo "Stack load test: $rounds rounds x 2 runs x ${duration}s per kind and server (ABBA order), wrk -t1 -c$conns on CPU $wrk_cpu, servers GOMAXPROCS=1 on CPU $server_cpu${DEMO_ARGS:+, demo $DEMO_ARGS}."
echo "Machine: load average $load_before before, $load_after after; CPUs busy during the runs (all processes):" \
	"$(join -j 1 "$work/cpu.before" "$work/cpu.after" | awk '{ printf "%s %.0f%%  ", $1, 100 * ($4 - $2) / ($5 - $3) }')"
echo "Live heap after runtime.GC() at the end (HeapAlloc, the connections closed): demo $heap_demo, chi $heap_chi."
echo "CPU and allocations per request are sums over the rounds; spread = the rounds' lowest and highest efficiency."
awk -v hz="$hz" -v kinds="$kinds" -v rounds="$rounds" '
	{ n[$2, $3] += $4; t[$2, $3] += $5; a[$2, $3] += $6; g[$2, $3] += $7; r[$2, $3] += $8; c[$2, $3]++
	  rn[$1, $2, $3] += $4; rt[$1, $2, $3] += $5 }
	END {
		printf "| %-13s | %9s | %9s | %10s | %-11s | %9s | %9s | %8s | %8s | %8s | %8s |\n", "kind", "demo µs", "chi µs", "efficiency", "spread", "demo rq/s", "chi rq/s", "demo alc", "chi alc", "demo GC", "chi GC"
		printf "|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", "---------------", "----------:", "----------:", "-----------:", "-------------", "----------:", "----------:", "---------:", "---------:", "---------:", "---------:"
		nk = split(kinds, ks, " ")
		for (i = 1; i <= nk; i++) {
			k = ks[i]
			if (!n[k, "demo"] || !n[k, "chi"]) continue
			d = t[k, "demo"] * 1e6 / hz / n[k, "demo"]; p = t[k, "chi"] * 1e6 / hz / n[k, "chi"]
			lo = 1e9; hi = 0
			for (j = 1; j <= rounds; j++) {
				e = (rt[j, k, "chi"] / rn[j, k, "chi"]) / (rt[j, k, "demo"] / rn[j, k, "demo"])
				if (e < lo) lo = e
				if (e > hi) hi = e
			}
			printf "| %-13s | %9.1f | %9.1f | %10.2f | %4.2f - %4.2f | %9.0f | %9.0f | %8.1f | %8.1f | %8.2f | %8.2f |\n", k, d, p, p / d, lo, hi,
				r[k, "demo"] / c[k, "demo"], r[k, "chi"] / c[k, "chi"], a[k, "demo"] / n[k, "demo"], a[k, "chi"] / n[k, "chi"],
				g[k, "demo"] * 1000 / n[k, "demo"], g[k, "chi"] * 1000 / n[k, "chi"]
		}
		print "(µs = server CPU µs per request; alc = allocations per request; GC = GC cycles per 1,000 requests)"
	}' "$results"
