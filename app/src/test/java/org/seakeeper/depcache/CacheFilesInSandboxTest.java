package org.seakeeper.depcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 * The cache's verified Maven files reach a job read-only, and only its tier's share (THREAT_MODEL
 * C131): in a real bubblewrap sandbox an untrusted job reads the untrusted files at {@code
 * /run/seakeeper/maven-files-0}, cannot write, delete or plant anything there, and is given no
 * directory of the files trusted builds used; a trusted job is given both. Each job's {@code
 * settings.xml} lists exactly the directories it got.
 */
@Tag("slow")
class CacheFilesInSandboxTest {
  static final String SCRIPT =
      """
      echo "settings: $(grep -o '!seakeeper-files-[0-9]*' ~/.m2/settings.xml | wc -l) file repositories"
      echo "untrusted jar: $(cat /run/seakeeper/maven-files-0/org/demo/x/1/x-1.jar)"
      [ -e /run/seakeeper/maven-files-1 ] && echo "second: $(cat /run/seakeeper/maven-files-0/org/inside/y/1/y-1.jar 2>/dev/null)$(cat /run/seakeeper/maven-files-1/org/demo/x/1/x-1.jar)"
      ls -R /run/seakeeper/ | grep -q inside && echo SAW-TRUSTED
      for d in /run/seakeeper/maven-files-*; do
        touch "$d/planted" 2>/dev/null && echo "PLANTED in $d"
        for f in $(find "$d" -type f); do
          rm -f "$f" 2>/dev/null || true; [ -e "$f" ] || echo "REMOVED $f"
          (echo x >> "$f") 2>/dev/null && echo "CHANGED $f"
        done
      done
      echo done
      """;

  @Test
  void an_untrusted_job_reads_its_tiers_cache_files_read_only_and_a_trusted_job_both()
      throws Exception {
    Path base = Files.createTempDirectory(Path.of("/var/tmp"), "sk-cache-files");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
    Path deps = base.resolve("deps");
    Path jar = deps.resolve("untrusted/maven/org/demo/x/1/x-1.jar");
    Path inside = deps.resolve("trusted/maven/org/inside/y/1/y-1.jar");
    Files.createDirectories(jar.getParent());
    Files.createDirectories(inside.getParent());
    Files.writeString(jar, "public bytes");
    Files.writeString(inside, "what trusted builds use");
    BuiltInCache cache = null;
    List<BubblewrapExecutor> executors = new ArrayList<>();
    try {
      cache =
          BuiltInCache.start(
                  new ServerConfig.DependencyCache(
                      true,
                      Optional.empty(),
                      1L << 30,
                      List.of("http://127.0.0.1:9/no-maven/"),
                      "http://127.0.0.1:9/",
                      "http://127.0.0.1:9/simple/"),
                  deps,
                  java.util.Set.of(),
                  new SimpleMeterRegistry())
              .orElseThrow();
      Map<Tier, String> logs = new java.util.EnumMap<>(Tier.class);
      for (Tier tier : List.of(Tier.UNTRUSTED, Tier.TRUSTED)) {
        BubblewrapExecutor executor =
            Wiring.bubblewrap(
                Optional.empty(),
                tier,
                base.resolve("work"),
                base.resolve("artifacts"),
                w -> {},
                cache);
        executors.add(executor);
        Path project = Files.createDirectories(base.resolve("project"));
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        ExecutionRequest r =
            new ExecutionRequest(
                "files-" + tier.id() + "-" + ProcessHandle.current().pid(),
                "files",
                SCRIPT,
                Duration.ofMinutes(2),
                "host",
                tier,
                tier != Tier.UNTRUSTED,
                Map.of(),
                Checkout.directory(project.toString()),
                List.of());
        Executor.Result res =
            executor.start(r, lines::add).result().toCompletableFuture().get(3, TimeUnit.MINUTES);
        String log = String.join("\n", lines);
        assertThat(res.outcome()).as(log).isInstanceOf(JobOutcome.Succeeded.class);
        logs.put(tier, log);
      }
      assertThat(logs.get(Tier.UNTRUSTED))
          .contains("settings: 1 file repositories")
          .contains("untrusted jar: public bytes")
          .contains("done")
          .doesNotContain("second:", "SAW-TRUSTED", "PLANTED", "REMOVED", "CHANGED");
      assertThat(logs.get(Tier.TRUSTED))
          .contains("settings: 2 file repositories")
          .contains("second: what trusted builds usepublic bytes")
          .doesNotContain("PLANTED", "REMOVED", "CHANGED");
      assertThat(jar).hasContent("public bytes");
      assertThat(deps.resolve("untrusted/maven/planted")).doesNotExist();
    } finally {
      for (BubblewrapExecutor e : executors) {
        e.close();
      }
      if (cache != null) {
        cache.close();
      }
      Workspaces.delete(base);
    }
  }
}
