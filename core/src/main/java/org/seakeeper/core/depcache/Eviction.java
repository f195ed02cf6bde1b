package org.seakeeper.core.depcache;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which cached files to delete to make room for a new one: least recently used first, under {@code
 * maxSize}. Files kept for trusted builds are protected from untrusted misses while they add up to
 * no more than {@code trustedFloor}: an untrusted job cannot flush the trusted tier's content by
 * filling the cache (the "Cacheract" eviction trick).
 */
public final class Eviction {
  private Eviction() {}

  /**
   * A cached file as eviction sees it; {@code pinned} files (the one being replaced, or in use) are
   * never chosen.
   */
  public record Entry(String key, long size, long lastAccess, boolean trusted, boolean pinned) {}

  /**
   * The keys to delete, oldest access first, so that {@code entries} plus {@code incoming} bytes
   * fit in {@code maxSize}; empty when nothing needs to go; {@link Optional#empty()} when no choice
   * allowed to this request frees enough (the new file is then not kept).
   */
  public static Optional<List<String>> choose(
      List<Entry> entries,
      long incoming,
      boolean incomingTrusted,
      long maxSize,
      long trustedFloor) {
    if (incoming > maxSize) {
      return Optional.empty();
    }
    long total = 0;
    long trustedBytes = 0;
    for (Entry e : entries) {
      total += e.size();
      if (e.trusted()) {
        trustedBytes += e.size();
      }
    }
    long need = total + incoming - maxSize;
    List<String> chosen = new ArrayList<>();
    if (need <= 0) {
      return Optional.of(chosen);
    }
    List<Entry> byAge = new ArrayList<>(entries);
    byAge.sort(Comparator.comparingLong(Entry::lastAccess).thenComparing(Entry::key));
    long freed = 0;
    for (Entry e : byAge) {
      if (e.pinned()) {
        continue;
      }
      if (!incomingTrusted && e.trusted() && trustedBytes - e.size() < trustedFloor) {
        continue;
      }
      chosen.add(e.key());
      freed += e.size();
      if (e.trusted()) {
        trustedBytes -= e.size();
      }
      if (freed >= need) {
        return Optional.of(chosen);
      }
    }
    return Optional.empty();
  }
}
