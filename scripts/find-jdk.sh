#!/usr/bin/env bash
# Prints the home of a JDK 25 or newer: $JAVA_HOME if it is one, else the first under /usr/lib/jvm.
set -u
candidates=()
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
for c in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-25-openjdk /usr/lib/jvm/*; do
  candidates+=("$c")
done
for c in "${candidates[@]}"; do
  [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
  # The JDK's release file names its version without starting a JVM (~50 ms saved per run).
  v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$c/release" 2>/dev/null)"
  [ -n "$v" ] || v="$("$c/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
  if [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
    echo "$c"
    exit 0
  fi
done
echo "no JDK 25 found (looked at \$JAVA_HOME and /usr/lib/jvm/*); install one (e.g. Temurin 25) and set JAVA_HOME to it" >&2
exit 1
