package org.seakeeper.web;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;

/** A finished check build of a project, for tests that need builds of several projects. */
final class WebFixtureBuilds {
  private WebFixtureBuilds() {}

  static Build build(String project) {
    return build(project, Optional.empty());
  }

  /** As {@link #build(String)}, of a change that {@code owner} owns (empty: unknown). */
  static Build build(String project, Optional<String> owner) {
    Instant t0 = Instant.parse("2026-01-31T12:00:00Z");
    return new Build(
        0,
        1,
        "local",
        project,
        Optional.of("1234"),
        Optional.of("2"),
        owner,
        "refs/changes/34/1234/2",
        "c0ffee",
        PipelineName.CHECK,
        Optional.of("unit"),
        1,
        BuildStatus.SUCCESS,
        Tier.UNTRUSTED,
        List.of(),
        t0,
        Optional.of(t0.plusSeconds(5)),
        Optional.of(t0.plusSeconds(65)),
        "exit 0",
        Optional.empty());
  }
}
