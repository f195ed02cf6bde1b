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
  private volatile boolean reportStart;

  public void down(boolean down) {
    this.down = down;
  }

  /** Whether it asks to hear when a buildset starts ({@link Reporter#reportsStart}). */
  public void reportStart(boolean on) {
    this.reportStart = on;
  }

  @Override
  public boolean reportsStart(Buildset buildset) {
    return reportStart;
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
