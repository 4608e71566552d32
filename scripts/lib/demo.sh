# shellcheck shell=bash
# Sourced by the checks that need a running demo (40-openapi.sh,
# 70-typed-clients.sh). Defines:
#
#   demo_start TMP NAME  builds cmd/demo into $ROADMAP_CACHE/bin/NAME, starts it
#                        on a free 127.0.0.1 port with a copy of its flag file in
#                        TMP, and sets demo_addr and demo_pid; it exits the
#                        script if the demo does not start.
#   demo_stop            stops the demo demo_start started (for an EXIT trap).
#   demo_fetch URL USER OUT  GETs URL (as X-User-ID USER, if not empty) with
#                        node's fetch into OUT, failing unless the status is 200.
demo_pid=""
demo_addr=""

demo_start() {
	local tmp=$1 bin="$ROADMAP_CACHE/bin/$2"
	mkdir -p "$ROADMAP_CACHE/bin"
	go build -o "$bin" ./cmd/demo
	cp cmd/demo/flags.json "$tmp/flags.json"
	"$bin" -addr 127.0.0.1:0 -flags "$tmp/flags.json" >"$tmp/demo.log" 2>&1 &
	demo_pid=$!
	for _ in $(seq 1 300); do
		demo_addr="$(sed -n 's/.*msg=serving addr=\([0-9.:]*\).*/\1/p' "$tmp/demo.log" | head -n1)"
		[ -n "$demo_addr" ] && return 0
		kill -0 "$demo_pid" 2>/dev/null || { cat "$tmp/demo.log"; echo "demo exited"; exit 1; }
		sleep 0.1
	done
	cat "$tmp/demo.log"
	echo "demo did not start"
	exit 1
}

demo_stop() {
	if [ -n "$demo_pid" ]; then
		kill "$demo_pid" 2>/dev/null || true
		wait "$demo_pid" 2>/dev/null || true
	fi
}

demo_fetch() {
	node -e 'fetch(process.argv[1], {headers: process.argv[2] ? {"X-User-ID": process.argv[2]} : {}})
		.then(async r => { if (r.status !== 200) throw new Error("status " + r.status); require("fs").writeFileSync(process.argv[3], await r.text()) })
		.catch(e => { console.error(e.message); process.exit(1) })' "$1" "$2" "$3"
}
