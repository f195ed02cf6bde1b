package org.seakeeper.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;
import org.seakeeper.testkit.InMemoryArtifactIndex;
import org.seakeeper.testkit.ManualClock;

/**
 * Retention per tier and per channel, on a clock the test moves: old records of each tier go and
 * their contents with them once no record names them; every digest a channel keeps (all promoted,
 * or the latest {@code keep}) stays, with all its records; the index is swept page by page.
 */
class ProvenanceRetentionTest {
  static final URI URL = URI.create("http://ci.example:8080/");
  static final Instant T0 = Instant.parse("2025-03-04T05:06:07Z");

  @TempDir Path tmp;
  Path staging;
  ManualClock clock;
  InMemoryArtifactIndex index;
  FileBlobs blobs;
  ServerArtifactKeeper keeper;
  ArtifactDesk desk;
  Retention retention;
  List<String> log = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    staging = Files.createDirectories(tmp.resolve("data/artifacts"));
    clock = new ManualClock(T0);
    index = new InMemoryArtifactIndex();
    blobs = new FileBlobs(staging.resolve("blobs"), 0);
    SigningKey key = SigningKey.loadOrCreate(tmp.resolve("keys/provenance.key"));
    ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    keeper = new ServerArtifactKeeper(staging, blobs, index, key, URL, clock, w -> {}, lock);
    List<ServerConfig.Channel> channels =
        List.of(
            new ServerConfig.Channel(
                "candidate", Optional.empty(), false, Optional.empty(), Optional.of(1)),
            new ServerConfig.Channel("production", Optional.of("candidate")));
    desk =
        new ArtifactDesk(
            index,
            blobs,
            new ProvenanceKeys(key, List.of()),
            URL,
            channels,
            clock,
            Optional.empty(),
            lock);
    retention =
        new Retention(
            index,
            blobs,
            new ServerConfig.Retention(
                Map.of(Tier.UNTRUSTED, Duration.ofDays(7), Tier.TRUSTED, Duration.ofDays(30)),
                Duration.ofHours(1)),
            channels,
            clock,
            lock,
            log::add);
  }

  /** Keeps {@code files} (path, content) as build {@code id} of {@code tier}; their digests. */
  List<String> keep(long id, Tier tier, String... files) throws Exception {
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < files.length; i += 2) {
      Path f = staging.resolve("b" + id).resolve(files[i]);
      Files.createDirectories(f.getParent());
      Files.writeString(f, files[i + 1]);
      paths.add(files[i]);
    }
    Executor.Result r =
        new Executor.Result(new JobOutcome.Succeeded(), Duration.ofSeconds(1), paths);
    PipelineName pipeline = tier == Tier.UNTRUSTED ? PipelineName.CHECK : PipelineName.POST;
    assertThat(keeper.keep(ProvenanceTest.build(id, tier, pipeline), ProvenanceTest.INPUTS, r))
        .isEqualTo(r);
    return index.ofBuild(id).stream().map(ArtifactRecord::sha256).toList();
  }

  boolean contentKept(String sha) throws Exception {
    return blobs.size(sha).isPresent();
  }

  @Test
  void old_artifacts_go_per_tier_and_promoted_ones_stay() throws Exception {
    String u1 = keep(1, Tier.UNTRUSTED, "u.bin", "untrusted only").getFirst();
    String t1 = keep(2, Tier.TRUSTED, "app.deb", "release 1").getFirst();
    String t2 = keep(3, Tier.TRUSTED, "app.deb", "release 2").getFirst();
    String t3 = keep(4, Tier.TRUSTED, "app.deb", "never promoted").getFirst();
    // The same content as release 1 from a proposed change: kept as long as release 1 is.
    assertThat(keep(5, Tier.UNTRUSTED, "copy.deb", "release 1")).containsExactly(t1);
    assertThat(desk.promote(t1, "candidate", "admin").ok()).isTrue();
    assertThat(desk.promote(t1, "production", "admin").ok()).isTrue();
    assertThat(desk.promote(t2, "candidate", "admin").ok()).isTrue();

    assertThat(retention.sweep()).isEqualTo(new Retention.Swept(0, 0, 0));
    clock.advance(Duration.ofDays(8));
    String fresh = keep(6, Tier.UNTRUSTED, "new.bin", "made on day 8").getFirst();
    Retention.Swept week = retention.sweep();
    assertThat(week.records()).isEqualTo(1);
    assertThat(week.contents()).isEqualTo(1);
    assertThat(index.ofBuild(1)).isEmpty();
    assertThat(contentKept(u1)).isFalse();
    assertThat(index.ofBuild(5)).as("a digest in production keeps all its records").hasSize(1);
    assertThat(index.ofBuild(6)).hasSize(1);
    assertThat(contentKept(fresh)).isTrue();
    assertThat(index.ofBuild(4)).as("trusted: 30 days").hasSize(1);

    clock.advance(Duration.ofDays(23));
    Retention.Swept month = retention.sweep();
    assertThat(index.ofBuild(4)).isEmpty();
    assertThat(contentKept(t3)).isFalse();
    assertThat(index.ofBuild(2)).hasSize(1);
    assertThat(contentKept(t1)).as("in production").isTrue();
    assertThat(index.ofBuild(3)).hasSize(1);
    assertThat(contentKept(t2)).as("candidate's current digest (keep: 1)").isTrue();
    assertThat(index.ofBuild(6)).as("day 8 + 7 days < day 31: gone too").isEmpty();
    assertThat(month.records()).isEqualTo(2);

    // A newer candidate pushes release 2 out of candidate's keep: 1; it was never in production.
    String t4 = keep(7, Tier.TRUSTED, "app.deb", "release 4").getFirst();
    assertThat(desk.promote(t4, "candidate", "admin").ok()).isTrue();
    retention.sweep();
    assertThat(index.ofBuild(3)).isEmpty();
    assertThat(contentKept(t2)).isFalse();
    assertThat(contentKept(t1)).isTrue();
    assertThat(contentKept(t4)).isTrue();
    // A digest whose content retention deleted can no longer be promoted (or rolled back to).
    assertThat(desk.promote(t2, "candidate", "admin").error()).isEqualTo("unknown_artifact");
    assertThat(desk.promote(t1, "production", "admin").ok()).as("rollback to a kept one").isTrue();
  }

  @Test
  void the_index_is_swept_page_by_page() throws Exception {
    int n = Retention.PAGE * 2 + 17;
    String[] files = new String[n * 2];
    for (int i = 0; i < n; i++) {
      files[2 * i] = "f" + i + ".txt";
      files[2 * i + 1] = "content " + i;
    }
    List<String> shas = keep(1, Tier.UNTRUSTED, files);
    keep(2, Tier.PRIVILEGED, "rel.tar", "privileged: kept forever");
    clock.advance(Duration.ofDays(365));
    Retention.Swept s = retention.sweep();
    assertThat(s.records()).isEqualTo(n);
    assertThat(s.contents()).isEqualTo(n);
    assertThat(index.ofBuild(1)).isEmpty();
    for (String sha : shas) {
      assertThat(contentKept(sha)).isFalse();
    }
    assertThat(index.ofBuild(2)).as("no maximum age for privileged").hasSize(1);
  }
}
