package org.seakeeper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

  /** The log from {@code offset}, read through {@link FileLogStore#stream} (tests only: whole). */
  private String text(FileLogStore logs, long id, long offset) {
    try (InputStream in = logs.stream(id, offset).orElseThrow()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void logs_live_under_a_directory_per_thousand_builds_readable_by_the_server_only()
      throws Exception {
    FileLogStore logs = new FileLogStore(dataDir);
    logs.open(1234).line("hello");
    assertThat(dataDir.resolve("logs/1/1234.log")).hasContent("hello\n");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("logs"))))
        .isEqualTo("rwx------");
    assertThat(logs.path(7)).isEqualTo(dataDir.toAbsolutePath().resolve("logs/0/7.log"));
    assertThatThrownBy(() -> logs.path(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_reader_sees_each_line_as_soon_as_it_is_written_and_reads_from_an_offset() {
    FileLogStore logs = new FileLogStore(dataDir);
    LogStore.Writer w = logs.open(5);
    assertThat(logs.read(5, 0, 100)).hasValueSatisfying(b -> assertThat(b).isEmpty());
    w.line("one");
    assertThat(text(new FileLogStore(dataDir), 5, 0)).isEqualTo("one\n");
    w.line("twö");
    assertThat(text(logs, 5, 4)).isEqualTo("twö\n");
    assertThat(text(logs, 5, 100)).isEmpty();
    assertThatThrownBy(() -> logs.read(5, -1, 10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_missing_log_reads_as_empty() {
    FileLogStore logs = new FileLogStore(dataDir);
    assertThat(logs.read(99, 0, 10)).isEmpty();
    assertThat(logs.size(99)).isEmpty();
    assertThat(logs.stream(99, 0)).isEmpty();
  }

  @Test
  void seal_returns_the_sha256_and_writes_it_beside_the_log_for_sha256sum() throws Exception {
    FileLogStore logs = new FileLogStore(dataDir);
    LogStore.Writer w = logs.open(2001);
    w.line("building");
    w.line("done");
    String sha = w.seal();
    byte[] content = Files.readAllBytes(logs.path(2001));
    assertThat(sha)
        .isEqualTo(sha256(content))
        .isEqualTo(sha256("building\ndone\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(dataDir.resolve("logs/2/2001.log.sha256")).hasContent(sha + "  2001.log\n");
    assertThat(w.seal()).isEqualTo(sha);
    assertThatThrownBy(() -> w.line("late")).isInstanceOf(IllegalStateException.class);
    Process check =
        new ProcessBuilder("sha256sum", "-c", "2001.log.sha256")
            .directory(logs.path(2001).getParent().toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue())
        .as(new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isZero();
  }

  @Test
  void an_empty_log_seals_to_the_sha256_of_nothing() throws Exception {
    assertThat(new FileLogStore(dataDir).open(3).seal()).isEqualTo(sha256(new byte[0]));
  }

  @Test
  void reopening_a_sealed_log_appends_and_drops_the_stale_checksum_until_sealed_again()
      throws Exception {
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
        done.add(
            pool.submit(
                () -> {
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
      byte[] more = logs.read(77, offset, 1 << 16).orElseThrow();
      offset += more.length;
      followed.append(new String(more, StandardCharsets.UTF_8));
    }
    w.seal();
    assertThat(followed.toString()).isEqualTo(Files.readString(logs.path(77)));
  }

  @Test
  void a_bounded_read_returns_at_most_max_bytes_from_the_offset() {
    FileLogStore logs = new FileLogStore(dataDir);
    LogStore.Writer w = logs.open(9);
    w.line("abcdef");
    w.line("ghij"); // 12 bytes
    assertThat(new String(logs.read(9, 0, 3).orElseThrow(), StandardCharsets.UTF_8))
        .isEqualTo("abc");
    assertThat(new String(logs.read(9, 5, 4).orElseThrow(), StandardCharsets.UTF_8))
        .isEqualTo("f\ngh");
    assertThat(new String(logs.read(9, 10, 100).orElseThrow(), StandardCharsets.UTF_8))
        .isEqualTo("j\n");
    assertThat(logs.read(9, 12, 100)).hasValueSatisfying(b -> assertThat(b).isEmpty());
    assertThat(logs.read(9, 3, 0)).hasValueSatisfying(b -> assertThat(b).isEmpty());
    assertThatThrownBy(() -> logs.read(9, 0, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void size_is_the_length_in_bytes_as_the_log_grows() {
    FileLogStore logs = new FileLogStore(dataDir);
    LogStore.Writer w = logs.open(10);
    assertThat(logs.size(10)).hasValue(0L);
    w.line("wörld");
    assertThat(logs.size(10)).hasValue(7L);
    w.seal();
    assertThat(logs.size(10)).hasValue(7L);
  }

  @Test
  void a_stream_starts_at_its_offset_and_sees_what_is_written_later() throws Exception {
    FileLogStore logs = new FileLogStore(dataDir);
    LogStore.Writer w = logs.open(11);
    w.line("one");
    w.line("two");
    try (InputStream in = logs.stream(11, 4).orElseThrow()) {
      assertThat(new String(in.readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("two\n");
      assertThat(in.read()).isEqualTo(-1);
      w.line("three");
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("three\n");
    }
    try (InputStream in = logs.stream(11, 1000).orElseThrow()) {
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThatThrownBy(() -> logs.stream(11, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_large_log_is_read_in_bounded_pieces_and_streamed_whole() throws Exception {
    FileLogStore logs = new FileLogStore(dataDir);
    LogStore.Writer w = logs.open(12);
    String line = "x".repeat(1023);
    for (int i = 0; i < 4096; i++) {
      w.line(line); // 4 MiB
    }
    String sum = w.seal();
    assertThat(logs.size(12)).hasValue(4L << 20);
    assertThat(logs.read(12, 0, 1 << 16).orElseThrow()).hasSize(1 << 16);
    assertThat(logs.read(12, (4L << 20) - 10, 1 << 16).orElseThrow()).hasSize(10);
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    try (InputStream in = logs.stream(12, 0).orElseThrow()) {
      byte[] buf = new byte[8192];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        d.update(buf, 0, n);
      }
    }
    assertThat(HexFormat.of().formatHex(d.digest())).isEqualTo(sum);
  }
}
