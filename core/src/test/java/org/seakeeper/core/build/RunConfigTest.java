package org.seakeeper.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.Job;
import org.seakeeper.core.model.When;

/** The bound and the cleaning of a kept job config ({@link RunConfig}). */
class RunConfigTest {
  private static Job job(String script) {
    return new Job(
        "j",
        script,
        Duration.ofMinutes(1),
        "host",
        List.of(),
        List.of(),
        List.of(),
        Map.of(),
        0,
        Job.DEFAULT_CHECKOUT_DEPTH,
        When.ALWAYS,
        "",
        Optional.empty());
  }

  @Test
  void unpaired_surrogates_become_replacement_characters_and_pairs_stay() {
    assertThat(RunConfig.clean("a\ud800b")).isEqualTo("a\ufffdb");
    assertThat(RunConfig.clean("\udc00")).isEqualTo("\ufffd");
    assertThat(RunConfig.clean("x\ud83d")).isEqualTo("x\ufffd");
    assertThat(RunConfig.clean("ok \ud83d\ude00")).isEqualTo("ok \ud83d\ude00");
    String plain = "plain";
    assertThat(RunConfig.clean(plain)).isSameAs(plain);
  }

  @Test
  void a_short_job_is_kept_whole() {
    RunConfig c = RunConfig.of(job("make test\n"));
    assertThat(c.script()).isEqualTo("make test\n");
    assertThat(c.cut()).isEmpty();
    assertThat(c.checkoutDepth()).isEqualTo(Job.DEFAULT_CHECKOUT_DEPTH);
  }

  @Test
  void a_long_script_is_cut_between_characters_with_a_visible_marker() {
    String script = "\ud83d\ude00".repeat(100_000);
    RunConfig c = RunConfig.of(job(script));
    String marker = "\n# [Seakeeper cut the script here: it has 200000 characters]\n";
    assertThat(c.script()).endsWith(marker);
    String kept = c.script().substring(0, c.script().length() - marker.length());
    assertThat(kept).isNotEmpty().isEqualTo(RunConfig.clean(kept));
    assertThat(kept.length() % 2).as("no pair split").isZero();
    assertThat(RunConfig.weight(c.script())).isLessThanOrEqualTo(RunConfig.MAX_SCRIPT_WEIGHT);
    assertThat(c.cut())
        .containsExactly("script: 200000 characters, the first " + kept.length() + " kept");
  }
}
