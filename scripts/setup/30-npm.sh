# shellcheck shell=bash
# Sourced by scripts/test.sh. Installs the npm tools of tools/npm (Spectral,
# swagger-parser, Redocly, openapi-typescript, openapi-fetch, TypeScript),
# pinned by tools/npm/package-lock.json, with `npm ci` into
# $ROADMAP_CACHE/npm, unless the lock file there is already the same; and
# Debian's nodejs and npm first if npm is missing. Exports ROADMAP_NPM (the
# directory whose node_modules holds them) for scripts/checks/40-openapi.sh
# and the typed-client test (cmd/demo TestTypedClients).
ROADMAP_CACHE="${ROADMAP_CACHE:-$PWD/.cache}"
mkdir -p "$ROADMAP_CACHE"
ROADMAP_CACHE=$(cd "$ROADMAP_CACHE" && pwd)
export ROADMAP_CACHE
if ! command -v npm >/dev/null 2>&1; then
	echo "npm: installing Debian packages nodejs npm"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
_npm_dir="$ROADMAP_CACHE/npm"
mkdir -p "$_npm_dir"
if cmp -s tools/npm/package-lock.json "$_npm_dir/node_modules/.roadmap-lock.json"; then
	echo "npm: cached tools in $_npm_dir"
else
	echo "npm: npm ci tools/npm into $_npm_dir"
	cp tools/npm/package.json tools/npm/package-lock.json "$_npm_dir/"
	(cd "$_npm_dir" && npm ci --no-audit --no-fund --loglevel=error)
	cp tools/npm/package-lock.json "$_npm_dir/node_modules/.roadmap-lock.json"
fi
export ROADMAP_NPM="$_npm_dir"
unset _npm_dir
