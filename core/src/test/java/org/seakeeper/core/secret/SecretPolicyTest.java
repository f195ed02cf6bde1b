package org.seakeeper.core.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.secret.SecretPolicy.BuildContext;
import org.seakeeper.core.secret.SecretPolicy.Decision;

class SecretPolicyTest {
  private static final SecretBinding DEFAULT = SecretBinding.of("local", "demo", "token");
  private static final SecretBinding WITH_GATE =
      new SecretBinding("local", "demo", "token", EnumSet.of(PipelineName.GATE, PipelineName.POST));

  private static Decision decide(SecretBinding s, PipelineName p, Tier t) {
    return SecretPolicy.decide(s, new BuildContext("local", "demo", p, t));
  }

  @Test
  void the_default_scope_is_post_periodic_and_release() {
    assertThat(DEFAULT.pipelines())
        .containsExactlyInAnyOrder(PipelineName.POST, PipelineName.PERIODIC, PipelineName.RELEASE);
    assertThat(decide(DEFAULT, PipelineName.POST, Tier.TRUSTED).granted()).isTrue();
    assertThat(decide(DEFAULT, PipelineName.PERIODIC, Tier.TRUSTED).granted()).isTrue();
    assertThat(decide(DEFAULT, PipelineName.RELEASE, Tier.PRIVILEGED).granted()).isTrue();
  }

  @Test
  void check_never_gets_a_secret_whatever_the_tier() {
    for (Tier t : Tier.values()) {
      assertThat(decide(DEFAULT, PipelineName.CHECK, t)).isInstanceOf(Decision.Refused.class);
      assertThat(decide(WITH_GATE, PipelineName.CHECK, t)).isInstanceOf(Decision.Refused.class);
    }
  }

  @Test
  void the_untrusted_tier_never_gets_a_secret_whatever_the_pipeline() {
    for (PipelineName p : PipelineName.values()) {
      Decision d =
          decide(
              new SecretBinding(
                  "local", "demo", "token", EnumSet.complementOf(EnumSet.of(PipelineName.CHECK))),
              p,
              Tier.UNTRUSTED);
      assertThat(d).isInstanceOf(Decision.Refused.class);
    }
    assertThat(((Decision.Refused) decide(DEFAULT, PipelineName.POST, Tier.UNTRUSTED)).reason())
        .contains("untrusted tier");
  }

  @Test
  void gate_only_when_an_admin_added_it_explicitly() {
    Decision d = decide(DEFAULT, PipelineName.GATE, Tier.TRUSTED);
    assertThat(d).isInstanceOf(Decision.Refused.class);
    assertThat(((Decision.Refused) d).reason()).contains("not gate").contains("add 'gate'");
    assertThat(decide(WITH_GATE, PipelineName.GATE, Tier.TRUSTED).granted()).isTrue();
  }

  @Test
  void a_pipeline_outside_the_scope_is_refused() {
    SecretBinding onlyRelease =
        new SecretBinding("local", "demo", "token", Set.of(PipelineName.RELEASE));
    assertThat(decide(onlyRelease, PipelineName.POST, Tier.TRUSTED))
        .isEqualTo(new Decision.Refused("its pipelines are release, not post"));
    assertThat(decide(onlyRelease, PipelineName.RELEASE, Tier.PRIVILEGED).granted()).isTrue();
  }

  @Test
  void a_secret_of_another_project_or_connection_is_never_granted() {
    assertThat(
            SecretPolicy.decide(
                DEFAULT, new BuildContext("local", "other", PipelineName.POST, Tier.TRUSTED)))
        .isInstanceOf(Decision.Refused.class);
    assertThat(
            SecretPolicy.decide(
                DEFAULT, new BuildContext("review", "demo", PipelineName.POST, Tier.TRUSTED)))
        .isInstanceOf(Decision.Refused.class);
  }
}
