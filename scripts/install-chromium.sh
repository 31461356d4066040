#!/usr/bin/env bash
# Debian's Chromium at /usr/bin/chromium, for the console's browser test (test/browser/):
# playwright-core drives it and downloads no browser of its own. Installed only when missing.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
command -v apt-get >/dev/null || { echo "install-chromium: apt-get is not available; install Chromium at /usr/bin/chromium" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null; }
/usr/bin/chromium --version
