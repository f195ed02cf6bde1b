package org.seakeeper.core.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.PipelineName;

class SecretBindingTest {
  @Test
  void names_follow_the_repo_configs_rule() {
    assertThat(
            SecretBinding.problems("local", "demo", "pypi-token.v2_x", SecretBinding.DEFAULT_SCOPE))
        .isEmpty();
    for (String bad : List.of("", "-x", "a/b", "a b", "../x", "x".repeat(65), "tok\n")) {
      assertThat(SecretBinding.problems("local", "demo", bad, SecretBinding.DEFAULT_SCOPE))
          .as(bad)
          .singleElement()
          .asString()
          .startsWith("bad secret name");
    }
  }

  @Test
  void check_can_never_be_in_a_scope_and_a_scope_is_never_empty() {
    assertThatThrownBy(
            () ->
                new SecretBinding(
                    "local", "demo", "t", Set.of(PipelineName.CHECK, PipelineName.POST)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never be offered to 'check'");
    assertThatThrownBy(() -> new SecretBinding("local", "demo", "t", Set.of()))
        .hasMessageContaining("at least one pipeline");
  }

  @Test
  void projects_and_connections_are_checked() {
    assertThat(SecretBinding.problems("local", "team/app", "t", SecretBinding.DEFAULT_SCOPE))
        .isEmpty();
    assertThat(SecretBinding.problems("", "../etc", "t", SecretBinding.DEFAULT_SCOPE)).hasSize(2);
  }

  @Test
  void pipeline_lists_are_parsed_with_every_problem() {
    List<String> problems = new ArrayList<>();
    assertThat(SecretBinding.parsePipelines("post, release,gate", problems))
        .containsExactlyInAnyOrder(PipelineName.POST, PipelineName.RELEASE, PipelineName.GATE);
    assertThat(problems).isEmpty();
    SecretBinding.parsePipelines("post,nightly", problems);
    assertThat(problems)
        .containsExactly(
            "unknown pipeline 'nightly'; expected some of gate, post, periodic, release");
  }

  @Test
  void a_value_never_shows_itself() {
    SecretValue v = SecretValue.of("hunter2-hunter2");
    assertThat(v.toString()).doesNotContain("hunter2");
    byte[] b = v.bytes();
    b[0] = 'X';
    assertThat(v).isEqualTo(SecretValue.of("hunter2-hunter2"));
    assertThatThrownBy(() -> SecretValue.of(new byte[SecretValue.MAX_BYTES + 1]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
