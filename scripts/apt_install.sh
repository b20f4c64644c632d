#!/usr/bin/env bash
# Installs Debian packages with apt, as root or through sudo, for the ensure_*.sh
# scripts. Usage: scripts/apt_install.sh WHAT PACKAGE... where WHAT says, in the
# error message shown when neither root nor sudo is available, what is missing.
set -euo pipefail

what="$1"
shift

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo > /dev/null; then
    SUDO="sudo"
else
    echo "$what; installing it needs root; run: apt-get install -y $*" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "$@"
