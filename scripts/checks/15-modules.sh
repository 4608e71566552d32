#!/usr/bin/env bash
# The module layout (docs/modules.md):
#
#  1. go.work lists every module of the repository (every go.mod but the
#     tool module tools/relayproxy), so that go commands from the root see
#     them all;
#  2. each module's go.mod and go.sum are tidy on their own (GOWORK=off),
#     and no module that is released (any but those under internal/)
#     requires one under internal/, which is never tagged;
#  3. the root module requires only chi, the OpenFeature SDK and testify,
#     and modules they require themselves;
#  4. a scratch consumer module that imports router, flags and stub (plus
#     chi and the SDK) resolves, in `go list -m all`, no module beyond those
#     of a scratch module that imports chi and the SDK alone (at the root's
#     versions, measured in the same run), roadmap itself excepted; and at
#     most MAX_MODULES lines if that is set. docs/modules.md quotes the
#     figures.
#
# ROADMAP_ROOT may name another checkout to check.
set -euo pipefail
cd "${ROADMAP_ROOT:-$(dirname "$0")/../..}"
root=$PWD
base=github.com/roadmap-go/roadmap
max=${MAX_MODULES:-}
fail=0

# 1. go.work uses every module.
want=$(find . \( -name '.?*' -o -name testdata -o -name node_modules -o -path ./tools \) -prune -o -name go.mod -print |
	sed -e 's#/go.mod$##' -e 's#^\./##' -e 's#^\.$#.#' | sort)
got=$(go work edit -json | sed -nE 's#^[[:space:]]*"DiskPath": "(\./)?([^"]*)".*#\2#p' | sed 's#^$#.#' | sort)
if [ "$want" != "$got" ]; then
	echo "go.work does not list exactly the modules of the repository:"
	diff <(echo "$want") <(echo "$got") | sed -n 's/^</  missing from go.work:/p; s/^>/  in go.work, no go.mod:/p' || true
	fail=1
fi

# 2. Each module tidy on its own.
for d in $want; do
	if ! out=$(cd "$d" && GOWORK=off go mod tidy -diff 2>&1); then
		echo "module $d: go.mod/go.sum not tidy (run: cd $d && GOWORK=off go mod tidy):"
		echo "$out" | head -n 30 | sed 's/^/  /'
		fail=1
	fi
done

for d in $want; do
	[[ "$d" == internal/* ]] && continue
	if bad=$(grep -E "^[[:space:]]*(require[[:space:]]+)?$base/internal/[^ ]+ v" "$d/go.mod"); then
		echo "module $d requires a module under internal/, which is never released: move what it uses to a package of the root module (docs/modules.md):"
		echo "$bad" | sed 's/^[[:space:]]*/  /'
		fail=1
	fi
done

# 3. The root module's requirements: chi, the SDK, testify and what those
# require (at any version), nothing else.
allowed=" github.com/go-chi/chi/v5 github.com/open-feature/go-sdk github.com/stretchr/testify "
graph=$(GOWORK=off go mod graph | sed -E 's/@[^ ]+//g')
while :; do
	more=$(awk -v a="$allowed" 'index(a, " " $1 " ") && !index(a, " " $2 " ") {print $2}' <<<"$graph" | sort -u | tr '\n' ' ')
	[ -n "$more" ] || break
	allowed+="$more"
done
requires=$(GOWORK=off go mod edit -json | awk '/"Require"/ {r=1} r && /"Path"/ {gsub(/[",]/, "", $2); print $2} r && /^\t\]/ {r=0}')
bad=""
for m in $requires; do
	[[ "$allowed" == *" $m "* ]] || bad+="  $m"$'\n'
done
if [ -n "$bad" ]; then
	echo "the root module requires modules beyond chi, the OpenFeature SDK and testify (and their requirements):"
	printf '%s' "$bad"
	echo "move the code (or the test) that needs them to a module of its own (docs/modules.md)"
	fail=1
fi

# 4. A user's module: imports the core, counts what it resolves, against a
# module that imports chi and the SDK alone.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/consumer" "$tmp/baseline"
gover=$(GOWORK=off go mod edit -json | sed -nE 's/^[[:space:]]*"Go": "([^"]*)".*/\1/p')
version() { GOWORK=off go list -m -f '{{.Version}}' "$1"; }
cat >"$tmp/consumer/go.mod" <<EOF
module example.com/consumer

go $gover

require $base v0.0.0-00010101000000-000000000000

replace $base => $root
EOF
cat >"$tmp/consumer/main.go" <<'EOF'
// A user's program: roadmap's core packages, chi and the OpenFeature SDK.
package main

import (
	_ "github.com/go-chi/chi/v5"
	_ "github.com/open-feature/go-sdk/openfeature"

	_ "github.com/roadmap-go/roadmap/flags"
	_ "github.com/roadmap-go/roadmap/router"
	_ "github.com/roadmap-go/roadmap/stub"
)

func main() {}
EOF
cat >"$tmp/baseline/go.mod" <<EOF
module example.com/baseline

go $gover

require (
	github.com/go-chi/chi/v5 $(version github.com/go-chi/chi/v5)
	github.com/open-feature/go-sdk $(version github.com/open-feature/go-sdk)
)
EOF
cat >"$tmp/baseline/main.go" <<'EOF'
// chi and the OpenFeature SDK alone.
package main

import (
	_ "github.com/go-chi/chi/v5"
	_ "github.com/open-feature/go-sdk/openfeature"
)

func main() {}
EOF
for m in consumer baseline; do
	(cd "$tmp/$m" && GOWORK=off go mod tidy >/dev/null && GOWORK=off go build -o /dev/null . &&
		GOWORK=off go list -m all >list)
done
n=$(wc -l <"$tmp/consumer/list")
nbase=$(wc -l <"$tmp/baseline/list")
# Modules the consumer resolves beyond the baseline's, but for the two main
# modules (example.com/consumer, example.com/baseline) and roadmap itself.
extra=$(grep -vxF -f <(sed 's/ .*//' "$tmp/baseline/list") <(sed 's/ .*//' "$tmp/consumer/list") |
	grep -vx -e example.com/consumer -e "$base" || true)
figure="a consumer of router, flags and stub resolves $n modules in go list -m all ($(wc -l <"$tmp/consumer/go.sum") go.sum lines); chi and the OpenFeature SDK alone: $nbase ($(wc -l <"$tmp/baseline/go.sum") go.sum lines)"
if [ -n "$extra" ]; then
	echo "$figure; roadmap adds:"
	echo "$extra" | sed 's/^/  /'
	fail=1
elif [ -n "$max" ] && [ "$n" -gt "$max" ]; then
	echo "$figure: more than MAX_MODULES=$max"
	fail=1
elif [ "$fail" -ne 0 ]; then
	echo "$figure"
else
	echo "modules: go.work lists $(wc -w <<<"$want") modules, each tidy; the root requires $(wc -w <<<"$requires"), all allowed; $figure"
fi
exit "$fail"
