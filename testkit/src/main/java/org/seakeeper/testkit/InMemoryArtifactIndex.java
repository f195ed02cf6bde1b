package org.seakeeper.testkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.seakeeper.core.artifact.ArtifactIndex;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.artifact.Deploy;
import org.seakeeper.core.artifact.Promotion;
import org.seakeeper.core.model.Tier;

/** An {@link ArtifactIndex} in memory; passes {@link ArtifactIndexContract}. Thread-safe. */
public final class InMemoryArtifactIndex implements ArtifactIndex {
  private final List<ArtifactRecord> records = new ArrayList<>();
  private final List<Promotion> promotions = new ArrayList<>();

  private static final Comparator<ArtifactRecord> NEWEST =
      Comparator.comparingLong(ArtifactRecord::buildId)
          .reversed()
          .thenComparing(ArtifactRecord::path);

  @Override
  public synchronized void add(List<ArtifactRecord> artifacts) {
    for (ArtifactRecord a : artifacts) {
      boolean dup =
          records.stream().anyMatch(r -> r.buildId() == a.buildId() && r.path().equals(a.path()))
              || artifacts.stream()
                      .filter(r -> r.buildId() == a.buildId() && r.path().equals(a.path()))
                      .count()
                  > 1;
      if (dup) {
        throw new IllegalStateException(
            "build " + a.buildId() + " already has an artifact at " + a.path());
      }
    }
    records.addAll(artifacts);
  }

  @Override
  public synchronized List<ArtifactRecord> ofBuild(long buildId) {
    return records.stream()
        .filter(r -> r.buildId() == buildId)
        .sorted(Comparator.comparing(ArtifactRecord::path))
        .toList();
  }

  @Override
  public synchronized List<ArtifactRecord> withDigest(String sha256) {
    return records.stream().filter(r -> r.sha256().equals(sha256)).sorted(NEWEST).toList();
  }

  @Override
  public synchronized List<ArtifactRecord> recent(Optional<String> project, int limit) {
    return records.stream()
        .filter(r -> project.isEmpty() || r.project().equals(project.get()))
        .sorted(NEWEST)
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized Promotion promote(
      String sha256,
      Optional<String> from,
      String channel,
      String who,
      Instant at,
      Deploy.State deploy) {
    Optional<String> replaced = current(channel).map(Promotion::sha256);
    Promotion p =
        new Promotion(
            promotions.size() + 1L,
            sha256,
            from,
            channel,
            replaced,
            who,
            at,
            deploy == Deploy.State.NONE
                ? Deploy.NONE
                : Deploy.of(deploy, Optional.empty(), "seakeeper", at));
    promotions.add(p);
    return p;
  }

  @Override
  public synchronized Optional<Promotion> promotion(long id) {
    return promotions.stream().filter(p -> p.id() == id).findFirst();
  }

  @Override
  public synchronized Optional<Promotion> deploy(long id, Deploy deploy) {
    for (int i = 0; i < promotions.size(); i++) {
      if (promotions.get(i).id() == id) {
        promotions.set(i, promotions.get(i).withDeploy(deploy));
        return Optional.of(promotions.get(i));
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized Optional<Promotion> latest(String sha256, String channel) {
    return promotions.reversed().stream()
        .filter(p -> p.sha256().equals(sha256) && p.channel().equals(channel))
        .findFirst();
  }

  @Override
  public synchronized List<Promotion> promotionsOf(String sha256) {
    return promotions.reversed().stream().filter(p -> p.sha256().equals(sha256)).toList();
  }

  @Override
  public synchronized List<String> promotedChannels() {
    return promotions.stream().map(Promotion::channel).distinct().sorted().toList();
  }

  private static final Comparator<ArtifactRecord> OLDEST_KEY =
      Comparator.comparingLong(ArtifactRecord::buildId).thenComparing(ArtifactRecord::path);

  @Override
  public synchronized List<ArtifactRecord> storedBefore(
      Tier tier, Instant before, Optional<Key> after, int limit) {
    return records.stream()
        .filter(r -> r.tier() == tier && r.storedAt().isBefore(before))
        .filter(
            r ->
                after.isEmpty()
                    || r.buildId() > after.get().buildId()
                    || (r.buildId() == after.get().buildId()
                        && r.path().compareTo(after.get().path()) > 0))
        .sorted(OLDEST_KEY)
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized boolean remove(long buildId, String path) {
    return records.removeIf(r -> r.buildId() == buildId && r.path().equals(path));
  }

  @Override
  public synchronized List<Promotion> promotions(String channel, int limit) {
    return promotions.stream()
        .filter(p -> p.channel().equals(channel))
        .sorted(Comparator.comparingLong(Promotion::id).reversed())
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized boolean everIn(String sha256, String channel) {
    return promotions.stream()
        .anyMatch(p -> p.channel().equals(channel) && p.sha256().equals(sha256));
  }
}
