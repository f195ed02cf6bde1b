package org.seakeeper.core.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.Tier;

class DependencyCheckoutTest {
  static final Checkout AT =
      Checkout.gitCommit("/repos/lib", "0123456789012345678901234567890123456789");

  @Test
  void a_dependency_checkout_path_stays_below_seakeeper_deps() {
    assertThat(new DependencyCheckout("review", "org/lib", AT).relativePath())
        .isEqualTo("review/org/lib");
    for (String project :
        List.of("../etc", "org/../../x", "/abs", "a//b", "a/./b", "a/", "a b", "")) {
      assertThatThrownBy(() -> new DependencyCheckout("review", project, AT))
          .as(project)
          .isInstanceOf(IllegalArgumentException.class);
    }
    for (String connection : List.of("..", "a/b", "", ".hidden")) {
      assertThatThrownBy(() -> new DependencyCheckout(connection, "lib", AT))
          .as(connection)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void a_request_keeps_its_dependencies_through_with_secrets_and_refuses_two_of_one_repository() {
    ExecutionRequest r =
        new ExecutionRequest(
            "id",
            "job",
            "true",
            Duration.ofSeconds(1),
            "host",
            Tier.UNTRUSTED,
            false,
            Map.of(),
            Checkout.directory("/w"),
            List.of());
    assertThat(r.dependencies()).isEmpty();
    ExecutionRequest with =
        r.withDependencies(List.of(new DependencyCheckout("review", "lib", AT)))
            .withSecrets(Map.of());
    assertThat(with.dependencies()).hasSize(1);
    assertThatThrownBy(
            () ->
                r.withDependencies(
                    List.of(
                        new DependencyCheckout("review", "lib", AT),
                        new DependencyCheckout("review", "lib", AT))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
