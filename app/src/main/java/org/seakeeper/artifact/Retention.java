package org.seakeeper.artifact;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Consumer;
import org.seakeeper.core.artifact.ArtifactIndex;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.artifact.Promotion;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;

/**
 * Retention of kept artifacts (docs/server.md, "Retention"): every {@code retention.every}, the
 * records of each tier with a maximum age that are older than it are forgotten, and a content is
 * deleted once no record names it — unless a channel keeps its digest: every digest ever promoted
 * into a channel, or only the latest {@code keep} distinct ones of a channel that says so (a
 * channel no longer configured keeps all of its). The index is read page by page ({@value PAGE}
 * records), never whole. Each deletion holds the write side of the lock that keeping and promoting
 * hold for reading, so a content is never deleted between a keep's write and its record, nor
 * between a promotion's check and its record. Thread-safe.
 */
public final class Retention implements AutoCloseable {
  static final int PAGE = 200;

  private final ArtifactIndex index;
  private final ArtifactBlobs blobs;
  private final ServerConfig.Retention rules;
  private final Map<String, Optional<Integer>> keep = new HashMap<>();
  private final Clock clock;
  private final ReadWriteLock contents;
  private final Consumer<String> log;
  private ScheduledExecutorService timer;

  /** What one sweep did. */
  public record Swept(int records, int contents, int keptByChannels) {}

  public Retention(
      ArtifactIndex index,
      ArtifactBlobs blobs,
      ServerConfig.Retention rules,
      List<ServerConfig.Channel> channels,
      Clock clock,
      ReadWriteLock contents,
      Consumer<String> log) {
    this.index = index;
    this.blobs = blobs;
    this.rules = rules;
    channels.forEach(c -> keep.put(c.name(), c.keep()));
    this.clock = clock;
    this.contents = contents;
    this.log = log;
  }

  /** The newest promotion id {@link #keptByChannels} saw. */
  private long seen;

  /** The digests the channels keep whatever their age. */
  Set<String> keptByChannels() {
    Set<String> out = new HashSet<>();
    seen = 0;
    for (String channel : index.promotedChannels()) {
      Optional<Integer> n = keep.getOrDefault(channel, Optional.empty());
      Set<String> distinct = new LinkedHashSet<>();
      for (Promotion p : index.promotions(channel, Integer.MAX_VALUE)) {
        seen = Math.max(seen, p.id());
        if (n.isPresent() && distinct.size() >= n.get() && !distinct.contains(p.sha256())) {
          continue;
        }
        distinct.add(p.sha256());
      }
      out.addAll(distinct);
    }
    return out;
  }

  /** One pass over every tier with a maximum age. */
  public synchronized Swept sweep() {
    Instant started = clock.instant();
    Set<String> kept = keptByChannels();
    int records = 0;
    int deleted = 0;
    int skipped = 0;
    for (Map.Entry<Tier, Duration> e : rules.maxAge().entrySet()) {
      Instant before = started.minus(e.getValue());
      Optional<ArtifactIndex.Key> after = Optional.empty();
      while (true) {
        List<ArtifactRecord> page = index.storedBefore(e.getKey(), before, after, PAGE);
        for (ArtifactRecord r : page) {
          if (kept.contains(r.sha256())) {
            skipped++;
            continue;
          }
          contents.writeLock().lock();
          try {
            // Promoted since this sweep read the channels: kept.
            List<Promotion> ps = index.promotionsOf(r.sha256());
            if (!ps.isEmpty() && ps.getFirst().id() > seen) {
              skipped++;
              continue;
            }
            if (index.remove(r.buildId(), r.path())) {
              records++;
            }
            if (index.withDigest(r.sha256()).isEmpty() && blobs.size(r.sha256()).isPresent()) {
              blobs.delete(r.sha256());
              deleted++;
            }
          } catch (IOException | RuntimeException ex) {
            log.accept("retention: cannot delete " + r.sha256() + ": " + ex.getMessage());
          } finally {
            contents.writeLock().unlock();
          }
        }
        if (page.size() < PAGE) {
          break;
        }
        ArtifactRecord last = page.getLast();
        after = Optional.of(new ArtifactIndex.Key(last.buildId(), last.path()));
      }
    }
    return new Swept(records, deleted, skipped);
  }

  /** Sweeps every {@code retention.every}, first after one period; nothing when no tier expires. */
  public synchronized Retention start() {
    if (rules.maxAge().isEmpty() || timer != null) {
      return this;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "artifact-retention");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(1, rules.every().toSeconds());
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            Swept s = sweep();
            if (s.records() > 0) {
              log.accept(
                  "retention: forgot "
                      + s.records()
                      + " artifact records, deleted "
                      + s.contents()
                      + " contents ("
                      + s.keptByChannels()
                      + " old records kept for their channels)");
            }
          } catch (RuntimeException e) {
            log.accept("retention: sweep failed: " + e);
          }
        },
        every,
        every,
        TimeUnit.SECONDS);
    return this;
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
