package org.seakeeper.core.build;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;

/**
 * One run (attempt) of one job of a buildset, as stored. Immutable: the scheduler makes a new value
 * for each transition via {@link #moveTo}. A new build is made only by {@link #queued}, {@link
 * #ended} or {@link #nextAttempt}, all born {@code queued}; the constructor is for stores reading
 * back what they hold.
 *
 * @param id assigned by the store; 0 before insertion
 * @param owner its buildset's {@link Buildset#owner}, kept with each build for the lists and the
 *     access policy
 * @param job null when the buildset failed before its jobs were known (a config error)
 * @param needs names of jobs of the same buildset this build waits for
 * @param detail why it ended this way (exit code, skip reason, config problems), for people
 * @param logSha256 the SHA-256 of the finished log, once the build ended
 */
public record Build(
    long id,
    long buildsetId,
    String connection,
    String project,
    Optional<String> change,
    Optional<String> patchset,
    Optional<String> owner,
    String ref,
    String commit,
    PipelineName pipeline,
    Optional<String> job,
    int attempt,
    BuildStatus status,
    Tier tier,
    List<String> needs,
    Instant queuedAt,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    String detail,
    Optional<String> logSha256) {
  public Build {
    Objects.requireNonNull(connection);
    Objects.requireNonNull(owner);
    Objects.requireNonNull(project);
    Objects.requireNonNull(ref);
    Objects.requireNonNull(commit);
    Objects.requireNonNull(pipeline);
    Objects.requireNonNull(status);
    Objects.requireNonNull(tier);
    Objects.requireNonNull(queuedAt);
    needs = List.copyOf(needs);
    Objects.requireNonNull(detail);
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts start at 1");
    }
  }

  /** A build whose change's owner is unknown. */
  public Build(
      long id,
      long buildsetId,
      String connection,
      String project,
      Optional<String> change,
      Optional<String> patchset,
      String ref,
      String commit,
      PipelineName pipeline,
      Optional<String> job,
      int attempt,
      BuildStatus status,
      Tier tier,
      List<String> needs,
      Instant queuedAt,
      Optional<Instant> startedAt,
      Optional<Instant> finishedAt,
      String detail,
      Optional<String> logSha256) {
    this(
        id,
        buildsetId,
        connection,
        project,
        change,
        patchset,
        Optional.empty(),
        ref,
        commit,
        pipeline,
        job,
        attempt,
        status,
        tier,
        needs,
        queuedAt,
        startedAt,
        finishedAt,
        detail,
        logSha256);
  }

  /**
   * A new first attempt of {@code job} (empty: a record of the whole buildset) of {@code s},
   * testing {@code commit}, queued at {@code now}.
   */
  public static Build queued(
      Buildset s, String commit, Optional<String> job, List<String> needs, Instant now) {
    return new Build(
        0,
        s.id(),
        s.connection(),
        s.project(),
        s.change(),
        s.patchset(),
        s.owner(),
        s.ref(),
        commit,
        s.pipeline(),
        job,
        1,
        BuildLifecycle.INITIAL,
        s.tier(),
        needs,
        now,
        Optional.empty(),
        Optional.empty(),
        "",
        Optional.empty());
  }

  /**
   * As {@link #queued(Buildset, String, Optional, List, Instant)}, testing the buildset's commit.
   */
  public static Build queued(Buildset s, Optional<String> job, List<String> needs, Instant now) {
    return queued(s, s.commit(), job, needs, now);
  }

  /**
   * A record that ends as soon as it is made (a skipped job, a config error, a dequeued gate item,
   * ...): born queued and moved to {@code to} at {@code now}, checked against the lifecycle. It
   * never started, so it has no {@code started_at}.
   */
  public static Build ended(
      Buildset s,
      String commit,
      Optional<String> job,
      List<String> needs,
      BuildStatus to,
      String detail,
      Instant now) {
    return queued(s, commit, job, needs, now).moveTo(to, now, detail);
  }

  /**
   * As {@link #ended(Buildset, String, Optional, List, BuildStatus, String, Instant)}, testing the
   * buildset's commit.
   */
  public static Build ended(
      Buildset s,
      Optional<String> job,
      List<String> needs,
      BuildStatus to,
      String detail,
      Instant now) {
    return ended(s, s.commit(), job, needs, to, detail, now);
  }

  public Build withId(long newId) {
    return new Build(
        newId,
        buildsetId,
        connection,
        project,
        change,
        patchset,
        owner,
        ref,
        commit,
        pipeline,
        job,
        attempt,
        status,
        tier,
        needs,
        queuedAt,
        startedAt,
        finishedAt,
        detail,
        logSha256);
  }

  /** The same build in {@code to}, checked against the lifecycle; timestamps follow the move. */
  public Build moveTo(BuildStatus to, Instant at, String why) {
    BuildLifecycle.check(status, to);
    Optional<Instant> started = to == BuildStatus.RUNNING ? Optional.of(at) : startedAt;
    Optional<Instant> finished = to.terminal() ? Optional.of(at) : finishedAt;
    return new Build(
        id,
        buildsetId,
        connection,
        project,
        change,
        patchset,
        owner,
        ref,
        commit,
        pipeline,
        job,
        attempt,
        to,
        tier,
        needs,
        queuedAt,
        started,
        finished,
        why == null ? detail : why,
        logSha256);
  }

  public Build withLogSha256(String sha) {
    return new Build(
        id,
        buildsetId,
        connection,
        project,
        change,
        patchset,
        owner,
        ref,
        commit,
        pipeline,
        job,
        attempt,
        status,
        tier,
        needs,
        queuedAt,
        startedAt,
        finishedAt,
        detail,
        Optional.of(sha));
  }

  /**
   * A new queued attempt of this build (after an infrastructure error, a crash, or a manual retry).
   */
  public Build nextAttempt(Instant at) {
    return new Build(
        0,
        buildsetId,
        connection,
        project,
        change,
        patchset,
        owner,
        ref,
        commit,
        pipeline,
        job,
        attempt + 1,
        BuildLifecycle.INITIAL,
        tier,
        needs,
        at,
        Optional.empty(),
        Optional.empty(),
        "",
        Optional.empty());
  }
}
