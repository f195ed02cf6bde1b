package org.seakeeper.core.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;

/**
 * The tier of an event comes from its kind and its full ref name, matched whole (docs/contracts.md
 * §1).
 */
class TierPolicyTest {
  static final String SHA = "1234567890123456789012345678901234567890";
  static final TierPolicy POLICY = TierPolicy.defaults(Glob.of("v*"));
  static final TierPolicy.Heads HEADS = (repo, ref) -> Optional.of(SHA);

  static TierPolicy.Decision push(TierPolicy policy, String ref) {
    return policy.decide(new TriggerEvent.RefUpdated("local", "demo", ref, "0", SHA, "1"), HEADS);
  }

  static TierPolicy.Decision push(String ref) {
    return push(POLICY, ref);
  }

  static TierPolicy.Decision propose(String ref) {
    return POLICY.decide(
        new TriggerEvent.ChangeProposed("local", "demo", "main", "c1", "1", SHA, ref), HEADS);
  }

  static void startsIn(TierPolicy.Decision d, PipelineName pipeline, Tier tier) {
    assertThat(d).isInstanceOf(TierPolicy.Decision.Start.class);
    TierPolicy.Decision.Start s = (TierPolicy.Decision.Start) d;
    assertThat(s.trigger().pipeline()).isEqualTo(pipeline);
    assertThat(s.tier()).isEqualTo(tier);
  }

  static void refused(TierPolicy.Decision d, String because) {
    assertThat(d).isInstanceOf(TierPolicy.Decision.Refused.class);
    assertThat(d.refusal().orElseThrow()).contains(because);
  }

  @Test
  void each_pipeline_has_its_fixed_tier() {
    assertThat(TierPolicy.tierOf(PipelineName.CHECK)).isEqualTo(Tier.UNTRUSTED);
    assertThat(TierPolicy.tierOf(PipelineName.GATE)).isEqualTo(Tier.TRUSTED);
    assertThat(TierPolicy.tierOf(PipelineName.POST)).isEqualTo(Tier.TRUSTED);
    assertThat(TierPolicy.tierOf(PipelineName.PERIODIC)).isEqualTo(Tier.TRUSTED);
    assertThat(TierPolicy.tierOf(PipelineName.RELEASE)).isEqualTo(Tier.PRIVILEGED);
  }

  @Test
  void a_branch_update_starts_post_and_a_matching_tag_starts_release() {
    startsIn(push("refs/heads/main"), PipelineName.POST, Tier.TRUSTED);
    startsIn(push("refs/heads/stable/2.x"), PipelineName.POST, Tier.TRUSTED);
    startsIn(push("refs/tags/v1.0"), PipelineName.RELEASE, Tier.PRIVILEGED);
    startsIn(propose("refs/for/main"), PipelineName.CHECK, Tier.UNTRUSTED);
    startsIn(propose("refs/changes/01/1/1"), PipelineName.CHECK, Tier.UNTRUSTED);
  }

  @Test
  void a_branch_named_like_a_protected_tag_never_becomes_a_release() {
    // A branch is a branch: at most post (trusted), never release (privileged).
    startsIn(push("refs/heads/v1.0"), PipelineName.POST, Tier.TRUSTED);
    refused(push("refs/heads/refs/tags/v1.0"), "ambiguous");
    refused(push("refs/heads/tags/v1"), "ambiguous");
    refused(push("refs/heads/tags/v1.0"), "ambiguous");
    refused(push("refs/heads/heads/main"), "ambiguous");
    refused(push("refs/heads/HEAD"), "ambiguous");
  }

  @Test
  void a_tag_named_like_a_branch_starts_nothing() {
    refused(push("refs/tags/main"), "does not match the release pattern v*");
    refused(push("refs/tags/heads/main"), "ambiguous");
    refused(push("refs/tags/refs/tags/v1"), "ambiguous");
    refused(push("refs/tags/release/v1"), "does not match");
  }

  @Test
  void the_release_pattern_matches_the_whole_tag_name_not_a_suffix_or_a_look_alike() {
    refused(push("refs/tags/xv1.0"), "does not match");
    refused(push("refs/tags/V1.0"), "does not match");
    refused(push("refs/tags/nightly/v1.0"), "does not match");
    refused(push("refs/tags/\uff561.0"), "ASCII"); // fullwidth v
    refused(push("refs/tags/v1\u20240"), "ASCII"); // one dot leader
    refused(push("refs/tags/\u0076\u200b1.0"), "invisible"); // v, zero-width space
    refused(push("refs/heads/refs/tags/v1.0"), "ambiguous");
    refused(push("refs/remotes/origin/v1.0"), "neither a branch");
    refused(push("refs/notes/v1.0"), "neither a branch");
    refused(push("refs/tags/"), "git ref name");
  }

