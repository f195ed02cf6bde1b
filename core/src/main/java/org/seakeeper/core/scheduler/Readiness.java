package org.seakeeper.core.scheduler;

import java.util.List;
import java.util.Optional;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.plan.PlanProgress;

/**
 * Whether a queued build may start, given the latest attempts of the jobs it needs: {@link
 * PlanProgress#decide}'s rule (the one {@code seakeeper run} follows), applied to stored builds. A
 * need without a build in the buildset counts as passed. Pure.
 */
enum Readiness {
  READY,
  WAIT,
  SKIP;

  static Readiness of(Build b, List<Build> siblings) {
    return valueOf(decide(b, siblings).readiness().name());
  }

  /** Why a build is skipped: the first need whose latest attempt ended without passing. */
  static String blockedBy(Build b, List<Build> siblings) {
    return decide(b, siblings).skipReason().orElse("a job it needs did not pass");
  }

  private static PlanProgress.Decision decide(Build b, List<Build> siblings) {
    return PlanProgress.decide(
        b.needs(),
        need -> latest(siblings, need).map(Readiness::need).orElse(PlanProgress.Need.passed()));
  }

  private static PlanProgress.Need need(Build latest) {
    if (latest.status().passed()) {
      return PlanProgress.Need.passed();
    }
    return latest.status().terminal()
        ? PlanProgress.Need.endedWithoutPassing("ended " + latest.status().id())
        : PlanProgress.Need.unfinished();
  }

  static Optional<Build> latest(List<Build> siblings, String job) {
    return siblings.stream()
        .filter(s -> s.job().map(job::equals).orElse(false))
        .reduce((x, y) -> y.id() > x.id() ? y : x);
  }
}
