package org.seakeeper.core.artifact;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One promotion of an artifact into a channel, as recorded (docs/contracts.md §10): who, when,
 * which digest, from which channel (empty: straight from the builds) to which, and the digest the
 * channel held before (empty: the channel was empty). A rollback is a promotion of an earlier
 * digest.
 *
 * @param id assigned by the index, increasing
 * @param deploy where its hand-over to a deploy step stands ({@link Deploy#NONE} without one)
 */
public record Promotion(
    long id,
    String sha256,
    Optional<String> from,
    String channel,
    Optional<String> replaced,
    String who,
    Instant at,
    Deploy deploy) {
  /** A promotion without a deploy hand-over. */
  public Promotion(
      long id,
      String sha256,
      Optional<String> from,
      String channel,
      Optional<String> replaced,
      String who,
      Instant at) {
    this(id, sha256, from, channel, replaced, who, at, Deploy.NONE);
  }

  /** The same promotion with its deploy state replaced. */
  public Promotion withDeploy(Deploy d) {
    return new Promotion(id, sha256, from, channel, replaced, who, at, d);
  }

  public Promotion {
    if (!ArtifactRecord.isSha256(sha256)) {
      throw new IllegalArgumentException("not a SHA-256: " + sha256);
    }
    Objects.requireNonNull(from);
    Objects.requireNonNull(channel);
    Objects.requireNonNull(replaced);
    Objects.requireNonNull(who);
    Objects.requireNonNull(at);
    Objects.requireNonNull(deploy);
  }
}
