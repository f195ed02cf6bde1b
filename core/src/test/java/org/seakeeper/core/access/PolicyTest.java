package org.seakeeper.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.Grant;
import org.seakeeper.core.model.Role;

class PolicyTest {
  static final Policy POLICY =
      new Policy(
          List.of(
              new Grant(Role.MAINTAINER, Optional.of("demo"), "user:mia"),
              new Grant(Role.DEVELOPER, Optional.of("demo"), "group:devs"),
              new Grant(Role.DEVELOPER, Optional.of("secret"), "user:dana"),
              new Grant(Role.SECURITY, Optional.empty(), "group:sec"),
              new Grant(Role.DEPLOYER, Optional.of("demo"), "user:dep"),
              new Grant(Role.ADMIN, Optional.empty(), "group:ci-admins")),
          Set.of("secret"));

  static Identity person(String user, String... groups) {
    return Identity.person(user, Set.of(groups), "session");
  }

  @Test
  void anonymous_reads_public_projects_only_and_is_asked_to_log_in_for_changes() {
    assertThat(POLICY.decide(Identity.ANONYMOUS, Action.READ_PROJECT, Target.project("demo")))
        .isEqualTo(Decision.ALLOW);
    assertThat(POLICY.decide(Identity.ANONYMOUS, Action.READ_PROJECT, Target.project("secret")))
        .isEqualTo(Decision.HIDDEN);
    assertThat(
            POLICY.decide(
                Identity.ANONYMOUS, Action.BUILD_RETRY, Target.build("demo", Optional.empty())))
        .isEqualTo(Decision.UNAUTHENTICATED);
  }

  @Test
  void a_private_project_is_hidden_from_people_without_a_role_on_it_whatever_the_action() {
    Identity mia = person("mia");
    assertThat(POLICY.decide(mia, Action.BUILD_CANCEL, Target.build("secret", Optional.empty())))
        .isEqualTo(Decision.HIDDEN);
    assertThat(POLICY.decide(person("dana"), Action.READ_PROJECT, Target.project("secret")))
        .isEqualTo(Decision.ALLOW);
    assertThat(POLICY.hiddenFrom(mia)).containsExactly("secret");
    assertThat(POLICY.hiddenFrom(person("x", "sec"))).isEmpty(); // a global role sees all
  }

  @Test
  void developers_retry_their_own_changes_and_recheck_maintainers_anything_of_their_project() {
    Identity dev = person("dev", "devs");
    assertThat(POLICY.decide(dev, Action.BUILD_RETRY, Target.build("demo", Optional.of("dev"))))
        .isEqualTo(Decision.ALLOW);
    assertThat(POLICY.decide(dev, Action.BUILD_RETRY, Target.build("demo", Optional.of("eve"))))
        .isEqualTo(Decision.FORBIDDEN);
    assertThat(POLICY.decide(dev, Action.TRIGGER, Target.trigger("demo", "check")))
        .isEqualTo(Decision.ALLOW);
    assertThat(POLICY.decide(dev, Action.TRIGGER, Target.trigger("demo", "post")))
        .isEqualTo(Decision.FORBIDDEN);
    Identity mia = person("mia");
    assertThat(POLICY.decide(mia, Action.BUILD_CANCEL, Target.build("demo", Optional.empty())))
        .isEqualTo(Decision.ALLOW);
    assertThat(POLICY.decide(mia, Action.TRIGGER, Target.trigger("demo", "release")))
        .isEqualTo(Decision.ALLOW);
    assertThat(POLICY.decide(mia, Action.SECRET_SET, Target.project("demo")))
        .isEqualTo(Decision.ALLOW);
    assertThat(POLICY.decide(mia, Action.SECRET_SET, Target.project("other")))
        .isEqualTo(Decision.FORBIDDEN);
    assertThat(POLICY.decide(mia, Action.AUDIT_READ, Target.NONE)).isEqualTo(Decision.FORBIDDEN);
  }

  @Test
  void a_developer_cancels_and_retries_only_builds_of_changes_they_own_by_exact_name() {
    Identity dev = person("dev", "devs");
    for (Action a : List.of(Action.BUILD_CANCEL, Action.BUILD_RETRY)) {
      // own: the recorded owner is exactly the user's name
      assertThat(POLICY.decide(dev, a, Target.build("demo", Optional.of("dev"))))
          .isEqualTo(Decision.ALLOW);
      // another's, an unknown owner, a name that differs only in case: refused
      assertThat(POLICY.decide(dev, a, Target.build("demo", Optional.of("eve"))))
          .isEqualTo(Decision.FORBIDDEN);
      assertThat(POLICY.decide(dev, a, Target.build("demo", Optional.empty())))
          .isEqualTo(Decision.FORBIDDEN);
      assertThat(POLICY.decide(dev, a, Target.build("demo", Optional.of("Dev"))))
          .isEqualTo(Decision.FORBIDDEN);
      // own change, but no developer role on that project: refused
      assertThat(POLICY.decide(dev, a, Target.build("other", Optional.of("dev"))))
          .isEqualTo(Decision.FORBIDDEN);
      // an owner recorded as an email matches a user whose name is that email
      assertThat(
              POLICY.decide(
                  person("dev@example.com", "devs"),
                  a,
                  Target.build("demo", Optional.of("dev@example.com"))))
          .isEqualTo(Decision.ALLOW);
      // a maintainer does not need to own it; a deployer of the project owning it is no developer
      assertThat(POLICY.decide(person("mia"), a, Target.build("demo", Optional.of("eve"))))
          .isEqualTo(Decision.ALLOW);
      assertThat(POLICY.decide(person("dep"), a, Target.build("demo", Optional.of("dep"))))
          .isEqualTo(Decision.FORBIDDEN);
    }
  }

  @Test
  void security_deployer_and_admin_roles() {
    assertThat(POLICY.decide(person("s", "sec"), Action.EMBARGO_SUBMIT, Target.NONE))
        .isEqualTo(Decision.ALLOW);
    assertThat(POLICY.decide(person("mia"), Action.EMBARGO_SUBMIT, Target.NONE))
        .isEqualTo(Decision.FORBIDDEN);
    assertThat(POLICY.decide(person("dep"), Action.ARTIFACT_PROMOTE, Target.project("demo")))
        .isEqualTo(Decision.ALLOW);
    assertThat(POLICY.decide(person("dep"), Action.BUILD_RETRY, Target.project("demo")))
        .isEqualTo(Decision.FORBIDDEN);
    for (Action a : Action.values()) {
      assertThat(POLICY.decide(person("root", "ci-admins"), a, Target.project("secret")))
          .isEqualTo(Decision.ALLOW);
      assertThat(POLICY.decide(Identity.ADMIN_TOKEN, a, Target.project("secret")))
          .isEqualTo(Decision.ALLOW);
    }
  }

  @Test
  void only_people_manage_their_own_tokens_and_roles_are_listed() {
    assertThat(POLICY.decide(person("x"), Action.TOKEN_OWN, Target.NONE)).isEqualTo(Decision.ALLOW);
    assertThat(POLICY.decide(Identity.ANONYMOUS, Action.TOKEN_OWN, Target.NONE))
        .isEqualTo(Decision.UNAUTHENTICATED);
    assertThat(POLICY.roles(person("dev", "devs", "sec")))
        .containsExactly("developer:demo", "security");
    assertThat(POLICY.roles(Identity.ADMIN_TOKEN)).containsExactly("admin");
  }
}
