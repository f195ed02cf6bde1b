package org.seakeeper.core.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.store.LogStore;

class SecretMaskerTest {
  @Test
  void every_occurrence_of_a_value_is_masked() {
    SecretMasker m = SecretMasker.of(List.of(SecretValue.of("s3cr3t-value\n")));
    assertThat(m.mask("token=s3cr3t-value and again s3cr3t-value."))
        .isEqualTo("token=[masked] and again [masked].");
    assertThat(m.mask("nothing here")).isEqualTo("nothing here");
  }

  @Test
  void each_line_of_a_multi_line_value_is_masked() {
    SecretMasker m =
        SecretMasker.of(
            List.of(SecretValue.of("-----BEGIN KEY-----\nAAAAB3NzaC1yc2E\n-----END KEY-----\n")));
    assertThat(m.mask("  AAAAB3NzaC1yc2E")).isEqualTo("  [masked]");
    assertThat(m.mask("-----END KEY-----")).isEqualTo("[masked]");
  }

  @Test
  void very_short_values_are_not_masked() {
    assertThat(SecretMasker.of(List.of(SecretValue.of("abc"))).isEmpty()).isTrue();
  }

  @Test
  void the_masking_writer_masks_before_the_log_store_sees_the_line() {
    List<String> written = new ArrayList<>();
    LogStore.Writer inner =
        new LogStore.Writer() {
          @Override
          public void line(String line) {
            written.add(line);
          }

          @Override
          public String seal() {
            return "sha";
          }
        };
    LogStore.Writer w = MaskingLogWriter.of(inner, List.of(SecretValue.of("pa55word!")));
    w.line("echo pa55word!");
    assertThat(written).containsExactly("echo [masked]");
    assertThat(MaskingLogWriter.of(inner, List.of())).isSameAs(inner);
  }
}
