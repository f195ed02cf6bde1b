package org.seakeeper.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.store.BuildQueries;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.core.store.QuarantinedEvent;

/**
 * Build reads without the private projects a reader may not see (docs/contracts.md §9): their
 * builds are neither listed nor found (404). A list reads further pages until it has its limit or
 * the store has no more, so paging stays exact (at a cost when hidden builds are many: at most
 * {@link #MAX_ROUNDS} pages are read). Thread-safe as the queries it wraps.
 */
final class VisibleBuilds implements BuildQueries {
  static final int MAX_ROUNDS = 20;

  private final BuildQueries inner;
  private final Set<String> hidden;

  VisibleBuilds(BuildQueries inner, Set<String> hidden) {
    this.inner = inner;
    this.hidden = Set.copyOf(hidden);
  }

  /** {@code inner} itself when nothing is hidden. */
  static BuildQueries of(BuildQueries inner, Set<String> hidden) {
    return hidden.isEmpty() ? inner : new VisibleBuilds(inner, hidden);
  }

  @Override
  public List<Build> list(BuildQuery q) {
    if (q.project().filter(hidden::contains).isPresent()) {
      return List.of();
    }
    List<Build> out = new ArrayList<>();
    BuildQuery page = q;
    for (int round = 0; round < MAX_ROUNDS && out.size() < q.limit(); round++) {
      List<Build> got = inner.list(page);
      for (Build b : got) {
        if (!hidden.contains(b.project()) && out.size() < q.limit()) {
          out.add(b);
        }
      }
      if (got.size() < page.limit()) {
        break;
      }
      page =
          new BuildQuery(
              q.connection(),
              q.project(),
              q.change(),
              q.pipeline(),
              q.status(),
              Optional.of(got.getLast().id()),
              q.limit());
    }
    return out;
  }

  @Override
  public Optional<Build> build(long id) {
    return inner.build(id).filter(b -> !hidden.contains(b.project()));
  }

  @Override
  public Optional<Buildset> buildset(long id) {
    return inner.buildset(id).filter(s -> !hidden.contains(s.project()));
  }

  @Override
  public Optional<org.seakeeper.core.build.BuildRun> run(long buildId) {
    return build(buildId).isPresent() ? inner.run(buildId) : Optional.empty();
  }

  @Override
  public Map<BuildStatus, Long> countByStatus() {
    return inner.countByStatus();
  }

  @Override
  public List<QuarantinedEvent> quarantined(int limit) {
    return inner.quarantined(limit);
  }

  @Override
  public long quarantinedCount() {
    return inner.quarantinedCount();
  }

  @Override
  public BuildQueries publicView() {
    return of(inner.publicView(), hidden);
  }
}