  @Test
  void proposed_changes_run_check_only_from_proposal_refs() {
    startsIn(propose("refs/for/refs/tags/v1"), PipelineName.CHECK, Tier.UNTRUSTED);
    startsIn(propose("refs/for/main/topic"), PipelineName.CHECK, Tier.UNTRUSTED);
    refused(propose("refs/heads/main"), "check runs on a proposed change");
    refused(propose("refs/tags/v1.0"), "check runs on a proposed change");
    refused(propose("refs/for/"), "git ref name");
    refused(propose("refs/for"), "check runs on a proposed change");
    TierPolicy.Decision recheck =
        POLICY.decide(
            new TriggerEvent.Recheck(
                "local", "demo", "main", "c1", "1", SHA, "refs/tags/v1.0", "eve", "1"),
            HEADS);
    refused(recheck, "check runs on a proposed change");
  }

  @Test
  void malformed_names_start_nothing() {
    for (String bad :
        List.of(
            "refs/heads/../tags/v1",
            "refs/heads/a..b",
            "refs/heads/.hidden",
            "refs/heads/x.lock",
            "refs/heads/a//b",
            "refs/heads/main/",
            "refs/heads/main.",
            "refs/heads/a b",
            "refs/heads/a\tb",
            "refs/heads/a\nb",
            "refs/heads/a~1",
            "refs/heads/a^",
            "refs/heads/a:b",
            "refs/heads/a?",
            "refs/heads/a*",
            "refs/heads/a[b",
            "refs/heads/a\\b",
            "refs/heads/a@{1}",
            "refs/heads/\u202emain",
            "refs/heads/ma\u200din",
            "refs/heads/a\u00a0b",
            "refs/heads/\ue000",
            "heads/main",
            "main",
            "REFS/HEADS/main",
            "refs/Heads/main",
            "refs/TAGS/v1.0",
            "",
            "refs/heads/" + "x".repeat(1100))) {
      assertThat(push(bad)).as(bad).isInstanceOf(TierPolicy.Decision.Refused.class);
    }
  }

  @Test
  void non_ascii_branch_names_are_still_just_branches() {
    startsIn(push("refs/heads/f\u00fcr-m\u00fcller"), PipelineName.POST, Tier.TRUSTED);
  }

  @Test
  void deletes_abandons_and_votes_start_nothing_without_a_complaint() {
    assertThat(
            POLICY.decide(
                new TriggerEvent.RefUpdated(
                    "local", "demo", "refs/heads/main", SHA, Trigger.ZEROS, "1"),
                HEADS))
        .isInstanceOf(TierPolicy.Decision.Nothing.class);
    assertThat(POLICY.decide(new TriggerEvent.ChangeAbandoned("local", "demo", "c1", "1"), HEADS))
        .isInstanceOf(TierPolicy.Decision.Nothing.class);
    assertThat(
            POLICY.decide(
                new TriggerEvent.ApprovalsChanged(
                    "local", "demo", "main", "c1", "1", SHA, Map.of("Code-Review", 2), "1"),
                HEADS))
        .isInstanceOf(TierPolicy.Decision.Nothing.class);
  }

  @Test
  void only_protected_refs_start_trusted_pipelines_when_the_operator_lists_them() {
    TierPolicy p =
        new TierPolicy(
            Glob.of("v*"),
            List.of(Glob.of("refs/heads/main"), Glob.of("refs/heads/stable/*")),
            (c, pr) -> true,
            Map.of());
    startsIn(push(p, "refs/heads/main"), PipelineName.POST, Tier.TRUSTED);
    startsIn(push(p, "refs/heads/stable/2.x"), PipelineName.POST, Tier.TRUSTED);
    refused(push(p, "refs/heads/feature"), "not a protected ref");
    refused(push(p, "refs/heads/stable/2.x/evil"), "not a protected ref");
    refused(push(p, "refs/heads/mainx"), "not a protected ref");
    refused(push(p, "refs/heads/refs/heads/main"), "ambiguous");
    refused(
        p.decide(new TriggerEvent.Periodic("local", "demo", "feature", Instant.EPOCH), HEADS),
        "not a protected ref");
    startsIn(
        p.decide(new TriggerEvent.Periodic("local", "demo", "main", Instant.EPOCH), HEADS),
        PipelineName.PERIODIC,
        Tier.TRUSTED);
  }

