package org.seakeeper.core.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A change from a private source (a patch uploaded with the admin token) that runs the {@code
 * release} pipeline while its builds stay hidden: until {@link #publishedAt} is set, they are
 * neither listed, counted nor readable without the admin token (docs/contracts.md §6). The mark
 * lives in its own table and links to the builds through the inbox event that started them.
 * Immutable.
 *
 * @param id a random, URL-safe name given at submission (also the ref {@code refs/embargoed/ID})
 * @param eventId the inbox event whose buildsets are hidden
 * @param source the connection whose repository holds the base, e.g. {@code local}
 * @param baseRef the full ref the patch was applied onto, e.g. {@code refs/heads/main}
 * @param commit the embargoed commit, which exists only in the private repository
 */
public record Embargo(
    String id,
    long eventId,
    String source,
    String project,
    String baseRef,
    String baseCommit,
    String commit,
    String submittedBy,
    Instant submittedAt,
    Optional<Instant> publishedAt) {
  public Embargo {
    Objects.requireNonNull(id);
    Objects.requireNonNull(source);
    Objects.requireNonNull(project);
    Objects.requireNonNull(baseRef);
    Objects.requireNonNull(baseCommit);
    Objects.requireNonNull(commit);
    Objects.requireNonNull(submittedBy);
    Objects.requireNonNull(submittedAt);
    Objects.requireNonNull(publishedAt);
  }

  public boolean hidden() {
    return publishedAt.isEmpty();
  }

  public Embargo published(Instant at) {
    return new Embargo(
        id,
        eventId,
        source,
        project,
        baseRef,
        baseCommit,
        commit,
        submittedBy,
        submittedAt,
        Optional.of(at));
  }
}
