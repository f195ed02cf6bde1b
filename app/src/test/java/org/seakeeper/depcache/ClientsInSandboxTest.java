package org.seakeeper.depcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.junit.jupiter.api.Tag;
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
 * Plain {@code npm install} and {@code pip install} in an untrusted job (no network), with no
 * registry settings in the job: the sandbox's {@code NPM_CONFIG_REGISTRY} and {@code PIP_INDEX_URL}
 * point at the job's cache, which fetches from registries the test serves on loopback. A second job
 * passes with the registries stopped.
 */
@Tag("slow")
class ClientsInSandboxTest {
  static final String SCRIPT =
      """
      echo "registry $NPM_CONFIG_REGISTRY index $PIP_INDEX_URL"
      npm install left-pad@1.0.0
      node -e 'console.log("padded[" + require("left-pad")("x", 3) + "]")'
      python3 -m pip install --no-cache-dir --target site demo-pkg
      PYTHONPATH=site python3 -c 'import demo_pkg; print("imported demo_pkg")'
      """;

  @Test
  void npm_and_pip_install_in_an_untrusted_job_then_again_with_the_registries_down()
      throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/npm")), "npm is not installed under /usr");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not under /usr");
    Path base = Files.createTempDirectory(Path.of("/var/tmp"), "sk-clients");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
    byte[] tgz =
        DependencyCacheClientsTest.tarGz(
            Map.of(
                "package/package.json",
                "{\"name\":\"left-pad\",\"version\":\"1.0.0\",\"main\":\"index.js\"}",
                "package/index.js",
                "module.exports = (s, n) => String(s).padStart(n);\n"));
    byte[] wheel = DependencyCacheTest.wheel("demo_pkg", "1.0");
    FakeUpstream npm = new FakeUpstream();
    FakeUpstream pypi = new FakeUpstream();
    BuiltInCache cache = null;
    BubblewrapExecutor executor = null;
    try {
      DependencyCacheTest.servePackument(npm, "left-pad", "1.0.0", tgz, tgz);
      String name = DependencyCacheTest.WHEEL;
      pypi.file("/files/" + name, wheel);
      pypi.file(
          "/simple/demo-pkg/",
          DependencyCacheTest.page(
                  "<a href=\"http://127.0.0.1:%d/files/%s#sha256=%s\">%s</a>\n"
                      .formatted(
                          pypi.port(), name, DependencyCacheTest.hex("SHA-256", wheel), name))
              .getBytes(StandardCharsets.UTF_8));
      cache =
          BuiltInCache.start(
                  new ServerConfig.DependencyCache(
                      true,
                      Optional.empty(),
                      1L << 30,
                      List.of("http://127.0.0.1:" + npm.port() + "/no-maven/"),
                      "http://127.0.0.1:" + npm.port() + "/",
                      "http://127.0.0.1:" + pypi.port() + "/simple/"),
                  base.resolve("deps"),
                  java.util.Set.of(),
                  new SimpleMeterRegistry())
              .orElseThrow();
      executor =
          Wiring.bubblewrap(
              Optional.empty(),
              Tier.UNTRUSTED,
              base.resolve("work"),
              base.resolve("artifacts"),
              w -> {},
              cache);
      Path project = Files.createDirectories(base.resolve("project"));
      Files.writeString(
          project.resolve("package.json"), "{\"name\":\"demo\",\"version\":\"0.0.0\"}");
      for (String round : List.of("cold", "offline")) {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        ExecutionRequest r =
            new ExecutionRequest(
                "clients-" + round + "-" + ProcessHandle.current().pid(),
                "clients",
                SCRIPT,
                Duration.ofMinutes(3),
                "host",
                Tier.UNTRUSTED,
                false,
                Map.of(),
                Checkout.directory(project.toString()),
                List.of());
        Executor.Result res =
            executor.start(r, lines::add).result().toCompletableFuture().get(4, TimeUnit.MINUTES);
        String log = String.join("\n", lines);
        assertThat(res.outcome()).as(round + ":\n" + log).isInstanceOf(JobOutcome.Succeeded.class);
        assertThat(log).contains("padded[  x]").contains("imported demo_pkg");
        if (round.equals("cold")) {
          assertThat(npm.requests()).as("npm came through the cache").isNotEmpty();
          assertThat(pypi.requests()).as("pip came through the cache").isNotEmpty();
          npm.close();
          pypi.close();
        }
      }
    } finally {
      if (executor != null) {
        executor.close();
      }
      if (cache != null) {
        cache.close();
      }
      npm.close();
      pypi.close();
      Workspaces.delete(base);
    }
  }
}
