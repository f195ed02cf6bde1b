#!/usr/bin/env bash
# A Maven project's check through the dependency cache, cold and warm, against the same
# `mvn test` on the host with a warm ~/.m2 (docs/benchmarks.md, "Dependency cache"):
#   bench/maven-check.sh [ROUNDS=3]
# The project is a small one with a JUnit 5 test and the plugin versions this repository's build
# uses. The cache's upstream is a loopback Maven repository serving this machine's
# ~/.m2/repository (checksums computed), so no internet is needed. Each round, interleaved:
#   cold  - `./seakeeper run --config` with an empty cache directory
#   warm  - the same again, the cache kept
#   host  - `mvn -o -q test` on the host (warm ~/.m2, no sandbox)
# Reports medians of the job's duration (from `run`'s table) and of the host's wall time, and the
# ratio warm/host (goal <= 1.2x).
set -euo pipefail
ROUNDS="${1:-3}"
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
results="$here/bench/results"
mkdir -p "$results"
"$here/seakeeper" --version >/dev/null
tmp="$(mktemp -d /var/tmp/seakeeper-maven-check.XXXXXX)"
# readable by the tier users, as an operator keeps the cache, so jobs also get its Maven files as
# file: repositories; CACHE_DIR_MODE=700 measures without them (HTTP only)
chmod "${CACHE_DIR_MODE:-755}" "$tmp"
trap 'kill $up 2>/dev/null || true; rm -rf "$tmp"' EXIT
m2="$HOME/.m2/repository"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$m2" "$port" <<'PY' &
import hashlib, http.server, os, sys
root, port = os.path.realpath(sys.argv[1]), int(sys.argv[2])
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        path = self.path.split("?")[0]
        sha1 = path.endswith(".sha1")
        f = os.path.realpath(os.path.join(root, path.lstrip("/")[:-5] if sha1 else path.lstrip("/")))
        if not f.startswith(root + "/") or not os.path.isfile(f):
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        body = open(f, "rb").read()
        if sha1:
            body = hashlib.sha1(body).hexdigest().encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PY
up=$!
proj="$tmp/greeter"
mkdir -p "$proj/src/main/java/demo" "$proj/src/test/java/demo"
cat >"$proj/pom.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.example</groupId><artifactId>greeter</artifactId><version>1.0</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId>
      <version>5.14.4</version><scope>test</scope></dependency>
  </dependencies>
  <build><plugins>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
  </plugins></build>
</project>
XML
printf 'package demo;\npublic class Greeter { public static String greet(String n) { return "hello " + n; } }\n' \
  >"$proj/src/main/java/demo/Greeter.java"
printf 'package demo;\nimport static org.junit.jupiter.api.Assertions.assertEquals;\nimport org.junit.jupiter.api.Test;\nclass GreeterTest { @Test void greets() { assertEquals("hello ci", Greeter.greet("ci")); } }\n' \
  >"$proj/src/test/java/demo/GreeterTest.java"
printf 'jobs:\n  test:\n    run: mvn -B -q -ntp test\n    timeout: 10m\npipelines:\n  check: [test]\n' >"$proj/.seakeeper.yaml"
git -C "$proj" init -q
git -C "$proj" add -A
git -C "$proj" -c user.name=bench -c user.email=bench@localhost commit -qm greeter
cat >"$tmp/server.yaml" <<YAML
data_dir: $tmp/data
dependency_cache:
  dir: $tmp/deps
  upstreams:
    maven: ["http://127.0.0.1:$port/"]
YAML
export XDG_CACHE_HOME="$tmp/xdg"
job_time() { # -> seconds of the job, from run's table
  local out
  out=$("$here/seakeeper" run --config "$tmp/server.yaml" "$proj" 2>&1) || { echo "$out" >&2; exit 1; }
  echo "$out" | awk '$1 == "test" && $2 == "success" { sub(/s$/, "", $3); print $3 }'
}
host_time() {
  local t0 t1
  rm -rf "$tmp/hostcopy"; cp -a "$proj" "$tmp/hostcopy"
  t0=$(date +%s.%N)
  (cd "$tmp/hostcopy" && mvn -B -q -ntp -o test >/dev/null)
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
sleep 1
host_time >/dev/null # warm the host's JVM files and ~/.m2 in the page cache
declare -A v=([cold]="" [warm]="" [host]="")
for r in $(seq 1 "$ROUNDS"); do
  rm -rf "$tmp/deps"
  v[cold]+="$(job_time) "
  v[warm]+="$(job_time) "
  v[host]+="$(host_time) "
  echo "maven-check: round $r/$ROUNDS done" >&2
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
out="$results/maven-check-$(date +%Y%m%d-%H%M%S).txt"
{
  echo "maven-check: $ROUNDS rounds, medians (s)"
  printf '%-58s %8s\n' "check job, cache empty (cold)" "$(echo "${v[cold]}" | median)"
  printf '%-58s %8s\n' "check job, cache warm" "$(echo "${v[warm]}" | median)"
  printf '%-58s %8s\n' "mvn -o test on the host, warm ~/.m2 (no sandbox)" "$(echo "${v[host]}" | median)"
  echo "ratio warm/host: $(echo "scale=2; $(echo "${v[warm]}" | median) / $(echo "${v[host]}" | median)" | bc)x (goal <= 1.2x); cold/warm: $(echo "scale=2; $(echo "${v[cold]}" | median) / $(echo "${v[warm]}" | median)" | bc)x"
} | tee "$out"
