# shellcheck shell=bash
# Sourced by scripts/test.sh. Builds oapi-codegen from the tool module
# tools/oapicodegen (v2.8.2, pinned in its go.mod and go.sum) into
# $ROADMAP_CACHE/bin/oapi-codegen, unless the cached binary is newer than
# tools/oapicodegen/go.sum, and exports ROADMAP_OAPI_CODEGEN for
# scripts/checks/70-typed-clients.sh.
ROADMAP_CACHE="${ROADMAP_CACHE:-$PWD/.cache}"
mkdir -p "$ROADMAP_CACHE/bin"
ROADMAP_CACHE=$(cd "$ROADMAP_CACHE" && pwd) # absolute: the build runs in tools/oapicodegen
export ROADMAP_CACHE
_oapi_bin="$ROADMAP_CACHE/bin/oapi-codegen"
if [ -x "$_oapi_bin" ] && [ "$_oapi_bin" -nt tools/oapicodegen/go.sum ]; then
	echo "oapi-codegen: cached $_oapi_bin"
else
	echo "oapi-codegen: building $_oapi_bin"
	(cd tools/oapicodegen && GOWORK=off go build -o "$_oapi_bin.tmp" github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen)
	mv "$_oapi_bin.tmp" "$_oapi_bin"
fi
export ROADMAP_OAPI_CODEGEN="$_oapi_bin"
unset _oapi_bin
