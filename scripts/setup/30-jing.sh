# shellcheck shell=bash
# Sourced by scripts/test.sh. Installs jing, the RELAX NG validator (Debian
# package "jing", which brings a Java runtime), with which roadmappage's
# tests validate GET /roadmap.atom against the Atom schema of RFC 4287
# (roadmappage/testdata/atom.rnc), and exports ROADMAP_JING.
if ! command -v jing >/dev/null 2>&1; then
	echo "jing: installing Debian package jing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jing >/dev/null
fi
ROADMAP_JING="$(command -v jing)"
export ROADMAP_JING
echo "jing: $ROADMAP_JING"
