package org.seakeeper.testkit;

import java.util.ArrayList;
import java.util.List;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.report.Reporter;
import org.seakeeper.core.store.OutboxEntry;

/** Records every report; can be told to fail, as a review system that is down. Thread-safe. */
public final class RecordingReporter implements Reporter {
  /** One report as received. */
  public record Report(OutboxEntry entry, Buildset buildset, List<Build> builds) {}

  private final List<Report> reports = new ArrayList<>();
  private volatile boolean down;

  public void down(boolean down) {
    this.down = down;
  }

  public synchronized List<Report> reports() {
    return List.copyOf(reports);
  }

  @Override
  public synchronized boolean report(OutboxEntry entry, Buildset buildset, List<Build> builds) {
    if (down) {
      return false;
    }
    reports.add(new Report(entry, buildset, builds));
    return true;
  }
}
