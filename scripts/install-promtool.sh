#!/usr/bin/env bash
# Puts Prometheus' promtool (Debian's prometheus package, 2.42) at .tools/promtool/usr/bin/promtool,
# without installing or starting the Prometheus daemon: the metrics test checks the exposition with it.
set -euo pipefail
cd "$(dirname "$0")/.."
target=.tools/promtool
[ -x "$target/usr/bin/promtool" ] && exit 0
command -v apt-get >/dev/null || { echo "install-promtool: apt-get is not available; set PROMTOOL to a promtool binary" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download prometheus >/dev/null 2>&1) || { apt-get update -qq >/dev/null && (cd "$work" && apt-get download prometheus >/dev/null 2>&1); }
mkdir -p "$target"
dpkg-deb -x "$work"/prometheus_*.deb "$work/x"
mkdir -p "$target/usr/bin"
cp "$work/x/usr/bin/promtool" "$target/usr/bin/promtool"
"$target/usr/bin/promtool" --version | head -1
