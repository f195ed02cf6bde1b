package org.seakeeper.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.scheduler.TierPolicy;

/**
 * The server's tier policy is built from the trusted config: served projects, protected refs,
 * networks.
 */
class TierPolicyWiringTest {
  static final String SHA = "1234567890123456789012345678901234567890";

  static TierPolicy policy(String yaml) {
    var r = ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(r.problems()).isEmpty();
    return ServerRuntime.tierPolicy(r.config().orElseThrow());
  }

  static TierPolicy.Decision push(TierPolicy p, String connection, String project, String ref) {
    return p.decide(
        new TriggerEvent.RefUpdated(connection, project, ref, "0", SHA, "1"),
        (repo, r) -> Optional.of(SHA));
  }

  @Test
  void only_served_projects_and_protected_branches_start_trusted_builds() {
    TierPolicy p =
        policy(
            """
            repos: [{name: demo, path: /srv/demo.git}]
            connections:
              - {name: review, type: gerrit, url: "http://127.0.0.1:8081/", user: ci, http_password: x, ssh: {host: 127.0.0.1, key: /k}, projects: [core]}
            protected_refs: [refs/heads/main]
            pipelines: {release: {tags: "release-*"}}
            executors: {trusted: {network: false}}
            """);
    assertThat(push(p, "local", "demo", "refs/heads/main"))
        .isInstanceOf(TierPolicy.Decision.Start.class);
    assertThat(push(p, "review", "core", "refs/heads/main"))
        .isInstanceOf(TierPolicy.Decision.Start.class);
    assertThat(push(p, "local", "other", "refs/heads/main").refusal())
        .hasValueSatisfying(w -> assertThat(w).contains("not served"));
    assertThat(push(p, "review", "ext", "refs/heads/main").refusal())
        .hasValueSatisfying(w -> assertThat(w).contains("not served"));
    assertThat(push(p, "nowhere", "demo", "refs/heads/main").refusal()).isPresent();
    assertThat(push(p, "local", "demo", "refs/heads/feature").refusal())
        .hasValueSatisfying(w -> assertThat(w).contains("not a protected ref"));
    assertThat(push(p, "local", "demo", "refs/tags/v1.0").refusal())
        .hasValueSatisfying(w -> assertThat(w).contains("release-*"));
    assertThat(push(p, "local", "demo", "refs/tags/release-1"))
        .isInstanceOf(TierPolicy.Decision.Start.class);
    assertThat(p.network(Tier.UNTRUSTED)).isFalse();
    assertThat(p.network(Tier.TRUSTED)).isFalse();
    assertThat(p.network(Tier.PRIVILEGED)).isTrue();
  }
}
