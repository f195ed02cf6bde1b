package org.seakeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.model.Tier;

/**
 * The CACHEDEPS seam: an operator's allow-listed dependency cache, reached by an untrusted job only
 * through a unix socket bound into its sandbox, while the job still has no network.
 */
class DependencyCacheTest {
  static final String ASK_CACHE =
      "python3 -c 'import os,socket; s=socket.socket(socket.AF_UNIX);"
          + " s.connect(os.environ[\"SEAKEEPER_DEPENDENCY_CACHE\"]); s.sendall(b\"get left-pad\\n"
          + "\"); print(s.recv(200).decode().strip())'";

  Path base;
  Path socket;
  ServerSocketChannel cache;
  ServerSocket tcp;
  final List<String> asked = Collections.synchronizedList(new ArrayList<>());
  final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start_a_tiny_cache() throws IOException {
    base = Files.createTempDirectory("sk-cache-test");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
    Path sockDir = Files.createDirectory(base.resolve("cache"));
    Files.setPosixFilePermissions(sockDir, PosixFilePermissions.fromString("rwx--x--x"));
    socket = sockDir.resolve("cache.sock");
    cache = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    cache.bind(UnixDomainSocketAddress.of(socket));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              while (cache.isOpen()) {
                try (SocketChannel c = cache.accept()) {
                  ByteBuffer in = ByteBuffer.allocate(200);
                  c.read(in);
                  String request =
                      new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip();
                  asked.add(request);
                  c.write(
                      ByteBuffer.wrap(
                          ("cache served: " + request + "\n").getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                  return;
                }
              }
            });
    tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stop() throws IOException {
    cache.close();
    tcp.close();
    Workspaces.delete(base);
  }

  BubblewrapExecutor executor(Tier tier, Optional<Path> dependencyCache) {
    Path work = base.resolve("work-" + tier.id());
    SandboxSettings s =
        new SandboxSettings(
            SandboxProbe.findBwrap(),
            work,
            base.resolve("artifacts"),
            Map.of(),
            SandboxSettings.DEFAULT_MEMORY,
            SandboxSettings.DEFAULT_PIDS,
            dependencyCache);
    return new BubblewrapExecutor(
        tier, s, new HostUsers(), new Workspaces(work), Cgroups.system(), warnings::add);
  }

  List<String> run(BubblewrapExecutor e, Tier tier, String script) throws Exception {
    Path empty = Files.createDirectories(base.resolve("empty"));
    ExecutionRequest r =
        new ExecutionRequest(
            "dc" + ProcessHandle.current().pid() + "-" + System.nanoTime(),
            "job",
            script,
            Duration.ofSeconds(60),
            "host",
            tier,
            false,
            Map.of(),
            Checkout.directory(empty.toString()),
            List.of());
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Executor.Result res =
        e.start(r, lines::add).result().toCompletableFuture().get(120, TimeUnit.SECONDS);
    lines.add("outcome=" + res.outcome().label());
    return lines;
  }

  @Test
  void an_untrusted_job_reaches_the_dependency_cache_through_its_socket_and_nothing_else()
      throws Exception {
    try (BubblewrapExecutor e = executor(Tier.UNTRUSTED, Optional.of(socket))) {
      String tcpAttempt =
          "python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", "
              + tcp.getLocalPort()
              + "), 3)' 2>/dev/null && echo tcp-open || echo tcp-blocked";
      List<String> out =
          run(
              e,
              Tier.UNTRUSTED,
              ASK_CACHE + "\n" + tcpAttempt + "\necho cache-at=$SEAKEEPER_DEPENDENCY_CACHE");
      assertThat(out)
          .contains(
              "cache served: get left-pad",
              "tcp-blocked",
              "cache-at=" + BwrapCommand.DEPENDENCY_CACHE,
              "outcome=success");
      assertThat(asked).containsExactly("get left-pad");
    }
  }

  @Test
  void without_a_configured_cache_there_is_no_socket_and_a_missing_one_is_a_warning()
      throws Exception {
    try (BubblewrapExecutor e = executor(Tier.UNTRUSTED, Optional.empty())) {
      List<String> out =
          run(
              e,
              Tier.UNTRUSTED,
              "test -e "
                  + BwrapCommand.DEPENDENCY_CACHE
                  + " && echo present || echo absent\n"
                  + "echo cache-at=${SEAKEEPER_DEPENDENCY_CACHE:-none}");
      assertThat(out).contains("absent", "cache-at=none", "outcome=success");
    }
    try (BubblewrapExecutor e =
        executor(Tier.UNTRUSTED, Optional.of(base.resolve("no-such.sock")))) {
      List<String> out =
          run(e, Tier.UNTRUSTED, "echo cache-at=${SEAKEEPER_DEPENDENCY_CACHE:-none}");
      assertThat(out).contains("cache-at=none", "outcome=success");
      assertThat(warnings)
          .anyMatch(w -> w.contains("no-such.sock") && w.contains("does not exist"));
    }
    assertThat(asked).isEmpty();
  }
}
