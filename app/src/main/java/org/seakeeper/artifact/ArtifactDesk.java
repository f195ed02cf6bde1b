package org.seakeeper.artifact;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.seakeeper.core.artifact.ArtifactIndex;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.artifact.Deploy;
import org.seakeeper.core.artifact.Promotion;
import org.seakeeper.core.model.ServerConfig;

/**
 * What the web API does with kept artifacts (docs/contracts.md §10): reads of the index and blobs,
 * the published keys, the channels, and promotion, which is refused unless the digest is known, was
 * built by a trusted or privileged build whose provenance verifies with this server's keys (as
 * {@code seakeeper verify} would, with that build's builder id, source and commit), its content is
 * still kept, the channel exists and, when the channel says {@code from}, the digest was promoted
 * there first and, when it also says {@code requires: passed}, the deploy step of its latest
 * promotion there reported {@code passed}. A promotion into a channel with a deploy webhook is
 * handed over to it ({@link DeployWebhooks}). Who may promote is the web's to check. Thread-safe.
 */
public final class ArtifactDesk {
  private final ArtifactIndex index;
  private final ArtifactBlobs blobs;
  private final ProvenanceKeys keys;
  private final URI publicUrl;
  private final List<ServerConfig.Channel> channels;
  private final Clock clock;
  private final Optional<DeployWebhooks> webhooks;
  private final java.util.concurrent.locks.ReadWriteLock contents;

  public ArtifactDesk(
      ArtifactIndex index,
      ArtifactBlobs blobs,
      ProvenanceKeys keys,
      URI publicUrl,
      List<ServerConfig.Channel> channels,
      Clock clock) {
    this(
        index,
        blobs,
        keys,
        publicUrl,
        channels,
        clock,
        Optional.empty(),
        new java.util.concurrent.locks.ReentrantReadWriteLock());
  }

  /**
   * @param webhooks the deploy hand-overs of the channels that have one
   * @param contents held for reading while a promotion checks and records a digest, for writing by
   *     retention while it deletes one (see {@link Retention})
   */
  public ArtifactDesk(
      ArtifactIndex index,
      ArtifactBlobs blobs,
      ProvenanceKeys keys,
      URI publicUrl,
      List<ServerConfig.Channel> channels,
      Clock clock,
      Optional<DeployWebhooks> webhooks,
      java.util.concurrent.locks.ReadWriteLock contents) {
    this.webhooks = webhooks;
    this.contents = contents;
    this.index = index;
    this.blobs = blobs;
    this.keys = keys;
    this.publicUrl = publicUrl;
    this.channels = List.copyOf(channels);
    this.clock = clock;
  }

  public ArtifactIndex index() {
    return index;
  }

  public ArtifactBlobs blobs() {
    return blobs;
  }

  /** The public keys, PEM, current first ({@code GET /api/v1/provenance/keys}). */
  public String keysPem() {
    return keys.pem();
  }

  public List<ServerConfig.Channel> channels() {
    return channels;
  }

