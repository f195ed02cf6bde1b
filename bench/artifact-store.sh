#!/usr/bin/env bash
# Storing and hashing a large artifact (issue 14: goal <= 1.2x sha256sum + cp of the same file),
# and reading a kept one back (the download path) beside cat: bench/ArtifactStoreBench.java against
# the built jar, in a directory on the file system data_dir would be on (default: under /var/tmp).
# Then the download over HTTP: a real server keeps a SIZE_MIB artifact made by a post job, and
# GET /api/v1/artifacts/{sha256} (curl, JDK HttpClient) is timed beside cat / Files.copy of the
# blob it streams (bench/java/ArtifactDownload.java; DOWNLOAD=0 leaves it out). Run as root.
#
#   bench/artifact-store.sh [SIZE_MIB=1024] [ROUNDS=5]     DIR=/path/on/the/data/fs to choose
set -euo pipefail
SIZE="${1:-1024}"
ROUNDS="${2:-5}"
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
mkdir -p "$here/bench/results"
echo "artifact-store: building Seakeeper if needed (./seakeeper --version)..." >&2
"$here/seakeeper" --version >/dev/null
JAVA_HOME="$("$here/scripts/find-jdk.sh")"
tmp="$(mktemp -d "${DIR:-/var/tmp}/sk-artifact-bench.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
out="$here/bench/results/artifact-store-$(date -u +%Y%m%dT%H%M%SZ)-${SIZE}MiB.json"
"$JAVA_HOME/bin/java" -cp "$here/app/target/seakeeper.jar" "$here/bench/ArtifactStoreBench.java" \
  "$tmp" "$SIZE" "$ROUNDS" "$out"
if [ "${DOWNLOAD:-1}" != "0" ]; then
  echo
  dl="$here/bench/results/artifact-download-$(date -u +%Y%m%dT%H%M%SZ)-${SIZE}MiB.json"
  SERVER_JVM_FLAGS="${SERVER_JVM_FLAGS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto}" \
    "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Dbench.root="$here" -cp "$here/app/target/seakeeper.jar" \
    "$here/bench/java/ArtifactDownload.java" "$tmp" "$SIZE" "$ROUNDS" "$dl"
  echo
  echo "results: $out $dl"
else
  echo
  echo "results: $out"
fi
