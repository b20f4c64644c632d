#!/usr/bin/env bash
# Installs Debian's chromium, the headless browser the docs-site test drives,
# unless /usr/bin/chromium is already there. Needs root (or sudo) and apt.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi

exec "$(dirname "$0")/apt_install.sh" "ensure_chromium: /usr/bin/chromium is missing" chromium
