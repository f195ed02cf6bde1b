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
  private final Map<String, java.time.Instant> setAt = new java.util.HashMap<>();
  private final java.time.Clock clock;

  public InMemorySecretStore() {
    this(java.time.Clock.systemUTC());
  }

  /** A store that records when each value was set by {@code clock}. */
  public InMemorySecretStore(java.time.Clock clock) {
    this.clock = clock;
  }

  private static String key(String connection, String project, String name) {
    return connection + "\u0000" + project + "\u0000" + name;
  }

  @Override
  public synchronized void put(SecretBinding binding, SecretValue value) {
    String k = key(binding.connection(), binding.project(), binding.name());
    slots.put(k, new Secret(binding, value));
    setAt.put(k, clock.instant());
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
  public synchronized List<Listed> listWithTimes(Optional<String> project) {
    return list(project).stream()
        .map(
            b ->
                new Listed(
                    b, Optional.ofNullable(setAt.get(key(b.connection(), b.project(), b.name())))))
        .toList();
  }

  @Override
  public synchronized boolean delete(String connection, String project, String name) {
    setAt.remove(key(connection, project, name));
    return slots.remove(key(connection, project, name)) != null;
  }
}
