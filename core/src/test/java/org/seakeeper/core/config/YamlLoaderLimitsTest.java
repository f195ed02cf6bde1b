package org.seakeeper.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The limits and encodings of {@link YamlLoader}, too big or too byte-exact for the corpus. */
class YamlLoaderLimitsTest {
  static final String VALID =
      """
      jobs:
        build:
          run: make
      pipelines:
        check: [build]
      """;

  static ConfigResult parse(byte[] bytes) {
    return RepoConfigParser.parse(bytes, TrustedContext.offlineDefaults());
  }

  static byte[] withBom(String text) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    b.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    return b.toByteArray();
  }

  /** A valid file padded with comment lines to exactly {@code size} bytes. */
  static byte[] padded(int size) {
    StringBuilder s = new StringBuilder(VALID);
    String line = "# " + "x".repeat(77) + "\n";
    while (s.length() + line.length() <= size) {
      s.append(line);
    }
    s.append("#".repeat(size - s.length()));
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void a_file_over_256_kib_is_refused_before_it_is_parsed() {
    byte[] big = padded(YamlLoader.MAX_BYTES + 1);
    ConfigResult r = parse(big);
    assertThat(r.valid()).isFalse();
    assertThat(r.problems())
        .extracting(p -> p.format("f"))
        .containsExactly("f:1:1: error: file is " + big.length + " bytes; the limit is 256 KiB");
  }

  @Test
  void a_file_of_exactly_256_kib_is_accepted() {
    byte[] edge = padded(YamlLoader.MAX_BYTES);
    assertThat(edge).hasSize(YamlLoader.MAX_BYTES);
    ConfigResult r = parse(edge);
    assertThat(r.problems()).isEmpty();
    assertThat(r.valid()).isTrue();
  }

  @Test
  void a_bom_prefixed_valid_file_is_accepted() {
    ConfigResult r = parse(withBom(VALID));
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().orElseThrow().jobs()).containsOnlyKeys("build");
  }

  @Test
  void a_bom_does_not_shift_the_columns_of_problems() {
    ConfigResult r =
        parse(withBom("jobs:\n  build:\n    rnu: make\npipelines:\n  check: [build]\n"));
    assertThat(r.problems())
        .extracting(p -> p.format("f"))
        .containsExactly(
            "f:2:3: error: job 'build' has no 'run' script",
            "f:3:5: error: unknown key 'rnu' in job 'build' (did you mean 'run'?)");
  }
}
