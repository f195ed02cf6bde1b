package org.seakeeper.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.artifact.ArtifactIndex;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.artifact.Promotion;
import org.seakeeper.core.model.Tier;

/**
 * What every {@link ArtifactIndex} does: the in-memory fake, H2 and PostgreSQL all pass these
 * tests.
 */
public abstract class ArtifactIndexContract {
  /** A new, empty index. */
  protected abstract ArtifactIndex index();

  static final Instant T0 = Instant.parse("2025-01-02T03:04:05.678Z");
  static final String A = "a".repeat(64);
  static final String B = "b".repeat(64);
  static final String C = "c".repeat(64);

  static ArtifactRecord record(
      String sha, long build, String project, String path, Tier tier, String provenance) {
    return new ArtifactRecord(
        sha,
        1234,
        "application/vnd.debian.binary-package",
        build,
        "local",
        project,
        "0123456789abcdef0123456789abcdef01234567",
        "refs/heads/main",
        "post",
        "package",
        tier,
        path,
        T0,
        Optional.ofNullable(provenance));
  }

  @Test
  void a_builds_artifacts_come_back_as_they_were_added_by_path() {
    ArtifactIndex ix = index();
    ArtifactRecord deb = record(A, 7, "demo", "out/demo.deb", Tier.TRUSTED, "{\"payload\":1}");
    ArtifactRecord txt = record(B, 7, "demo", "out/a.txt", Tier.TRUSTED, null);
    ix.add(List.of(deb, txt));
    assertThat(ix.ofBuild(7)).containsExactly(txt, deb);
    assertThat(ix.ofBuild(8)).isEmpty();
    assertThat(ix.withDigest(A)).containsExactly(deb);
    assertThat(ix.withDigest(C)).isEmpty();
  }

  @Test
  void one_content_from_two_builds_is_two_records_newest_first() {
    ArtifactIndex ix = index();
    ArtifactRecord old = record(A, 3, "demo", "x.bin", Tier.UNTRUSTED, null);
    ArtifactRecord newer = record(A, 9, "demo", "y.bin", Tier.PRIVILEGED, "{}");
    ix.add(List.of(old));
    ix.add(List.of(newer));
    assertThat(ix.withDigest(A)).containsExactly(newer, old);
    assertThat(newer.promotable()).isTrue();
    assertThat(old.promotable()).isFalse();
  }

  @Test
  void recent_lists_newest_first_per_project() {
    ArtifactIndex ix = index();
    ix.add(List.of(record(A, 1, "demo", "a", Tier.TRUSTED, null)));
    ix.add(List.of(record(B, 2, "other", "b", Tier.TRUSTED, null)));
    ix.add(List.of(record(C, 3, "demo", "c", Tier.TRUSTED, null)));
    assertThat(ix.recent(Optional.empty(), 10))
        .extracting(ArtifactRecord::buildId)
        .containsExactly(3L, 2L, 1L);
    assertThat(ix.recent(Optional.of("demo"), 10))
        .extracting(ArtifactRecord::buildId)
        .containsExactly(3L, 1L);
    assertThat(ix.recent(Optional.empty(), 1)).hasSize(1);
  }

  @Test
  void adding_a_path_twice_for_one_build_adds_nothing() {
    ArtifactIndex ix = index();
    ix.add(List.of(record(A, 5, "demo", "a", Tier.TRUSTED, null)));
    assertThatThrownBy(
            () ->
                ix.add(
                    List.of(
                        record(B, 5, "demo", "b", Tier.TRUSTED, null),
                        record(C, 5, "demo", "a", Tier.TRUSTED, null))))
        .isInstanceOf(RuntimeException.class);
    assertThat(ix.ofBuild(5)).extracting(ArtifactRecord::path).containsExactly("a");
  }

  @Test
  void promotions_are_recorded_per_channel_with_what_they_replaced() {
    ArtifactIndex ix = index();
    assertThat(ix.current("production")).isEmpty();
    Promotion first = ix.promote(A, Optional.empty(), "candidate", "admin", T0);
    assertThat(first.replaced()).isEmpty();
    Promotion prod = ix.promote(A, Optional.of("candidate"), "production", "admin", T0);
    Promotion second = ix.promote(B, Optional.empty(), "candidate", "alice", T0.plusSeconds(1));
    assertThat(second.replaced()).contains(A);
    assertThat(second.id()).isGreaterThan(prod.id()).isGreaterThan(first.id());
    assertThat(ix.current("candidate")).contains(second);
    assertThat(ix.current("production")).contains(prod);
    assertThat(ix.promotions("candidate", 10)).containsExactly(second, first);
    assertThat(ix.everIn(A, "candidate")).isTrue();
    assertThat(ix.everIn(B, "production")).isFalse();
    // A rollback is a promotion of an earlier digest.
    Promotion back = ix.promote(A, Optional.empty(), "candidate", "bob", T0.plusSeconds(2));
    assertThat(back.replaced()).contains(B);
    assertThat(ix.current("candidate").orElseThrow().sha256()).isEqualTo(A);
    assertThat(back.at()).isEqualTo(T0.plusSeconds(2));
    assertThat(back.who()).isEqualTo("bob");
  }
}
