package org.seakeeper.core.artifact;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.seakeeper.core.model.Tier;

/**
 * The port that remembers kept artifacts, their provenance and their promotions (the blobs
 * themselves live elsewhere, named by digest). Implemented in memory (testkit), and on H2 and
 * PostgreSQL; all pass {@code ArtifactIndexContract}. Thread-safe.
 */
public interface ArtifactIndex {
  /** Records one build's artifacts together: all of them or, on failure, none. */
  void add(List<ArtifactRecord> artifacts);

  /** The artifacts of a build, by path. */
  List<ArtifactRecord> ofBuild(long buildId);

  /** Every record of this content, newest build first; empty for an unknown digest. */
  List<ArtifactRecord> withDigest(String sha256);

  /** The newest records (of one project, or all), newest build first, then by path. */
  List<ArtifactRecord> recent(Optional<String> project, int limit);

  /**
   * Records that {@code sha256} now is in {@code channel}: the previous holder of the channel is
   * remembered as {@code replaced}. The caller checked that it may.
   */
  default Promotion promote(
      String sha256, Optional<String> from, String channel, String who, Instant at) {
    return promote(sha256, from, channel, who, at, Deploy.State.NONE);
  }

  /** As {@link #promote(String, Optional, String, String, Instant)}, with its deploy state. */
  Promotion promote(
      String sha256,
      Optional<String> from,
      String channel,
      String who,
      Instant at,
      Deploy.State deploy);

  /** A promotion by id. */
  Optional<Promotion> promotion(long id);

  /** Sets a promotion's deploy state; empty for an unknown id. */
  Optional<Promotion> deploy(long id, Deploy deploy);

  /** The latest promotion of {@code sha256} into {@code channel}. */
  Optional<Promotion> latest(String sha256, String channel);

  /** Every promotion of {@code sha256}, into any channel, newest first. */
  List<Promotion> promotionsOf(String sha256);

  /** Every channel something was ever promoted into (also channels no longer configured). */
  List<String> promotedChannels();

  /** Where a page of {@link #storedBefore} ended: the last record's build and path. */
  record Key(long buildId, String path) {}

  /**
   * Up to {@code limit} records of {@code tier} stored before {@code before}, after {@code after}
   * in (build, path) order: retention reads the index page by page, never all of it.
   */
  List<ArtifactRecord> storedBefore(Tier tier, Instant before, Optional<Key> after, int limit);

  /** Forgets one record (retention); whether it was there. */
  boolean remove(long buildId, String path);

  /** The promotions into {@code channel}, newest first. */
  List<Promotion> promotions(String channel, int limit);

  /** What {@code channel} holds now: its latest promotion. */
  default Optional<Promotion> current(String channel) {
    return promotions(channel, 1).stream().findFirst();
  }

  /** Whether {@code sha256} was ever promoted into {@code channel}. */
  boolean everIn(String sha256, String channel);
}
