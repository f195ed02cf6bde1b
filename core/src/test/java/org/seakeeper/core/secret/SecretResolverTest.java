package org.seakeeper.core.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;

class SecretResolverTest {
  /** A map-backed store; a value of "BROKEN" cannot be read. */
  private static SecretStore store(Map<String, SecretStore.Secret> m) {
    return new SecretStore() {
      @Override
      public void put(SecretBinding binding, SecretValue value) {
        m.put(binding.name(), new Secret(binding, value));
      }

      @Override
      public Optional<Secret> get(String connection, String project, String name) {
        Secret s = m.get(name);
        if (s != null && s.value().equals(SecretValue.of("BROKEN"))) {
          throw new UnreadableSecretException("the stored value fails its integrity check", null);
        }
        return Optional.ofNullable(s).filter(x -> x.binding().isSlot(connection, project, name));
      }

      @Override
      public List<SecretBinding> list(Optional<String> project) {
        return m.values().stream().map(Secret::binding).toList();
      }

      @Override
      public boolean delete(String connection, String project, String name) {
        return m.remove(name) != null;
      }
    };
  }

  private static final SecretPolicy.BuildContext POST =
      new SecretPolicy.BuildContext("local", "demo", PipelineName.POST, Tier.TRUSTED);

  @Test
  void all_declared_secrets_are_granted_in_declaration_order() {
    SecretStore s = store(new HashMap<>());
    s.put(SecretBinding.of("local", "demo", "b"), SecretValue.of("bee"));
    s.put(SecretBinding.of("local", "demo", "a"), SecretValue.of("ay"));
    var r = SecretResolver.resolve(s, POST, List.of("b", "a"));
    assertThat(r).isInstanceOf(SecretResolver.Resolution.Granted.class);
    assertThat(((SecretResolver.Resolution.Granted) r).values().keySet()).containsExactly("b", "a");
  }

  @Test
  void one_missing_or_refused_secret_refuses_them_all_and_says_which() {
    SecretStore s = store(new HashMap<>());
    s.put(SecretBinding.of("local", "demo", "ok"), SecretValue.of("fine"));
    s.put(
        new SecretBinding("local", "demo", "rel", java.util.Set.of(PipelineName.RELEASE)),
        SecretValue.of("r"));
    var r = SecretResolver.resolve(s, POST, List.of("ok", "rel", "gone"));
    assertThat(r).isInstanceOf(SecretResolver.Resolution.Refused.class);
    assertThat(((SecretResolver.Resolution.Refused) r).detail())
        .contains(
            "secret 'rel' is not granted to this post build: its pipelines are release, not post")
        .contains("secret 'gone' is not set for project demo of connection local")
        .doesNotContain("'ok'");
  }

  @Test
  void an_unreadable_secret_is_never_handed_out() {
    SecretStore s = store(new HashMap<>());
    s.put(SecretBinding.of("local", "demo", "t"), SecretValue.of("BROKEN"));
    var r = SecretResolver.resolve(s, POST, List.of("t"));
    assertThat(r)
        .isEqualTo(
            new SecretResolver.Resolution.Unreadable(
                "secret 't' cannot be read: the stored value fails its integrity check"));
  }
}
