package org.seakeeper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.store.LogStore;

/** Build logs as files: layout, live reads, seals, concurrency. */
class FileLogStoreTest {
  @TempDir Path dataDir;

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private String text(FileLogStore logs, long id, long offset) {
    return new String(logs.read(id, offset).orElseThrow(), StandardCharsets.UTF_8);
  }

  @Test
  void logs_live_under_a_directory_per_thousand_builds_readable_by_the_server_only() throws Exception {
    FileLogStore logs = new FileLogStore(dataDir);
    logs.open(1234).line("hello");
    assertThat(dataDir.resolve("logs/1/1234.log")).hasContent("hello\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("logs")))).isEqualTo("rwx------");
    assertThat(logs.path(7)).isEqualTo(dataDir.toAbsolutePath().resolve("logs/0/7.log"));
    assertThatThrownBy(() -> logs.path(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_reader_sees_each_line_as_soon_as_it_is_written_and_reads_from_an_offset() {
    FileLogStore logs = new FileLogStore(dataDir);
    LogStore.Writer w = logs.open(5);
    assertThat(logs.read(5, 0)).hasValueSatisfying(b -> assertThat(b).isEmpty());
    w.line("one");
    assertThat(text(new FileLogStore(dataDir), 5, 0)).isEqualTo("one\n");
    w.line("twö");
    assertThat(text(logs, 5, 4)).isEqualTo("twö\n");
    assertThat(text(logs, 5, 100)).isEmpty();
    assertThatThrownBy(() -> logs.read(5, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_missing_log_reads_as_empty() {
    assertThat(new FileLogStore(dataDir).read(99, 0)).isEmpty();
  }

  @Test
  void seal_returns_the_sha256_and_writes_it_beside_the_log_for_sha256sum() throws Exception {
    FileLogStore logs = new FileLogStore(dataDir);
    LogStore.Writer w = logs.open(2001);
    w.line("building");
    w.line("done");
    String sha = w.seal();
    byte[] content = Files.readAllBytes(logs.path(2001));
    assertThat(sha).isEqualTo(sha256(content)).isEqualTo(sha256("building\ndone\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(dataDir.resolve("logs/2/2001.log.sha256")).hasContent(sha + "  2001.log\n");
    assertThat(w.seal()).isEqualTo(sha);
    assertThatThrownBy(() -> w.line("late")).isInstanceOf(IllegalStateException.class);
    Process check = new ProcessBuilder("sha256sum", "-c", "2001.log.sha256").directory(logs.path(2001).getParent().toFile()).redirectErrorStream(true).start();
    assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as(new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
  }

  @Test
  void an_empty_log_seals_to_the_sha256_of_nothing() throws Exception {
    assertThat(new FileLogStore(dataDir).open(3).seal()).isEqualTo(sha256(new byte[0]));
  }

  @Test
  void reopening_a_sealed_log_appends_and_drops_the_stale_checksum_until_sealed_again() throws Exception {
    FileLogStore logs = new FileLogStore(dataDir);
    LogStore.Writer first = logs.open(8);
    first.line("a");
    first.seal();
    LogStore.Writer again = logs.open(8);
    assertThat(again).isNotSameAs(first);
    assertThat(logs.checksumPath(8)).doesNotExist();
    again.line("b");
    assertThat(again.seal()).isEqualTo(sha256("a\nb\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(logs.checksumPath(8)).exists();
  }

  @Test
  void lines_written_from_many_threads_never_interleave() throws Exception {
    FileLogStore logs = new FileLogStore(dataDir);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    String payload = "x".repeat(5000);
    try {
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          LogStore.Writer w = logs.open(42);
          for (int i = 0; i < 200; i++) {
            w.line(thread + ":" + i + ":" + payload);
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> lines = text(logs, 42, 0).lines().toList();
    assertThat(lines).hasSize(1600).allMatch(l -> l.matches("\\d:\\d+:x{5000}"));
    assertThat(logs.open(42).seal()).isEqualTo(sha256(Files.readAllBytes(logs.path(42))));
  }

  @Test
  void a_reader_following_a_live_log_gets_every_byte_once() throws Exception {
    FileLogStore logs = new FileLogStore(dataDir);
    LogStore.Writer w = logs.open(77);
    StringBuilder followed = new StringBuilder();
    long offset = 0;
    for (int i = 0; i < 100; i++) {
      w.line("line " + i);
      byte[] more = logs.read(77, offset).orElseThrow();
      offset += more.length;
      followed.append(new String(more, StandardCharsets.UTF_8));
    }
    w.seal();
    assertThat(followed.toString()).isEqualTo(Files.readString(logs.path(77)));
  }
}
