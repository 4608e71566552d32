# shellcheck shell=bash
# Sourced by scripts/test.sh. Installs Debian's Chromium for the browser test
# of the roadmap page (cmd/demo TestRoadmapPageInChromium, driven by chromedp)
# unless it is already there, and exports ROADMAP_CHROMIUM. Idempotent; needs
# root and Debian's package archive.
if [ -z "${ROADMAP_CHROMIUM:-}" ] || [ ! -x "${ROADMAP_CHROMIUM}" ]; then
	if ! command -v chromium >/dev/null 2>&1; then
		echo "chromium: installing Debian package chromium"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	fi
	ROADMAP_CHROMIUM="$(command -v chromium)"
fi
echo "chromium: $ROADMAP_CHROMIUM ($("$ROADMAP_CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
export ROADMAP_CHROMIUM
