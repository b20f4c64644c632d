#!/usr/bin/env bash
# Installs Debian's chromium, the headless browser the docs-site test drives,
# unless /usr/bin/chromium is already there. Needs root (or sudo) and apt.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo > /dev/null; then
    SUDO="sudo"
else
    echo "ensure_chromium: /usr/bin/chromium is missing and installing it needs root; run: apt-get install -y chromium" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium
