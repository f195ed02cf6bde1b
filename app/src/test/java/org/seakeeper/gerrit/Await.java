package org.seakeeper.gerrit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting for a condition with a deadline (polled every few milliseconds). Stateless. */
final class Await {
  private Await() {}

  /**
   * Returns once {@code ok} holds; fails naming {@code what} when it did not within {@code limit}.
   */
  static void until(String what, Duration limit, BooleanSupplier ok) {
    long end = System.nanoTime() + limit.toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "timed out after " + limit.toMillis() + " ms waiting until " + what);
      }
      LockSupport.parkNanos(5_000_000);
    }
  }

  /** A call that may throw, for {@link #until}. */
  interface Probe {
    boolean test() throws Exception;
  }

  /** As {@link #until}, for a probe that may throw (a throw counts as "not yet"). */
  static void untilNoThrow(String what, Duration limit, Probe ok) {
    until(
        what,
        limit,
        () -> {
          try {
            return ok.test();
          } catch (Exception e) {
            return false;
          }
        });
  }
}
