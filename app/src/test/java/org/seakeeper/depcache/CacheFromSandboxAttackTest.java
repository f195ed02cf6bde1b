package org.seakeeper.depcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.app.BuiltInCache;
import org.seakeeper.app.Wiring;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;
import org.seakeeper.sandbox.BubblewrapExecutor;
import org.seakeeper.sandbox.Workspaces;

/**
 * The dependency cache is an untrusted job's only way out, attacked from inside a real untrusted
 * sandbox (bubblewrap, no network) on the built-in cache as the server wires it: a canary on host
 * loopback, the host's files and the cache's own content stay out of reach. Every attack has the
 * positive control of a normal request through the same socket; the canary fails the test if it
 * receives any request at all.
 */
class CacheFromSandboxAttackTest {
  Path base;
  FakeUpstream maven;
  FakeUpstream canary;
  ServerSocket api;
  BuiltInCache cache;
  BubblewrapExecutor executor;
  byte[] jar;

  @BeforeEach
  void start() throws Exception {
    base = Files.createTempDirectory(Path.of("/var/tmp"), "sk-cache-attack");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
    maven = new FakeUpstream();
    canary = new FakeUpstream();
    api = new ServerSocket();
    api.bind(new InetSocketAddress("127.0.0.1", 0));
    jar =
        Files.readAllBytes(
            Path.of(
                System.getProperty("user.home"), ".m2/repository", DependencyCacheTest.JAR_PATH));
    DependencyCacheTest.serveMaven(maven, "/maven2/" + DependencyCacheTest.JAR_PATH, jar);
    String toCanary = "http://127.0.0.1:" + canary.port() + "/stolen.jar";
    for (String p : List.of("/maven2/org/evil/x/1/x-1.jar", "/maven2/org/evil/x/1/x-1.jar.sha1")) {
      maven.route(
          p,
          ex -> {
            ex.getResponseHeaders().add("Location", toCanary);
            ex.sendResponseHeaders(302, -1);
          });
    }
    ServerConfig.DependencyCache settings =
        new ServerConfig.DependencyCache(
            true,
            Optional.of(base.resolve("deps").toString()),
            1L << 30,
            List.of("http://127.0.0.1:" + maven.port() + "/maven2/"),
            "http://127.0.0.1:" + canary.port() + "/npm-unused/",
            "http://127.0.0.1:" + canary.port() + "/pypi-unused/simple/");
    cache =
        BuiltInCache.start(
                settings, base.resolve("deps"), java.util.Set.of(), new SimpleMeterRegistry())
            .orElseThrow();
    executor =
        Wiring.bubblewrap(
            Optional.empty(),
            Tier.UNTRUSTED,
            base.resolve("work"),
            base.resolve("artifacts"),
            w -> {},
            cache);
  }

  @AfterEach
  void stop() throws Exception {
    executor.close();
    cache.close();
    api.close();
    maven.close();
    List<String> reached = canary.requests();
    canary.close();
    Workspaces.delete(base);
    assertThat(reached).as("the canary on host loopback is never reached").isEmpty();
  }

