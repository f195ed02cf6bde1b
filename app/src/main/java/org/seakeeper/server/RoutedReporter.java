package org.seakeeper.server;

import java.util.List;
import java.util.Set;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.report.Reporter;
import org.seakeeper.core.store.OutboxEntry;

/** Reports a buildset of a Gerrit connection to that Gerrit, any other through {@code other}. Thread-safe. */
final class RoutedReporter implements Reporter {
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
    return (gerritConnections.contains(buildset.connection()) ? gerrit : other).report(entry, buildset, builds);
  }
}
