package org.seakeeper.core.artifact;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

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
  Promotion promote(String sha256, Optional<String> from, String channel, String who, Instant at);

  /** The promotions into {@code channel}, newest first. */
  List<Promotion> promotions(String channel, int limit);

  /** What {@code channel} holds now: its latest promotion. */
  default Optional<Promotion> current(String channel) {
    return promotions(channel, 1).stream().findFirst();
  }

  /** Whether {@code sha256} was ever promoted into {@code channel}. */
  boolean everIn(String sha256, String channel);
}
