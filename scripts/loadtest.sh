#!/usr/bin/env bash
# Load test of issue 6: three servers on 127.0.0.1, requested alternately with
# wrk for a live, a planned (501) and a beta route whose flag has no targeting
# (served from the decision cache):
#
#   plain    a plain chi server with the demo's handlers and middleware
#            (internal/bench/cmd/loadserver -mode plain);
#   roadmap  the same server with those routes declared with the roadmap
#            router, flags from a flagd file via the in-process provider
#            (loadserver -mode roadmap): the framework's cost, and the
#            figure the target (>= 0.90x plain requests/s) applies to;
#   demo     the demo itself (cmd/demo), which adds Prometheus metrics,
#            OpenTelemetry request spans and more routes: for information.
#
# Prints requests/s and p99 latency per route and server, and the ratios to
# plain.
#
#   scripts/loadtest.sh
#
# Environment: ROUNDS (3), DURATION (seconds per wrk run, 5), CONNECTIONS
# (16), SERVER_CPU (taskset CPU list of both servers, 0), WRK_CPU (1). The
# servers run with GOMAXPROCS=1 pinned to SERVER_CPU and wrk to WRK_CPU, so
# that the server is CPU-bound. Installs wrk from Debian if missing. Only
# loopback addresses are used; every run is bounded by DURATION.
#
# The machine may be shared: compare the ratios of one run, not absolute
# figures across runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cache=${ROADMAP_CACHE:-$root/.cache}
rounds=${ROUNDS:-3}
duration=${DURATION:-5}
conns=${CONNECTIONS:-16}
server_cpu=${SERVER_CPU:-0}
wrk_cpu=${WRK_CPU:-1}

if ! command -v wrk >/dev/null; then
	echo "installing wrk" >&2
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
	else
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
	fi
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

# The flags of the test: users-patch (PATCH /api/users/{id}, beta) without
# targeting and on, so that the beta route is served from the cache;
# reports-export (PUT /api/reports/export, planned) off: a 501 answer.
cp internal/bench/testdata/loadflags.json "$work/flags.json"

pin() { if command -v taskset >/dev/null; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }

# start NAME LOGPATTERN CMD...: starts a server, waits for its address.
start() {
	local name=$1 pattern=$2
	shift 2
	GOMAXPROCS=1 pin "$server_cpu" "$@" >"$work/$name.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		if addr=$(grep -oE "$pattern" "$work/$name.log" | head -1 | grep -oE '127\.0\.0\.1:[0-9]+'); then
			echo "$addr"
			return
		fi
		sleep 0.1
	done
	echo "$name did not start:" >&2
	cat "$work/$name.log" >&2
	exit 1
}
plain=$(start plain 'serving on 127\.0\.0\.1:[0-9]+' "$cache/bin/loadserver" -addr 127.0.0.1:0)
roadmap=$(start roadmap 'serving on 127\.0\.0\.1:[0-9]+' "$cache/bin/loadserver" -addr 127.0.0.1:0 -mode roadmap -flags "$work/flags.json")
demo=$(start demo 'addr=127\.0\.0\.1:[0-9]+' "$cache/bin/roadmap-demo" -addr 127.0.0.1:0 -flags "$work/flags.json")
servers=("plain=$plain" "roadmap=$roadmap" "demo=$demo")

# route NAME METHOD PATH STATUS
routes=(
	"live GET /api/users/42 200"
	"planned PUT /api/reports/export 501"
	"beta PATCH /api/users/42 200"
)

for r in "${routes[@]}"; do
	read -r name method path status <<<"$r"
	printf 'wrk.method = "%s"\nwrk.headers["X-User-ID"] = "user-1"\n' "$method" >"$work/$name.lua"
	for target in "${servers[@]}"; do
		got=$(curl -s -o /dev/null -w '%{http_code}' -X "$method" -H 'X-User-ID: user-1' "http://${target#*=}$path")
		if [ "$got" != "$status" ]; then
			echo "${target%%=*} $method $path: got $got, want $status" >&2
			exit 1
		fi
	done
done

# to_us VALUE: wrk latency (e.g. 812.00us, 1.20ms, 2.00s) in microseconds.
to_us() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /s$/) print n * 1000000; else print n
	}'
}

results=$work/results.txt
for round in $(seq "$rounds"); do
	for r in "${routes[@]}"; do
		read -r name method path status <<<"$r"
		# Rotate which server goes first, so that none always runs first.
		order=("${servers[@]:$((round % 3))}" "${servers[@]:0:$((round % 3))}")
		for target in "${order[@]}"; do
			impl=${target%%=*}
			out=$(pin "$wrk_cpu" wrk -t1 -c"$conns" -d"${duration}s" --latency -s "$work/$name.lua" "http://${target#*=}$path")
			rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
			p99=$(to_us "$(awk '$1 == "99%" {print $2}' <<<"$out")")
			non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
			echo "round $round $name $impl: ${rps} req/s, p99 ${p99}us${non2xx:+ (non-2xx: $non2xx)}" >&2
			echo "$name $impl $rps $p99" >>"$results"
		done
	done
done

echo
echo "Load test: $rounds rounds x ${duration}s per route and server, wrk -t1 -c$conns (CPU $wrk_cpu), servers GOMAXPROCS=1 (CPU $server_cpu)."
echo "Shared machine: compare the ratios, not the absolute figures."
awk '
	{ rps[$1, $2] += $3; n[$1, $2]++; p99[$1, $2] += $4; if (!seen[$1]++) order[++k] = $1 }
	END {
		printf "%-8s %-8s %12s %8s %12s %8s\n", "route", "server", "req/s", "vs plain", "p99", "vs plain"
		for (i = 1; i <= k; i++) {
			r = order[i]
			pr = rps[r, "plain"] / n[r, "plain"]; pp = p99[r, "plain"] / n[r, "plain"]
			split("plain roadmap demo", impls, " ")
			for (j = 1; j <= 3; j++) {
				m = impls[j]
				if (!n[r, m]) continue
				x = rps[r, m] / n[r, m]; q = p99[r, m] / n[r, m]
				printf "%-8s %-8s %12.0f %7.3fx %10.0fus %7.3fx\n", r, m, x, x / pr, q, q / pp
			}
		}
	}' "$results"
