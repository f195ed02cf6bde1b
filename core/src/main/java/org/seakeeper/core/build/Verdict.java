package org.seakeeper.core.build;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The overall result of a finished buildset, from the latest attempt of each job: it passed when
 * every latest attempt passed or was skipped, and at least one job ran or nothing could (a buildset
 * of only skipped jobs passes). Stateless.
 */
public enum Verdict {
  PASSED,
  FAILED;

  public static Verdict of(List<Build> builds) {
    for (Build b : latestAttempts(builds)) {
      if (!b.status().passed() && b.status() != BuildStatus.SKIPPED) {
        return FAILED;
      }
    }
    return PASSED;
  }

  /** The latest attempt of each job, in first-attempt order (a null job counts as one job). */
  public static List<Build> latestAttempts(List<Build> builds) {
    Map<Optional<String>, Build> latest = new LinkedHashMap<>();
    for (Build b : builds) {
      latest.merge(b.job(), b, (x, y) -> y.id() > x.id() ? y : x);
    }
    return List.copyOf(latest.values());
  }
}
