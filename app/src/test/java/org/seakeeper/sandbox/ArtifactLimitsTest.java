package org.seakeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactLimitsTest {
  @TempDir Path tmp;

  Path workspace(int files) throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws/out"));
    for (int i = 0; i < files; i++) {
      Files.writeString(ws.resolve("f" + i + ".txt"), "x".repeat(10));
    }
    return tmp.resolve("ws");
  }

  @Test
  void kept_artifacts_are_private_to_the_server() throws Exception {
    Path ws = workspace(2);
    Path into = tmp.resolve("data/artifacts/b1");
    assertThat(Artifacts.collect(ws, List.of("out/*.txt"), into))
        .containsExactlyInAnyOrder("out/f0.txt", "out/f1.txt");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(into)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(into.resolve("out"))))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(into.resolve("out/f0.txt"))))
        .isEqualTo("rw-------");
  }

  @Test
  void too_many_files_too_many_bytes_or_entries_name_the_limit() throws Exception {
    Path ws = workspace(20);
    assertThatThrownBy(
            () ->
                Artifacts.collect(
                    ws,
                    List.of("**"),
                    tmp.resolve("a"),
                    new Artifacts.Limits(1_000, 5, 1_000_000, Duration.ofMinutes(1)),
                    () -> false))
        .isInstanceOf(LimitExceeded.class)
        .hasMessageContaining("more than 5 files");
    assertThatThrownBy(
            () ->
                Artifacts.collect(
                    ws,
                    List.of("**"),
                    tmp.resolve("b"),
                    new Artifacts.Limits(1_000, 100, 55, Duration.ofMinutes(1)),
                    () -> false))
        .isInstanceOf(LimitExceeded.class)
        .hasMessageContaining("more than 55 bytes");
    assertThatThrownBy(
            () ->
                Artifacts.collect(
                    ws,
                    List.of("nothing-matches"),
                    tmp.resolve("c"),
                    new Artifacts.Limits(10, 100, 1_000, Duration.ofMinutes(1)),
                    () -> false))
        .isInstanceOf(LimitExceeded.class)
        .hasMessageContaining("more than 10 entries");
    assertThatThrownBy(
            () ->
                Artifacts.collect(
                    ws, List.of("**"), tmp.resolve("d"), Artifacts.Limits.DEFAULT, () -> true))
        .isInstanceOf(LimitExceeded.class)
        .hasMessageContaining("cancelled");
  }

  @Test
  void symlinks_are_never_followed() throws Exception {
    Path ws = workspace(1);
    Path secret = Files.writeString(tmp.resolve("host-secret"), "canary");
    Files.createSymbolicLink(ws.resolve("out/link.txt"), secret);
    Files.createSymbolicLink(ws.resolve("loop"), ws);
    assertThat(Artifacts.collect(ws, List.of("**"), tmp.resolve("e")))
        .containsExactly("out/f0.txt");
  }

  @Test
  void a_backtracking_glob_against_long_names_finishes() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws2"));
    Files.writeString(ws.resolve("a".repeat(200)), "x");
    assertThat(
            Artifacts.collect(
                ws, List.of("**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**b"), tmp.resolve("f")))
        .isEmpty();
  }
}
