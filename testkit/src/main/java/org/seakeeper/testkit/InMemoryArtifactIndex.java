package org.seakeeper.testkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.seakeeper.core.artifact.ArtifactIndex;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.artifact.Promotion;

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
      String sha256, Optional<String> from, String channel, String who, Instant at) {
    Optional<String> replaced = current(channel).map(Promotion::sha256);
    Promotion p = new Promotion(promotions.size() + 1L, sha256, from, channel, replaced, who, at);
    promotions.add(p);
    return p;
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
