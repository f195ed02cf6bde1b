# Shared set-up of the server benchmarks (sourced by bench/*.sh; not run directly).
# Finds JDK 25, builds app/target/seakeeper.jar when missing or older than the sources, makes
# bench/results/, and records machine facts.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
RESULTS="$BENCH_DIR/results"
JAR="$ROOT/app/target/seakeeper.jar"
mkdir -p "$RESULTS"

if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "25'; then
  JAVA_HOME="$("$ROOT/scripts/find-jdk.sh")"
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"

needs_build() {
  [ -f "$JAR" ] || return 0
  [ -n "$(find "$ROOT/pom.xml" "$ROOT/core" "$ROOT/app" "$ROOT/testkit" \( -name target -prune \) -o -type f -newer "$JAR" -print -quit 2>/dev/null)" ]
}
if needs_build; then
  echo "bench: building seakeeper.jar ..." >&2
  (cd "$ROOT" && mvn -q -B -o -DskipTests -Dspotless.check.skip=true package >"$RESULTS/build.log" 2>&1 || mvn -q -B -DskipTests -Dspotless.check.skip=true package >"$RESULTS/build.log" 2>&1) || {
    tail -n 30 "$RESULTS/build.log" >&2
    exit 2
  }
fi

# The exact JVM flags ./seakeeper uses, so the server under test is the one people start.
SERVER_JVM_FLAGS="${SERVER_JVM_FLAGS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto}"
export SERVER_JVM_FLAGS

# Machine facts, printed and written beside each result.
machine_facts() {
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit:  $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "nproc:   $(nproc)"
  echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory:  $(free -m | awk '/^Mem:/ {print $2 " MiB"}')"
  echo "kernel:  $(uname -r)"
  echo "java:    $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
  echo "bwrap:   $(bwrap --version 2>/dev/null || echo missing)"
  echo "git:     $(git --version)"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at start)"
}

# Runs a benchmark main from bench/java with the app jar on the class path (source-file mode,
# so nothing is added to the Maven build).
run_bench_java() {
  local main="$1"
  shift
  "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Dbench.root="$ROOT" -cp "$JAR" "$BENCH_DIR/java/$main.java" "$@"
}
