package org.seakeeper.core.build;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;

/**
 * The builds one event started for one pipeline on one commit. Immutable.
 *
 * @param id assigned by the store; 0 before insertion
 * @param eventId the inbox event that started it
 * @param owner the owner of its change as the review system named them (docs/roles.md); empty for
 *     branches, tags, sources that know none, and changes whose owner was never reported
 * @param finishedAt set once every build in it has ended (then its result is reported once)
 */
public record Buildset(
    long id,
    long eventId,
    String connection,
    String project,
    Optional<String> change,
    Optional<String> patchset,
    Optional<String> owner,
    String ref,
    String commit,
    PipelineName pipeline,
    Tier tier,
    Instant createdAt,
    Optional<Instant> finishedAt) {
  public Buildset {
    Objects.requireNonNull(connection);
    Objects.requireNonNull(owner);
    Objects.requireNonNull(project);
    Objects.requireNonNull(ref);
    Objects.requireNonNull(commit);
    Objects.requireNonNull(pipeline);
    Objects.requireNonNull(tier);
    Objects.requireNonNull(createdAt);
  }

  /** A buildset whose change's owner is unknown. */
  public Buildset(
      long id,
      long eventId,
      String connection,
      String project,
      Optional<String> change,
      Optional<String> patchset,
      String ref,
      String commit,
      PipelineName pipeline,
      Tier tier,
      Instant createdAt,
      Optional<Instant> finishedAt) {
    this(
        id,
        eventId,
        connection,
        project,
        change,
        patchset,
        Optional.empty(),
        ref,
        commit,
        pipeline,
        tier,
        createdAt,
        finishedAt);
  }

  public Buildset withId(long newId) {
    return new Buildset(
        newId,
        eventId,
        connection,
        project,
        change,
        patchset,
        owner,
        ref,
        commit,
        pipeline,
        tier,
        createdAt,
        finishedAt);
  }

  public Buildset finished(Instant at) {
    return new Buildset(
        id,
        eventId,
        connection,
        project,
        change,
        patchset,
        owner,
        ref,
        commit,
        pipeline,
        tier,
        createdAt,
        Optional.of(at));
  }
}