  @Test
  void events_of_projects_not_served_start_nothing() {
    TierPolicy p =
        new TierPolicy(
            Glob.of("v*"),
            TierPolicy.ALL_BRANCHES,
            (c, pr) -> c.equals("local") && pr.equals("demo"),
            Map.of());
    startsIn(push(p, "refs/heads/main"), PipelineName.POST, Tier.TRUSTED);
    refused(
        p.decide(
            new TriggerEvent.RefUpdated("local", "other", "refs/heads/main", "0", SHA, "1"), HEADS),
        "not served");
    refused(
        p.decide(
            new TriggerEvent.RefUpdated("review", "demo", "refs/tags/v1.0", "0", SHA, "1"), HEADS),
        "not served");
  }

  @Test
  void
      an_embargoed_change_from_the_admin_api_is_a_privileged_release_though_its_connection_serves_nothing() {
    TierPolicy p =
        new TierPolicy(
            Glob.of("v*"),
            TierPolicy.ALL_BRANCHES,
            (c, pr) -> c.equals("local") && pr.equals("demo"),
            Map.of());
    startsIn(
        p.decide(
            new TriggerEvent.Embargoed(
                TriggerEvent.EMBARGOED, "demo", "local", "refs/heads/main", SHA, "e1", "admin"),
            HEADS),
        PipelineName.RELEASE,
        Tier.PRIVILEGED);
  }

  @Test
  void manual_triggers_get_the_tier_of_the_pipeline_only_on_a_ref_that_fits_it() {
    TierPolicy.Decision rel = POLICY.decide(manual(PipelineName.RELEASE, "refs/tags/v2"), HEADS);
    startsIn(rel, PipelineName.RELEASE, Tier.PRIVILEGED);
    refused(
        POLICY.decide(manual(PipelineName.RELEASE, "refs/heads/v2"), HEADS),
        "release runs on a tag");
    refused(
        POLICY.decide(manual(PipelineName.RELEASE, "refs/heads/refs/tags/v2"), HEADS),
        "release runs on a tag");
    refused(
        POLICY.decide(manual(PipelineName.POST, "refs/tags/v2"), HEADS), "post runs on a branch");
    refused(
        POLICY.decide(manual(PipelineName.POST, "refs/for/main"), HEADS), "post runs on a branch");
    refused(
        POLICY.decide(manual(PipelineName.CHECK, "refs/heads/main"), HEADS),
        "check runs on a proposed change");
    refused(
        POLICY.decide(manual(PipelineName.GATE, "refs/heads/main"), HEADS),
        "gate is entered by approval");
    startsIn(
        POLICY.decide(manual(PipelineName.CHECK, "refs/for/main"), HEADS),
        PipelineName.CHECK,
        Tier.UNTRUSTED);
    assertThat(POLICY.refMismatch(PipelineName.RELEASE, "refs/tags/V2")).isPresent();
    assertThat(POLICY.refMismatch(PipelineName.PERIODIC, "refs/heads/main")).isEmpty();
  }

  @Test
  void untrusted_never_gets_a_network_and_the_others_follow_the_config() {
    TierPolicy p =
        new TierPolicy(
            Glob.of("v*"),
            TierPolicy.ALL_BRANCHES,
            (c, pr) -> true,
            Map.of(Tier.UNTRUSTED, true, Tier.TRUSTED, false));
    assertThat(p.network(Tier.UNTRUSTED)).isFalse();
    assertThat(p.network(Tier.TRUSTED)).isFalse();
    assertThat(p.network(Tier.PRIVILEGED)).isTrue();
    assertThat(POLICY.network(Tier.UNTRUSTED)).isFalse();
    assertThat(POLICY.network(Tier.TRUSTED)).isTrue();
  }

  static TriggerEvent.Manual manual(PipelineName pipeline, String ref) {
    return new TriggerEvent.Manual(
        "local", "demo", pipeline, ref, SHA, Optional.empty(), Optional.empty(), "admin", "n1");
  }
}
