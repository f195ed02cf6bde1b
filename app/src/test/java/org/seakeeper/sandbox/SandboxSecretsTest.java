package org.seakeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.secret.SecretMasker;
import org.seakeeper.core.secret.SecretValue;

/**
 * Granted secrets in the real bubblewrap sandbox: a file under {@code $SEAKEEPER_SECRETS} readable
 * by the job only, and nowhere else: not in its environment, not in any process's command line or
 * environment on the host or in the sandbox, not on the host's disk, not in a leftover file
 * descriptor; masked in the log.
 */
class SandboxSecretsTest {
  /** Random per run, so no source file, shell history or earlier run holds it. */
  private static final String VALUE = "sk-canary-" + java.util.UUID.randomUUID();

  private static SandboxFixture sandbox;

  @BeforeAll
  static void start() throws IOException {
    sandbox = new SandboxFixture();
  }

  @AfterAll
  static void stop() throws IOException {
    sandbox.close();
  }

  private static ExecutionRequest trusted(String script, Map<String, SecretValue> secrets) {
    return sandbox
        .request(
            script,
            Tier.TRUSTED,
            false,
            Duration.ofSeconds(60),
            Checkout.directory(sandbox.emptyDir.toString()))
        .withSecrets(secrets);
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void the_job_reads_its_secret_from_a_file_only_it_can_read() throws Exception {
    byte[] binary = (VALUE + "\n\u0000\u00ff tail\n").getBytes(StandardCharsets.ISO_8859_1);
    var o =
        sandbox.run(
            trusted(
                """
                test "$SEAKEEPER_SECRETS" = /run/seakeeper/secrets
                sha256sum "$SEAKEEPER_SECRETS/token" "$SEAKEEPER_SECRETS/other"
                stat -c 'mode %a owner-is-me %u' "$SEAKEEPER_SECRETS/token" | sed "s/ $(id -u)\\$/ yes/"
                stat -c 'dir %a' "$SEAKEEPER_SECRETS"
                if echo x >> "$SEAKEEPER_SECRETS/token"; then echo WRITABLE; fi
                ls "$SEAKEEPER_SECRETS"
                """,
                new LinkedHashMap<>(
                    Map.of(
                        "token",
                        SecretValue.of(binary),
                        "other",
                        SecretValue.of("second-value")))));
    assertThat(o.result().outcome()).as(o.text()).isInstanceOf(JobOutcome.Succeeded.class);
    assertThat(o.lines())
        .contains(
            sha256(binary) + "  /run/seakeeper/secrets/token",
            sha256("second-value".getBytes(StandardCharsets.UTF_8))
                + "  /run/seakeeper/secrets/other");
    assertThat(o.lines())
        .contains("mode 400 owner-is-me yes", "dir 700", "other", "token")
        .doesNotContain("WRITABLE");
  }

  @Test
  void
      the_secret_is_not_in_the_jobs_environment_nor_in_any_processs_inside_nor_in_a_file_descriptor()
          throws Exception {
    var o =
        sandbox.run(
            trusted(
                """
                # patterns come from the secret file itself (grep -f), never from an argument
                t="$SEAKEEPER_SECRETS/token"
                if env | grep -qF -f "$t"; then echo IN-ENV; fi
                if cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | grep -aqF -f "$t"; then echo IN-PROC; fi
                for f in /proc/self/fd/*; do if [ -r "$f" ] && grep -aqF -f "$t" "$f" 2>/dev/null; then echo "IN-FD $f"; fi; done
                if grep -rlaF -f "$t" /workspace /tmp /home /etc 2>/dev/null; then echo IN-FILES; fi
                grep -c "" "$t"
                ls /proc/self/fd
                echo checked
                """,
                Map.of("token", SecretValue.of(VALUE))));
    assertThat(o.result().outcome()).as(o.text()).isInstanceOf(JobOutcome.Succeeded.class);
    assertThat(o.lines()).contains("checked").noneMatch(l -> l.startsWith("IN-"));
    assertThat(o.text()).doesNotContain(VALUE);
  }

  @Test
  void
      while_the_job_runs_no_host_process_shows_the_secret_in_its_command_line_or_environment_and_no_host_file_holds_it()
          throws Exception {
    CountDownLatch ready = new CountDownLatch(1);
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Executor.Execution ex =
        sandbox
            .executors
            .get(Tier.TRUSTED)
            .start(
                trusted(
                    "cat \"$SEAKEEPER_SECRETS/token\" > /dev/null\necho READY\nsleep 30",
                    Map.of("token", SecretValue.of(VALUE))),
                l -> {
                  lines.add(l);
                  if (l.equals("READY")) {
                    ready.countDown();
                  }
                });
    try {
      assertThat(ready.await(60, TimeUnit.SECONDS)).as("the job started: " + lines).isTrue();
      List<String> found = new ArrayList<>();
      int scanned = 0;
      try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
        for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
          for (String f : List.of("cmdline", "environ")) {
            try {
              if (new String(Files.readAllBytes(p.resolve(f)), StandardCharsets.ISO_8859_1)
                  .contains(VALUE)) {
                found.add(p + "/" + f);
              }
              scanned++;
            } catch (IOException e) {
              // the process ended meanwhile
            }
          }
        }
      }
      assertThat(scanned).isGreaterThan(4);
      assertThat(found).isEmpty();
      assertThat(filesHolding(sandbox.base)).isEmpty();
      try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
        for (Path pipes :
            tmp.filter(x -> x.getFileName().toString().startsWith("seakeeper-secrets-")).toList()) {
          assertThat(filesHolding(pipes)).isEmpty();
        }
      }
    } finally {
      ex.cancel();
      ex.result().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /**
   * Regular files under {@code root} (not following links, skipping what cannot be read) that
   * contain the value.
   */
  private static List<Path> filesHolding(Path root) throws IOException {
    List<Path> out = new ArrayList<>();
    Files.walkFileTree(
        root,
        new java.nio.file.SimpleFileVisitor<>() {
          @Override
          public java.nio.file.FileVisitResult visitFile(
              Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
            if (attrs.isRegularFile() && attrs.size() < 50_000_000) {
              try {
                if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)
                    .contains(VALUE)) {
                  out.add(file);
                }
              } catch (IOException e) {
                // gone or unreadable
              }
            }
            return java.nio.file.FileVisitResult.CONTINUE;
          }

          @Override
          public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException exc) {
            return java.nio.file.FileVisitResult.CONTINUE;
          }
        });
    return out;
  }

  @Test
  void a_job_printing_its_secret_is_masked_by_the_log_writer() throws Exception {
    SecretMasker masker = SecretMasker.of(List.of(SecretValue.of(VALUE)));
    var o =
        sandbox.run(
            trusted(
                "echo \"token: $(cat \"$SEAKEEPER_SECRETS/token\")\"",
                Map.of("token", SecretValue.of(VALUE))));
    assertThat(o.result().outcome()).as(o.text()).isInstanceOf(JobOutcome.Succeeded.class);
    assertThat(o.lines().stream().map(masker::mask).toList())
        .contains("token: " + SecretMasker.MARK)
        .noneMatch(l -> l.contains(VALUE));
  }

  @Test
  void a_job_without_secrets_has_an_empty_secrets_directory() throws Exception {
    var o = sandbox.run(trusted("ls -A \"$SEAKEEPER_SECRETS\" | wc -l", Map.of()));
    assertThat(o.result().outcome()).as(o.text()).isInstanceOf(JobOutcome.Succeeded.class);
    assertThat(o.lines()).contains("0");
  }

  @Test
  void the_untrusted_tier_with_secrets_is_refused_before_anything_runs() throws Exception {
    ExecutionRequest r =
        sandbox
            .request(
                "echo ran",
                Tier.UNTRUSTED,
                false,
                Duration.ofSeconds(60),
                Checkout.directory(sandbox.emptyDir.toString()))
            .withSecrets(Map.of("token", SecretValue.of(VALUE)));
    var o = sandbox.run(r);
    assertThat(o.result().outcome())
        .isEqualTo(
            new JobOutcome.InfraError(
                org.seakeeper.core.executor.GuardedExecutor.UNTRUSTED_WITH_SECRETS));
    assertThat(o.lines()).isEmpty();
  }
}
