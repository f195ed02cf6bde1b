package org.seakeeper.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.artifact.ArtifactIndex;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.artifact.Deploy;
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

  @Test
  void a_promotions_deploy_state_is_kept_and_updated() {
    ArtifactIndex ix = index();
    Promotion plain = ix.promote(A, Optional.empty(), "candidate", "admin", T0);
    assertThat(plain.deploy()).isEqualTo(Deploy.NONE);
    Promotion hooked =
        ix.promote(A, Optional.empty(), "staging", "admin", T0, Deploy.State.PENDING);
    assertThat(hooked.deploy().state()).isEqualTo(Deploy.State.PENDING);
    assertThat(ix.promotion(hooked.id())).contains(hooked);
    Deploy passed =
        Deploy.of(
            Deploy.State.PASSED, Optional.of("smoke tests green"), "alice", T0.plusSeconds(5));
    Promotion updated = ix.deploy(hooked.id(), passed).orElseThrow();
    assertThat(updated.deploy()).isEqualTo(passed);
    assertThat(ix.promotion(hooked.id()).orElseThrow().deploy()).isEqualTo(passed);
    assertThat(ix.deploy(9999, passed)).isEmpty();
    assertThat(ix.promotion(9999)).isEmpty();
    Promotion again = ix.promote(A, Optional.empty(), "staging", "bob", T0.plusSeconds(9));
    assertThat(ix.latest(A, "staging")).contains(again);
    assertThat(ix.latest(B, "staging")).isEmpty();
    assertThat(ix.promotionsOf(A)).containsExactly(again, updated, plain);
    assertThat(ix.promotedChannels()).containsExactly("candidate", "staging");
  }

  @Test
  void retention_reads_old_records_of_a_tier_page_by_page_and_removes_them() {
    ArtifactIndex ix = index();
    ArtifactRecord a = record(A, 1, "demo", "a", Tier.UNTRUSTED, null);
    ArtifactRecord b = record(B, 1, "demo", "b", Tier.UNTRUSTED, null);
    ArtifactRecord c = record(C, 2, "demo", "c", Tier.UNTRUSTED, null);
    ArtifactRecord trusted = record(A, 3, "demo", "a", Tier.TRUSTED, "{}");
    ix.add(List.of(a, b));
    ix.add(List.of(c));
    ix.add(List.of(trusted));
    assertThat(ix.storedBefore(Tier.UNTRUSTED, T0, Optional.empty(), 10)).isEmpty();
    Instant later = T0.plusSeconds(1);
    List<ArtifactRecord> first = ix.storedBefore(Tier.UNTRUSTED, later, Optional.empty(), 2);
    assertThat(first).containsExactly(a, b);
    assertThat(
            ix.storedBefore(Tier.UNTRUSTED, later, Optional.of(new ArtifactIndex.Key(1, "b")), 2))
        .containsExactly(c);
    assertThat(ix.storedBefore(Tier.TRUSTED, later, Optional.empty(), 10)).containsExactly(trusted);
    assertThat(ix.remove(1, "a")).isTrue();
    assertThat(ix.remove(1, "a")).isFalse();
    assertThat(ix.withDigest(A)).containsExactly(trusted);
    assertThat(ix.ofBuild(1)).containsExactly(b);
  }
}
