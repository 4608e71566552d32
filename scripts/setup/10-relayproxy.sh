# shellcheck shell=bash
# Sourced by scripts/test.sh. Builds the GO Feature Flag relay proxy from the
# tool module tools/relayproxy (pinned in its go.mod and go.sum) into
# $ROADMAP_CACHE/bin/relayproxy, unless the cached binary is newer than
# tools/relayproxy/go.sum, and exports ROADMAP_RELAYPROXY for the tests that
# run it (ofrepflags, cmd/demo). The first build takes a few minutes.
#
# GONOSUMDB covers github.com/thomaspoignant/* only, for hashes the tool
# module's go.sum lacks; everything else is checked against go.sum and the
# checksum database as usual. The tool module is not part of go.work (see
# the comment there), hence GOWORK=off.
ROADMAP_CACHE="${ROADMAP_CACHE:-$PWD/.cache}"
mkdir -p "$ROADMAP_CACHE/bin"
ROADMAP_CACHE=$(cd "$ROADMAP_CACHE" && pwd) # absolute: the build runs in tools/relayproxy
export ROADMAP_CACHE
_relayproxy_bin="$ROADMAP_CACHE/bin/relayproxy"
if [ -x "$_relayproxy_bin" ] && [ "$_relayproxy_bin" -nt tools/relayproxy/go.sum ]; then
	echo "relay proxy: cached $_relayproxy_bin"
else
	echo "relay proxy: building $_relayproxy_bin (takes a few minutes)"
	(
		cd tools/relayproxy &&
			GOWORK=off GONOSUMDB='github.com/thomaspoignant/*' \
				go build -o "$_relayproxy_bin.tmp" github.com/thomaspoignant/go-feature-flag/cmd/relayproxy
	)
	mv "$_relayproxy_bin.tmp" "$_relayproxy_bin"
fi
export ROADMAP_RELAYPROXY="$_relayproxy_bin"
unset _relayproxy_bin
