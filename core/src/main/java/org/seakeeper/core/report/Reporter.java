package org.seakeeper.core.report;

import java.util.List;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.store.OutboxEntry;

/**
 * Tells the outside world a result: a vote and message in Gerrit, a log line for local repos.
 * Called from the outbox, at least once per entry; implementations make a repeat harmless (the
 * Gerrit reporter checks for its own earlier message). Thread-safe.
 */
public interface Reporter {
  /**
   * Reports the entry; true when done (the entry is then marked delivered), false to retry later.
   */
  boolean report(OutboxEntry entry, Buildset buildset, List<Build> builds);

  /**
   * Whether this reporter tells the outside world when {@code buildset} starts: the scheduler then
   * adds an {@link org.seakeeper.core.store.OutboxKind#BUILDSET_STARTED} entry when its first build
   * starts.
   */
  default boolean reportsStart(Buildset buildset) {
    return false;
  }
}
