package org.seakeeper.core.scheduler;

import java.time.Duration;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.Tier;

/**
 * What the scheduler reports for {@code /metrics}. The web adapter implements it with Micrometer;
 * tests use {@link #NONE}. Thread-safe.
 */
public interface SchedulerMetrics {
  void eventReceived();

  void buildStarted(Tier tier, Duration queueWait);

  void buildFinished(BuildStatus status, Duration duration);

  /** Builds waiting and executor slots in use right now. */
  void gauges(int queued, int slotsInUse);

  /**
   * An event that could have started a pipeline was refused by the {@link TierPolicy} (a ref that
   * fits no pipeline, a tag off the release pattern, an unserved project); {@code why} says so for
   * the server log.
   */
  default void eventRefused(String connection, String project, String why) {}

  SchedulerMetrics NONE =
      new SchedulerMetrics() {
        @Override
        public void eventReceived() {}

        @Override
        public void buildStarted(Tier tier, Duration queueWait) {}

        @Override
        public void buildFinished(BuildStatus status, Duration duration) {}

        @Override
        public void gauges(int queued, int slotsInUse) {}
      };
}
