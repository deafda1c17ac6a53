#!/usr/bin/env bash
# Makes sure Debian's chromium (driven by Playwright in tests/browser) and a CJK font are installed.
# Playwright never downloads a browser here: it launches /usr/bin/chromium. Installs with apt-get when run
# as root (CI, fresh machines); otherwise says what to run.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "wqy\|noto sans cjk"; then
    exit 0
fi
packages="chromium fonts-wqy-microhei"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "ensure-chromium: installing $packages (Debian packages) for the browser tests" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends $packages >/dev/null
    exit 0
fi
echo "ensure-chromium: the browser tests need Debian's chromium and a CJK font: sudo apt-get install $packages" >&2
[ -x /usr/bin/chromium ]
