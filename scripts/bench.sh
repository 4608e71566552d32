#!/usr/bin/env bash
# Runs the paired benchmarks of internal/bench (issue 6) the way
# docs/performance.md reports them: the test binary is built once, then run
# ROUNDS times (default 6), so that each baseline/roadmap pair runs back to
# back in every round and the rounds interleave; benchstat then compares the
# pairs column by column (-col /impl) and draws the chart.
#
#   scripts/bench.sh [OUT_DIR]      (default: .cache/bench)
#
# Environment: ROUNDS (6), BENCH (regexp, default "."), BENCHTIME (500ms),
# CPU (GOMAXPROCS values for -test.cpu, default 1), PIN (taskset CPU list
# for the benchmark process, default 0; empty for none).
#
# The machine may be shared: compare ratios within one run, never absolute
# figures across runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${1:-${ROADMAP_CACHE:-$root/.cache}/bench}
rounds=${ROUNDS:-6}
bench=${BENCH:-.}
benchtime=${BENCHTIME:-500ms}
cpu=${CPU:-1}
pin=${PIN-0}
mkdir -p "$out"

benchstat=${ROADMAP_CACHE:-$root/.cache}/bin/benchstat
if [ ! -x "$benchstat" ]; then
	GOBIN=$(dirname "$benchstat") go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
fi

go test -c -o "$out/bench.test" ./internal/bench
run=("$out/bench.test")
if [ -n "$pin" ] && command -v taskset >/dev/null; then
	run=(taskset -c "$pin" "$out/bench.test")
fi

raw=$out/bench.txt
: >"$raw"
: >"$out/bench.log"
for i in $(seq "$rounds"); do
	echo "round $i/$rounds" >&2
	# The flagd provider logs JSON lines; keep benchmark lines only, the rest
	# goes to bench.log.
	(cd internal/bench && "${run[@]}" -test.run '^$' -test.bench "$bench" -test.benchtime "$benchtime" \
		-test.cpu "$cpu" -test.count 1) 2>>"$out/bench.log" | tee -a "$out/bench.log" |
		grep -E '^(Benchmark|goos|goarch|pkg|cpu)' >>"$raw"
done

# One table per kind of pair, baseline first.
{
	echo "## Router against plain chi (Serve, Build10k)"
	"$benchstat" -filter '.name:(Serve OR Build10k)' -col '/impl@(chi roadmap)' "$raw"
	echo
	echo "## Flag evaluation: router against a direct provider call (Flag, OFREP)"
	"$benchstat" -filter '.name:(Flag OR OFREP)' -col '/impl@(direct-attrs direct roadmap roadmap-inline roadmap-isolated roadmap-nocache)' "$raw"
	echo
	echo "## Demand counting: the router without and with a demand.Counter (Demand)"
	"$benchstat" -filter '.name:Demand' -col '/impl@(roadmap roadmap-demand)' "$raw"
	echo
	echo "## Flip propagation, flag file edit to served (Flip)"
	"$benchstat" -filter '.name:Flip' -col '/impl@(provider roadmap)' "$raw"
} | tee "$out/benchstat.txt"
go run ./internal/bench/cmd/benchchart -in "$raw" -out "$out/performance.png"
echo "raw: $raw; table: $out/benchstat.txt; chart: $out/performance.png" >&2
