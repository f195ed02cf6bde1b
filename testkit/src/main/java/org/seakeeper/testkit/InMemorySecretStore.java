package org.seakeeper.testkit;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.core.secret.SecretStore;
import org.seakeeper.core.secret.SecretValue;

/**
 * The secret store for scenario tests: plain values in memory. Passes {@link SecretStoreContract}.
 * Thread-safe.
 */
public final class InMemorySecretStore implements SecretStore {
  private final Map<String, Secret> slots = new TreeMap<>();

  private static String key(String connection, String project, String name) {
    return connection + "\u0000" + project + "\u0000" + name;
  }

  @Override
  public synchronized void put(SecretBinding binding, SecretValue value) {
    slots.put(
        key(binding.connection(), binding.project(), binding.name()), new Secret(binding, value));
  }

  @Override
  public synchronized Optional<Secret> get(String connection, String project, String name) {
    return Optional.ofNullable(slots.get(key(connection, project, name)));
  }

  @Override
  public synchronized List<SecretBinding> list(Optional<String> project) {
    return slots.values().stream()
        .map(Secret::binding)
        .filter(b -> project.isEmpty() || b.project().equals(project.get()))
        .sorted(
            Comparator.comparing(SecretBinding::connection)
                .thenComparing(SecretBinding::project)
                .thenComparing(SecretBinding::name))
        .toList();
  }

  @Override
  public synchronized boolean delete(String connection, String project, String name) {
    return slots.remove(key(connection, project, name)) != null;
  }
}