  public Optional<ServerConfig.Channel> channel(String name) {
    return channels.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** How a promotion ended: done (201 with the promotion) or refused with a status and code. */
  public record Outcome(int status, String error, String message, Optional<Promotion> promotion) {
    static Outcome refused(int status, String error, String message) {
      return new Outcome(status, error, message, Optional.empty());
    }

    public boolean ok() {
      return promotion.isPresent();
    }
  }

  /** Promotes {@code sha256} into {@code channel} for {@code who}, or says why not. */
  public synchronized Outcome promote(String sha256, String channel, String who) {
    contents.readLock().lock();
    try {
      return promoteLocked(sha256, channel, who);
    } finally {
      contents.readLock().unlock();
    }
  }

  private Outcome promoteLocked(String sha256, String channel, String who) {
    Optional<ServerConfig.Channel> ch = channel(channel);
    if (ch.isEmpty()) {
      return Outcome.refused(
          404,
          "unknown_channel",
          "There is no channel '"
              + channel
              + "'; the channels are "
              + channels.stream().map(ServerConfig.Channel::name).toList()
              + " (trusted config: channels).");
    }
    if (!ArtifactRecord.isSha256(sha256)) {
      return Outcome.refused(
          400, "bad_request", "'" + sha256 + "' is not a SHA-256 (64 lower-case hex digits).");
    }
    List<ArtifactRecord> records = index.withDigest(sha256);
    if (records.isEmpty()) {
      return Outcome.refused(
          404, "unknown_artifact", "No kept artifact has SHA-256 " + sha256 + ".");
    }
    List<ArtifactRecord> trusted = records.stream().filter(ArtifactRecord::promotable).toList();
    if (trusted.isEmpty()) {
      return Outcome.refused(
          422,
          "untrusted_artifact",
          "Artifact "
              + sha256
              + " was built only by untrusted builds (e.g. build "
              + records.getFirst().buildId()
              + ", "
              + records.getFirst().pipeline()
              + "); only artifacts of trusted or privileged builds, with provenance, can be"
              + " promoted.");
    }
    ProvenanceCheck.Verdict verdict = null;
    ArtifactRecord verified = null;
    for (ArtifactRecord r : trusted) {
      ProvenanceCheck.Verdict v =
          ProvenanceCheck.verify(
              r.provenance().orElseThrow(),
              sha256,
              keys.all(),
              new ProvenanceCheck.Expect(
                  List.of(Provenance.builderId(publicUrl, r.tier())),
                  Optional.of(Provenance.source(r.connection(), r.project())),
                  Optional.of(r.commit())));
      if (v.ok()) {
        verdict = v;
        verified = r;
        break;
      }
      verdict = verdict == null ? v : verdict;
    }
    if (!verdict.ok()) {
      return Outcome.refused(
          422, "provenance_not_verified", "Not promoted: " + verdict.message() + ".");
    }
    try {
      if (blobs.size(sha256).filter(s -> s == trusted.getFirst().size()).isEmpty()) {
        return Outcome.refused(
            409, "content_missing", "The content of artifact " + sha256 + " is no longer kept.");
      }
    } catch (IOException e) {
      return Outcome.refused(
          503, "store_unavailable", "The artifact store cannot be read: " + e.getMessage());
    }
    Optional<String> from = ch.get().from();
    if (from.isPresent() && !index.everIn(sha256, from.get())) {
      return Outcome.refused(
          409,
          "not_in_previous_channel",
          "Channel '"
              + channel
              + "' takes artifacts from '"
              + from.get()
              + "': promote "
              + sha256
              + " to '"
              + from.get()
              + "' first.");
    }
    if (ch.get().requiresPassed()) {
      Promotion last = index.latest(sha256, from.orElseThrow()).orElseThrow();
      if (last.deploy().state() != Deploy.State.PASSED) {
        return Outcome.refused(
            409,
            "not_passed_in_previous_channel",
            "Channel '"
                + channel
                + "' requires a passed deploy step in '"
                + from.get()
                + "': the latest promotion of "
                + sha256
                + " there (#"
                + last.id()
                + ") is "
                + last.deploy().state().id()
                + last.deploy().detail().map(d -> " (" + d + ")").orElse("")
                + "; its result is reported with POST /api/v1/promotions/"
                + last.id()
                + "/result.");
      }
    }
    boolean hooked = webhooks.filter(w -> w.hooked(channel)).isPresent();
    Promotion p =
        index.promote(
            sha256,
            from,
            channel,
            who,
            clock.instant(),
            hooked ? Deploy.State.PENDING : Deploy.State.NONE);
    if (hooked) {
      webhooks.get().handOver(p, verified);
    }
    return new Outcome(
        201,
        null,
        "Promoted "
            + sha256
            + " to "
            + channel
            + p.replaced().map(r -> " (it held " + r + ")").orElse(""),
        Optional.of(p));
  }

  /**
   * Records the result of a promotion's deploy step ({@code passed} or {@code failed}, with an
   * optional detail) for {@code who}; a later report replaces an earlier one.
   */
  public Outcome report(long id, String outcome, Optional<String> detail, String who) {
    Optional<Deploy.State> state = Deploy.State.of(outcome).filter(Deploy.State::result);
    if (state.isEmpty()) {
      return Outcome.refused(
          400, "bad_request", "'outcome' is 'passed' or 'failed', not '" + outcome + "'.");
    }
    synchronized (index) {
      Optional<Promotion> p =
          index.deploy(id, Deploy.of(state.get(), detail, who, clock.instant()));
      if (p.isEmpty()) {
        return Outcome.refused(404, "unknown_promotion", "There is no promotion " + id + ".");
      }
      return new Outcome(
          200,
          null,
          "Promotion "
              + id
              + " of "
              + p.get().sha256()
              + " to "
              + p.get().channel()
              + ": deploy "
              + state.get().id(),
          p);
    }
  }
}
