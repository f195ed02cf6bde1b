package org.seakeeper.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.core.secret.SecretStore;
import org.seakeeper.core.secret.SecretValue;

/**
 * What every {@link SecretStore} does: the in-memory fake, H2 and PostgreSQL all pass these tests.
 */
public abstract class SecretStoreContract {
  /** A new, empty store. */
  protected abstract SecretStore secrets();

  private static final SecretBinding TOKEN = SecretBinding.of("local", "demo", "token");

  @Test
  void a_value_comes_back_as_it_was_put_with_its_binding() {
    SecretStore s = secrets();
    byte[] binary = {0, 1, 2, (byte) 0xff, '\n', 'x'};
    s.put(TOKEN, SecretValue.of(binary));
    assertThat(s.get("local", "demo", "token"))
        .contains(new SecretStore.Secret(TOKEN, SecretValue.of(binary)));
    assertThat(s.get("local", "demo", "other")).isEmpty();
  }

  @Test
  void slots_are_connection_project_and_name() {
    SecretStore s = secrets();
    s.put(TOKEN, SecretValue.of("demo's"));
    s.put(SecretBinding.of("local", "other", "token"), SecretValue.of("other's"));
    s.put(SecretBinding.of("review", "demo", "token"), SecretValue.of("review's"));
    assertThat(s.get("local", "demo", "token").orElseThrow().value())
        .isEqualTo(SecretValue.of("demo's"));
    assertThat(s.get("local", "other", "token").orElseThrow().value())
        .isEqualTo(SecretValue.of("other's"));
    assertThat(s.get("review", "demo", "token").orElseThrow().value())
        .isEqualTo(SecretValue.of("review's"));
  }

  @Test
  void put_replaces_the_value_and_the_scope() {
    SecretStore s = secrets();
    s.put(TOKEN, SecretValue.of("old"));
    SecretBinding wider =
        new SecretBinding("local", "demo", "token", Set.of(PipelineName.GATE, PipelineName.POST));
    s.put(wider, SecretValue.of("new"));
    assertThat(s.get("local", "demo", "token"))
        .contains(new SecretStore.Secret(wider, SecretValue.of("new")));
    assertThat(s.list(Optional.of("demo"))).containsExactly(wider);
  }

  @Test
  void list_gives_bindings_of_a_project_or_all_sorted_by_slot() {
    SecretStore s = secrets();
    s.put(SecretBinding.of("local", "demo", "b"), SecretValue.of("1"));
    s.put(SecretBinding.of("local", "demo", "a"), SecretValue.of("2"));
    s.put(SecretBinding.of("local", "other", "c"), SecretValue.of("3"));
    assertThat(s.list(Optional.of("demo")))
        .extracting(SecretBinding::name)
        .containsExactly("a", "b");
    assertThat(s.list(Optional.empty()))
        .extracting(SecretBinding::name)
        .containsExactly("a", "b", "c");
    assertThat(s.list(Optional.of("nobody"))).isEmpty();
  }

  @Test
  void a_listing_with_times_says_when_each_value_was_set_and_never_what_it_is() {
    SecretStore s = secrets();
    s.put(SecretBinding.of("local", "demo", "b"), SecretValue.of("1"));
    s.put(SecretBinding.of("local", "demo", "a"), SecretValue.of("2"));
    s.put(SecretBinding.of("local", "other", "c"), SecretValue.of("3"));
    List<SecretStore.Listed> listed = s.listWithTimes(Optional.of("demo"));
    assertThat(listed)
        .extracting(SecretStore.Listed::binding)
        .isEqualTo(s.list(Optional.of("demo")));
    assertThat(listed).allSatisfy(l -> assertThat(l.setAt()).isPresent());
    assertThat(s.listWithTimes(Optional.empty())).hasSize(3);
  }

  @Test
  void delete_removes_one_slot() {
    SecretStore s = secrets();
    s.put(TOKEN, SecretValue.of("x"));
    s.put(SecretBinding.of("local", "demo", "keep"), SecretValue.of("y"));
    assertThat(s.delete("local", "demo", "token")).isTrue();
    assertThat(s.delete("local", "demo", "token")).isFalse();
    assertThat(s.get("local", "demo", "token")).isEmpty();
    assertThat(s.list(Optional.empty())).extracting(SecretBinding::name).isEqualTo(List.of("keep"));
  }

  @Test
  void large_values_round_trip() {
    SecretStore s = secrets();
    byte[] big = new byte[SecretValue.MAX_BYTES];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    s.put(TOKEN, SecretValue.of(big));
    assertThat(s.get("local", "demo", "token").orElseThrow().value())
        .isEqualTo(SecretValue.of(big));
  }
}
