package org.seakeeper.core.artifact;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.seakeeper.core.model.Tier;

/**
 * One artifact of one build as the server keeps it (docs/contracts.md §10): its content is named by
 * its SHA-256, the rest says where it came from. The same content made by two builds is two records
 * of one blob.
 *
 * @param sha256 lower-case hex SHA-256 of the content
 * @param path where the job left it, relative to its workspace
 * @param pipeline the pipeline's id ({@code post}, {@code release}, ...)
 * @param provenance the signed provenance (DSSE envelope JSON); empty for untrusted builds
 */
public record ArtifactRecord(
    String sha256,
    long size,
    String mediaType,
    long buildId,
    String connection,
    String project,
    String commit,
    String ref,
    String pipeline,
    String job,
    Tier tier,
    String path,
    Instant storedAt,
    Optional<String> provenance) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public ArtifactRecord {
    if (!isSha256(sha256)) {
      throw new IllegalArgumentException("not a lower-case hex SHA-256: " + sha256);
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative size");
    }
    Objects.requireNonNull(mediaType);
    Objects.requireNonNull(connection);
    Objects.requireNonNull(project);
    Objects.requireNonNull(commit);
    Objects.requireNonNull(ref);
    Objects.requireNonNull(pipeline);
    Objects.requireNonNull(job);
    Objects.requireNonNull(tier);
    Objects.requireNonNull(path);
    Objects.requireNonNull(storedAt);
    Objects.requireNonNull(provenance);
  }

  /** Whether {@code s} is a SHA-256 as artifacts are named: 64 lower-case hex digits. */
  public static boolean isSha256(String s) {
    return s != null && SHA256.matcher(s).matches();
  }

  /** Whether this artifact may ever be promoted: built in the trusted or privileged tier. */
  public boolean promotable() {
    return tier != Tier.UNTRUSTED && provenance.isPresent();
  }
}
