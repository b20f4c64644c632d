#!/usr/bin/env bash
# Installs Debian's Java 17 runtime (openjdk-17-jre-headless), which pyspark needs
# for the Spark target (DBT_TARGET=spark), unless a Java 17 or later is already on
# the PATH or at JAVA_HOME. Needs root (or sudo) and apt to install.
set -euo pipefail

java_major() {
    # "openjdk version "17.0.15" ..." -> 17; "1.8.0_392" -> 1 (too old)
    "$1" -version 2>&1 | awk -F'"' '/version/ { split($2, part, "."); print part[1]; exit }'
}

for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && [ "$(java_major "$candidate")" -ge 17 ] 2> /dev/null; then
        exit 0
    fi
done

exec "$(dirname "$0")/apt_install.sh" "ensure_java: Spark needs Java 17 or later and none was found" openjdk-17-jre-headless