  /** Each line of the job's script prints "NAME RESULT": an HTTP status, or "refused". */
  static final String ATTACKS =
      """
      import os, socket, sys, hashlib
      url = os.environ["SEAKEEPER_CACHE_URL"]
      port = int(url.rsplit(":", 1)[1].strip("/"))
      def raw(name, request, body=b""):
          try:
              s = socket.create_connection(("127.0.0.1", port), timeout=20)
              s.sendall(request.encode() + b"\\r\\n" + body)
              data = b""
              while True:
                  chunk = s.recv(65536)
                  if not chunk:
                      break
                  data += chunk
              s.close()
              head, _, payload = data.partition(b"\\r\\n\\r\\n")
              status = head.split(b" ")[1].decode() if head else "none"
              print(name, status, hashlib.sha1(payload).hexdigest(), flush=True)
          except OSError as e:
              print(name, "refused", type(e).__name__, flush=True)
      def req(method, target, extra=""):
          return (f"{method} {target} HTTP/1.1\\r\\nHost: 127.0.0.1:{port}\\r\\n"
                  f"Connection: close\\r\\n{extra}")
      jar = "/maven/" + sys.argv[1]
      canary = int(sys.argv[2]); api = int(sys.argv[3])
      raw("control", req("GET", jar))
      raw("absolute-uri", req("GET", f"http://127.0.0.1:{canary}/x"))
      raw("connect", f"CONNECT 127.0.0.1:{canary} HTTP/1.1\\r\\nHost: 127.0.0.1:{canary}\\r\\n"
          "Connection: close\\r\\n")
      raw("dotdot", req("GET", "/maven/../../../../etc/passwd"))
      raw("encoded-dotdot", req("GET", "/maven/%2e%2e/%2e%2e/%2e%2e/etc/passwd"))
      raw("encoded-slash", req("GET", "/maven/org%2f..%2f..%2fetc/passwd"))
      raw("at-host", req("GET", f"/maven/@127.0.0.1:{canary}/x.jar"))
      raw("host-header", (f"GET {jar} HTTP/1.1\\r\\nHost: 127.0.0.1:{canary}\\r\\n"
                          "Connection: close\\r\\n"))
      raw("redirect", req("GET", "/maven/org/evil/x/1/x-1.jar"))
      raw("put", req("PUT", jar, "Content-Length: 4\\r\\n"), b"evil")
      raw("post", req("POST", jar, "Content-Length: 4\\r\\n"), b"evil")
      raw("after-put", req("GET", jar))
      for name, p in (("direct-canary", canary), ("direct-api", api)):
          try:
              socket.create_connection(("127.0.0.1", p), timeout=5).close()
              print(name, "connected", flush=True)
          except OSError as e:
              print(name, "refused", type(e).__name__, flush=True)
      """;

  @Test
  void no_request_through_the_cache_reaches_the_host_or_changes_the_cache() throws Exception {
    Path script = base.resolve("attacks.py");
    Files.writeString(script, ATTACKS);
    Path ws = Files.createDirectories(base.resolve("src"));
    Files.copy(script, ws.resolve("attacks.py"));
    ExecutionRequest r =
        new ExecutionRequest(
            "attack-" + ProcessHandle.current().pid(),
            "attacks",
            "python3 attacks.py "
                + DependencyCacheTest.JAR_PATH
                + " "
                + canary.port()
                + " "
                + api.getLocalPort(),
            Duration.ofMinutes(2),
            "host",
            Tier.UNTRUSTED,
            false,
            Map.of(),
            Checkout.directory(ws.toString()),
            List.of());
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Executor.Result res =
        executor.start(r, lines::add).result().toCompletableFuture().get(3, TimeUnit.MINUTES);
    assertThat(res.outcome()).as(String.join("\n", lines)).isInstanceOf(JobOutcome.Succeeded.class);
    Map<String, String[]> out = new LinkedHashMap<>();
    for (String l : lines) {
      String[] f = l.split(" ");
      out.put(f[0], f);
    }
    String jarSha = DependencyCacheTest.hex("SHA-1", jar);
    assertThat(out.get("control"))
        .as("positive control: a normal request through the socket")
        .containsSubsequence("200", jarSha);
    for (String attack :
        List.of(
            "absolute-uri",
            "connect",
            "dotdot",
            "encoded-dotdot",
            "encoded-slash",
            "at-host",
            "put",
            "post")) {
      assertThat(out.get(attack)).as(attack + ": " + String.join("\n", lines)).isNotNull();
      assertThat(out.get(attack)[1]).as(attack).matches("4\\d\\d|refused");
    }
    // A Host header naming another loopback port only shapes the links the cache writes: the file
    // still comes from the cache, and the canary (checked after each test) sees nothing.
    assertThat(String.join(" ", out.get("host-header")))
        .as("host-header")
        .matches("host-header (4\\d\\d .*|200 " + jarSha + ")");
    assertThat(out.get("redirect")[1]).as("a redirect to another host").matches("[45]\\d\\d");
    assertThat(out.get("after-put"))
        .as("the cache still serves the upstream's bytes")
        .containsSubsequence("200", jarSha);
    assertThat(out.get("direct-canary")[1]).as("no route to host loopback").isEqualTo("refused");
    assertThat(out.get("direct-api")[1]).as("no route to the server's API").isEqualTo("refused");
    // Positive control for the direct attempts: from the host, both listen.
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", api.getLocalPort())) {
      assertThat(s.isConnected()).isTrue();
    }
  }
}
