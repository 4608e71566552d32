#!/usr/bin/env bash
# Runs every benchmark of every module once, briefly (100 iterations), so
# that none of them rots. Timings are printed, never asserted: the figures and
# how they are measured are in docs/performance.md (scripts/bench.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
# The flagd provider logs JSON lines to stdout; drop them, keep the rest.
# `./...` stops at module boundaries, so each module of go.work in turn.
for dir in $(go list -m -f '{{.Dir}}'); do
	(cd "$dir" && GOWORK=off go test -run '^$' -bench . -benchtime=100x ./...) 2>&1 | grep -v '^{"level"'
done
