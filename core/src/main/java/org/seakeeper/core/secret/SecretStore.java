package org.seakeeper.core.secret;

import java.util.List;
import java.util.Optional;

/**
 * Where secrets are kept (docs/contracts.md §5 {@code secrets set}): one value per slot
 * (connection, project, name) with its scope. Implementations: the in-memory fake (testkit) and the
 * SQL store (app), which keeps values encrypted at rest; both pass the same contract tests.
 *
 * <p>Listing never returns values; only {@link #get} does, and only the scheduler calls it for a
 * build the {@link SecretPolicy} grants. Thread-safe.
 */
public interface SecretStore {
  /**
   * Stores (or replaces) the value of the binding's slot; the binding's scope replaces the old one.
   */
  void put(SecretBinding binding, SecretValue value);

  /**
   * The binding and value of a slot; empty when there is none.
   *
   * @throws UnreadableSecretException when the stored value cannot be decrypted or fails its
   *     integrity check (wrong key, tampered data): never a wrong value
   */
  Optional<Secret> get(String connection, String project, String name);

  /**
   * The bindings (never values) of a project, or of every project when {@code project} is empty, by
   * slot.
   */
  List<SecretBinding> list(Optional<String> project);

  /**
   * As {@link #list}, with when each value was last set (for the secrets page); a store that keeps
   * no time answers empty times.
   */
  default List<Listed> listWithTimes(Optional<String> project) {
    return list(project).stream().map(b -> new Listed(b, Optional.empty())).toList();
  }

  /** A listed secret: its binding (never its value) and when its value was last set. */
  record Listed(SecretBinding binding, Optional<java.time.Instant> setAt) {
    public Listed {
      java.util.Objects.requireNonNull(binding);
      java.util.Objects.requireNonNull(setAt);
    }
  }

  /** Deletes a slot; false when there was none. */
  boolean delete(String connection, String project, String name);

  /** A secret's binding and value. */
  record Secret(SecretBinding binding, SecretValue value) {}

  /**
   * A stored secret that cannot be read back as it was written; the message names the slot and why.
   */
  final class UnreadableSecretException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnreadableSecretException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A store with no secrets that refuses to keep any (servers and tests that do not use secrets).
   */
  SecretStore NONE =
      new SecretStore() {
        @Override
        public void put(SecretBinding binding, SecretValue value) {
          throw new UnsupportedOperationException("this server has no secret store");
        }

        @Override
        public Optional<Secret> get(String connection, String project, String name) {
          return Optional.empty();
        }

        @Override
        public List<SecretBinding> list(Optional<String> project) {
          return List.of();
        }

        @Override
        public boolean delete(String connection, String project, String name) {
          return false;
        }
      };
}
