package org.seakeeper.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.plan.PlanProgress.Decision;
import org.seakeeper.core.plan.PlanProgress.Need;
import org.seakeeper.core.plan.PlanProgress.Readiness;

/** The one readiness rule that both {@code seakeeper run} and the scheduler follow. */
class PlanProgressTest {
  private static Decision decide(List<String> needs, Map<String, Need> states) {
    return PlanProgress.decide(needs, states::get);
  }

  @Test
  void a_job_without_needs_or_whose_needs_all_passed_is_ready() {
    assertThat(decide(List.of(), Map.of()))
        .isEqualTo(new Decision(Readiness.READY, Optional.empty()));
    assertThat(
            decide(List.of("a", "b"), Map.of("a", Need.passed(), "b", Need.passed())).readiness())
        .isEqualTo(Readiness.READY);
  }

  @Test
  void a_job_waits_while_a_need_has_not_ended() {
    assertThat(decide(List.of("a", "b"), Map.of("a", Need.passed(), "b", Need.unfinished())))
        .isEqualTo(new Decision(Readiness.WAIT, Optional.empty()));
  }

  @Test
  void
      a_need_that_ended_without_passing_skips_the_job_even_while_another_runs_and_the_first_such_need_is_named() {
    Decision d =
        decide(
            List.of("a", "b", "c"),
            Map.of(
                "a",
                Need.unfinished(),
                "b",
                Need.endedWithoutPassing("failed"),
                "c",
                Need.endedWithoutPassing("was skipped")));
    assertThat(d).isEqualTo(new Decision(Readiness.SKIP, Optional.of("needs 'b', which failed")));
  }
}
