package org.seakeeper.core.store;

import java.util.List;
import java.util.Optional;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.Buildset;

/** Reads for the API and UI. Thread-safe; may see a slightly older state than the scheduler. */
public interface BuildQueries {
  /** Builds matching the query, newest (highest id) first. */
  List<Build> list(BuildQuery query);

  Optional<Build> build(long id);

  Optional<Buildset> buildset(long id);

  /**
   * What a build was given when it started ({@link Builds#run}); empty when it never started or is
   * not found in this view.
   */
  Optional<org.seakeeper.core.build.BuildRun> run(long buildId);

  /** Counts of builds by status, for the status page and metrics. */
  java.util.Map<org.seakeeper.core.build.BuildStatus, Long> countByStatus();

  /**
   * Events set aside after failing again and again (admins only: {@link #publicView()} lists and
   * counts none), the most recently set aside first.
   */
  List<QuarantinedEvent> quarantined(int limit);

  /** Number of quarantined events (none in {@link #publicView()}). */
  long quarantinedCount();

  /**
   * The same reads as someone without the admin token gets them (docs/contracts.md §6): builds and
   * buildsets of unpublished embargoes are neither listed, counted nor found. Filtered in the
   * store's query, so paging with {@code before} and {@code limit} stays exact.
   */
  BuildQueries publicView();
}
