package org.seakeeper.depcache;

import java.util.concurrent.atomic.AtomicLong;

/** A {@link MissBudget} being spent by one listener. Thread-safe. */
final class Budget {
  private final MissBudget limit;
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  Budget(MissBudget limit) {
    this.limit = limit;
  }

  /** Takes one miss, unless the misses or the bytes are spent. */
  boolean tryMiss() {
    if (bytes.get() >= limit.bytes()) {
      refused.incrementAndGet();
      return false;
    }
    if (misses.incrementAndGet() > limit.misses()) {
      misses.decrementAndGet();
      refused.incrementAndGet();
      return false;
    }
    return true;
  }

  void charge(long n) {
    bytes.addAndGet(n);
  }

  DependencyCache.Usage usage() {
    return new DependencyCache.Usage(misses.get(), bytes.get(), refused.get());
  }
}
