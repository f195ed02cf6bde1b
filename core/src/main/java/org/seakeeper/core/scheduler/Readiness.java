package org.seakeeper.core.scheduler;

import java.util.List;
import java.util.Optional;
import org.seakeeper.core.build.Build;

/** Whether a queued build may start, given the latest attempts of the jobs it needs. Pure. */
enum Readiness {
  READY,
  WAIT,
  SKIP;

  static Readiness of(Build b, List<Build> siblings) {
    boolean wait = false;
    for (String need : b.needs()) {
      Optional<Build> latest = latest(siblings, need);
      if (latest.isEmpty() || latest.get().status().passed()) {
        continue;
      }
      if (!latest.get().status().terminal()) {
        wait = true;
      } else {
        return SKIP;
      }
    }
    return wait ? WAIT : READY;
  }

  /** Why a build is skipped: the first need whose latest attempt ended without passing. */
  static String blockedBy(Build b, List<Build> siblings) {
    for (String need : b.needs()) {
      Optional<Build> latest = latest(siblings, need);
      if (latest.isPresent() && latest.get().status().terminal() && !latest.get().status().passed()) {
        return "needs '" + need + "', which ended " + latest.get().status().id();
      }
    }
    return "a job it needs did not pass";
  }

  static Optional<Build> latest(List<Build> siblings, String job) {
    return siblings.stream().filter(s -> s.job().map(job::equals).orElse(false)).reduce((x, y) -> y.id() > x.id() ? y : x);
  }
}
