package org.seakeeper.core.secret;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The decrypted secrets of the trusted config repo's file that is in force (docs/contracts.md §2),
 * by slot. Only ever built from the merged file at the tip of the config repo's branch, never from
 * a proposed change. Immutable; {@link #toString} never shows a value.
 */
public final class ConfigSecrets {
  public static final ConfigSecrets EMPTY = new ConfigSecrets(List.of());

  private final Map<List<String>, SecretStore.Secret> bySlot = new LinkedHashMap<>();

  public ConfigSecrets(List<SecretStore.Secret> secrets) {
    for (SecretStore.Secret s : secrets) {
      SecretBinding b = s.binding();
      if (bySlot.putIfAbsent(slot(b.connection(), b.project(), b.name()), s) != null) {
        throw new IllegalArgumentException(
            "secret '"
                + b.name()
                + "' of "
                + b.connection()
                + "/"
                + b.project()
                + " is defined twice");
      }
    }
  }

  private static List<String> slot(String connection, String project, String name) {
    return List.of(connection, project, name);
  }

  public Optional<SecretStore.Secret> get(String connection, String project, String name) {
    return Optional.ofNullable(bySlot.get(slot(connection, project, name)));
  }

  /**
   * The bindings (never values) of a project, or of every project when {@code project} is empty, by
   * slot.
   */
  public List<SecretBinding> list(Optional<String> project) {
    return bySlot.values().stream()
        .map(SecretStore.Secret::binding)
        .filter(b -> project.isEmpty() || b.project().equals(project.get()))
        .sorted(BY_SLOT)
        .toList();
  }

  public int size() {
    return bySlot.size();
  }

  static final Comparator<SecretBinding> BY_SLOT =
      Comparator.comparing(SecretBinding::connection)
          .thenComparing(SecretBinding::project)
          .thenComparing(SecretBinding::name);

  @Override
  public String toString() {
    return "ConfigSecrets[" + bySlot.size() + " secrets, values hidden]";
  }
}
