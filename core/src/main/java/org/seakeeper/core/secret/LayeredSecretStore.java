package org.seakeeper.core.secret;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The secrets the scheduler looks up: the admin's store ({@code secrets set}, the API) over the
 * secrets of the trusted config repo's merged file. <b>The admin store wins</b>: a slot set by an
 * admin hides the config repo's entry of the same slot, so an admin can replace a leaked value at
 * once, and a config repo change can never displace an admin's secret. Both kinds go through the
 * same {@link SecretPolicy} (the scheduler's {@link SecretResolver} does not know where a secret
 * came from).
 *
 * <p>Writes go to the admin store only; the config repo's secrets change only when its branch
 * moves. Thread-safe as its parts.
 */
public final class LayeredSecretStore implements SecretStore {
  private final SecretStore admin;
  private final Supplier<ConfigSecrets> repo;

  /**
   * @param repo the config repo's secrets in force now (read on every lookup)
   */
  public LayeredSecretStore(SecretStore admin, Supplier<ConfigSecrets> repo) {
    this.admin = admin;
    this.repo = repo;
  }

  @Override
  public void put(SecretBinding binding, SecretValue value) {
    admin.put(binding, value);
  }

  @Override
  public Optional<Secret> get(String connection, String project, String name) {
    Optional<Secret> own = admin.get(connection, project, name);
    return own.isPresent() ? own : repo.get().get(connection, project, name);
  }

  /** The admin store's bindings and the config repo's that no admin slot hides, by slot. */
  @Override
  public List<SecretBinding> list(Optional<String> project) {
    List<SecretBinding> out = new ArrayList<>(admin.list(project));
    for (SecretBinding b : repo.get().list(project)) {
      if (out.stream().noneMatch(a -> a.isSlot(b.connection(), b.project(), b.name()))) {
        out.add(b);
      }
    }
    out.sort(ConfigSecrets.BY_SLOT);
    return out;
  }

  @Override
  public boolean delete(String connection, String project, String name) {
    return admin.delete(connection, project, name);
  }
}
