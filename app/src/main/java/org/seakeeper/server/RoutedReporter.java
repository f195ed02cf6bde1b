package org.seakeeper.server;

import java.util.List;
import java.util.Set;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.report.Reporter;
import org.seakeeper.core.store.OutboxEntry;

/**
 * Reports a buildset of a Gerrit connection to that Gerrit, any other through {@code other}, and an
 * embargoed one to no one (its id goes to the server log). Thread-safe.
 */
final class RoutedReporter implements Reporter {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(RoutedReporter.class);
  private final Set<String> gerritConnections;
  private final Reporter gerrit;
  private final Reporter other;

  RoutedReporter(Set<String> gerritConnections, Reporter gerrit, Reporter other) {
    this.gerritConnections = Set.copyOf(gerritConnections);
    this.gerrit = gerrit;
    this.other = other;
  }

  @Override
  public boolean report(OutboxEntry entry, Buildset buildset, List<Build> builds) {
    if (TriggerEvent.EMBARGOED.equals(buildset.connection())) {
      // Embargoed: no review system hears of it, and the log names only ids (docs/contracts.md §6).
      LOG.info(
          "embargoed buildset {} finished ({} builds); see /api/v1/embargoed with the admin token",
          buildset.id(),
          builds.size());
      return true;
    }
    return (gerritConnections.contains(buildset.connection()) ? gerrit : other)
        .report(entry, buildset, builds);
  }

  @Override
  public boolean reportsStart(Buildset buildset) {
    return !TriggerEvent.EMBARGOED.equals(buildset.connection())
        && (gerritConnections.contains(buildset.connection()) ? gerrit : other)
            .reportsStart(buildset);
  }
}
