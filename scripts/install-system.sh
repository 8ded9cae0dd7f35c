#!/usr/bin/env bash
# Install the system packages the course needs beyond Python: a headless Java runtime for H2O,
# and bubblewrap (bwrap), the sandbox `workshop grade` runs each submission in.
# One script for every route in: the Dockerfile, `make` and CI (.ci/run) all call it, so the
# attendee image and this machine are set up by the same steps.
#
# Usage: scripts/install-system.sh        (as root, or as a user who may run sudo)
#
# Debian/Ubuntu only (apt-get). Idempotent: when a Java that H2O accepts is already on PATH
# (or in H2O_JAVA_HOME) and bwrap is on PATH, it installs nothing and does not touch apt at all.
# Env: JAVA_PACKAGE (default openjdk-17-jre-headless).
set -euo pipefail

java_package=${JAVA_PACKAGE:-openjdk-17-jre-headless}
# The H2O release in requirements.lock runs on Java 8 to 17 and refuses anything newer.
min_java=8
max_java=17

# Print the major version of the Java at $1 (e.g. 17), or nothing if it does not run.
java_major() {
    local out
    out=$("$1" -version 2>&1) || return 0
    # First line: openjdk version "17.0.15" 2025-04-15  |  java version "1.8.0_402"
    out=$(printf '%s\n' "$out" | sed -n 's/^.* version "\([0-9][0-9.]*\).*$/\1/p' | head -n 1)
    case $out in
        1.*) out=${out#1.} ;;
    esac
    printf '%s\n' "${out%%.*}"
}

supported() {
    local major
    major=$(java_major "$1")
    [ -n "$major" ] && [ "$major" -ge "$min_java" ] && [ "$major" -le "$max_java" ]
}

# A Java H2O will use: H2O_JAVA_HOME wins over PATH (that is h2o's own order).
usable_java() {
    if [ -n "${H2O_JAVA_HOME:-}" ] && [ -x "$H2O_JAVA_HOME/bin/java" ] && supported "$H2O_JAVA_HOME/bin/java"; then
        echo "$H2O_JAVA_HOME/bin/java"
        return 0
    fi
    if command -v java >/dev/null 2>&1 && supported "$(command -v java)"; then
        command -v java
        return 0
    fi
    return 1
}

packages=()
if found=$(usable_java); then
    echo "install-system: Java $(java_major "$found") found at $found"
else
    packages+=("$java_package")
fi
if command -v bwrap >/dev/null 2>&1; then
    echo "install-system: bubblewrap found at $(command -v bwrap)"
else
    packages+=(bubblewrap)
fi
if [ ${#packages[@]} -eq 0 ]; then
    echo "install-system: nothing to install"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: ${packages[*]} missing, and this is not a Debian/Ubuntu system (no apt-get)." >&2
    if [ "${packages[0]}" = "$java_package" ]; then
        echo "fix: install a Java 17 runtime (e.g. Temurin 17, or 'conda env create -f environment.yml')," >&2
        echo "     or point H2O_JAVA_HOME at one." >&2
    fi
    if [ "${packages[-1]}" = bubblewrap ]; then
        echo "fix: install bubblewrap (bwrap) with your package manager; \`workshop grade\` sandboxes each submission with it." >&2
    fi
    exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "error: installing ${packages[*]} needs root; run this script as root or install sudo." >&2
        exit 1
    fi
fi

echo "install-system: installing ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
# Slim Debian images drop /usr/share/man; the JRE's update-alternatives step needs man1 to exist.
"${sudo[@]}" mkdir -p /usr/share/man/man1
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
"${sudo[@]}" apt-get clean
"${sudo[@]}" rm -rf /var/lib/apt/lists/*

if ! command -v bwrap >/dev/null 2>&1; then
    echo "error: bubblewrap was installed but bwrap is not on PATH." >&2
    exit 1
fi
if found=$(usable_java); then
    echo "install-system: done (Java $(java_major "$found") at $found, bwrap at $(command -v bwrap))"
    exit 0
fi

# Installed, but a newer default Java (e.g. 21) still comes first on PATH.
for jvm in /usr/lib/jvm/java-17-openjdk-*; do
    if [ -x "$jvm/bin/java" ]; then
        echo "install-system: Java 17 is installed at $jvm, but 'java' on PATH is another version" >&2
        echo "fix: export H2O_JAVA_HOME=$jvm   (H2O then uses Java 17 whatever the default is)" >&2
        exit 1
    fi
done
echo "error: $java_package was installed but no Java ${min_java}-${max_java} can be found." >&2
exit 1
