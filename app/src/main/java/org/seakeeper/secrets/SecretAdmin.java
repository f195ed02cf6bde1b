package org.seakeeper.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.core.secret.SecretStore;
import org.seakeeper.core.secret.SecretValue;

/**
 * What an admin may do with secrets, shared by the API ({@code /api/v1/secrets}) and {@code
 * seakeeper secrets} when no server runs: set (checking the connection and project are served),
 * list bindings (never values) and delete; and the public key anyone may encrypt config repo
 * secrets to. Thread-safe as its store.
 */
public final class SecretAdmin {
  /** The answer to an admin: an HTTP-like status, an error code when refused, and a sentence. */
  public record Outcome(int status, String error, String message) {
    public boolean ok() {
      return status < 300;
    }
  }

  private final ServerConfig cfg;
  private final SecretStore store;
  private final ServerKey serverKey;

  public SecretAdmin(ServerConfig cfg, SecretStore store) {
    this(cfg, store, null);
  }

  /**
   * @param serverKey the key pair the trusted config repo's secrets are encrypted to; null when
   *     none
   */
  public SecretAdmin(ServerConfig cfg, SecretStore store, ServerKey serverKey) {
    this.cfg = cfg;
    this.store = store;
    this.serverKey = serverKey;
  }

  /**
   * The server's public key as PEM, for {@code seakeeper secrets encrypt} (made on first use);
   * empty when this server has none.
   *
   * @throws SecretSealer.SealException when the key file cannot be read or made
   */
  public Optional<String> publicKeyPem() {
    return Optional.ofNullable(serverKey).map(k -> ServerKey.pem(k.publicKey()));
  }

  /**
   * Stores {@code value} for the slot; {@code pipelines} empty means the default scope (post,
   * periodic, release).
   */
  public Outcome set(
      String connection, String project, String name, Optional<String> pipelines, byte[] value) {
    Optional<Outcome> unknown = unknownSlot(connection, project);
    if (unknown.isPresent()) {
      return unknown.get();
    }
    List<String> problems = new ArrayList<>();
    Set<PipelineName> scope =
        pipelines
            .map(p -> SecretBinding.parsePipelines(p, problems))
            .orElse(SecretBinding.DEFAULT_SCOPE);
    problems.addAll(SecretBinding.problems(connection, project, name, scope));
    if (value.length == 0) {
      problems.add("the value is empty");
    } else if (value.length > SecretValue.MAX_BYTES) {
      // nothing about the value itself (not even its length) goes into an answer
      problems.add(
          "the value is longer than the " + SecretValue.MAX_BYTES + " bytes a secret holds");
    }
    if (!problems.isEmpty()) {
      return new Outcome(422, "invalid_secret", String.join("; ", problems));
    }
    SecretBinding b = new SecretBinding(connection, project, name, scope);
    store.put(b, SecretValue.of(value));
    return new Outcome(
        200,
        null,
        "secret '"
            + name
            + "' of "
            + connection
            + "/"
            + project
            + " set for "
            + String.join(", ", b.pipelineIds()));
  }

  public List<SecretBinding> list(Optional<String> project) {
    return store.list(project);
  }

  /** The bindings of {@code project} with when each value was set (never the values). */
  public List<SecretStore.Listed> listWithTimes(String project) {
    return store.listWithTimes(Optional.of(project));
  }

  public Outcome delete(String connection, String project, String name) {
    if (store.delete(connection, project, name)) {
      return new Outcome(
          200, null, "secret '" + name + "' of " + connection + "/" + project + " deleted");
    }
    return new Outcome(
        404,
        "not_found",
        "no secret '" + name + "' for project " + project + " of connection " + connection);
  }

  /** A 404 when the config serves no such connection or project (a typo would otherwise hide). */
  private Optional<Outcome> unknownSlot(String connection, String project) {
    Optional<ServerConfig.Connection> c =
        cfg.connections().stream().filter(x -> x.name().equals(connection)).findFirst();
    if (c.isEmpty()) {
      List<String> names = cfg.connections().stream().map(ServerConfig.Connection::name).toList();
      return Optional.of(
          new Outcome(
              404,
              "unknown_connection",
              "the server config has no connection '"
                  + connection
                  + "'"
                  + (names.isEmpty() ? "" : "; it has " + String.join(", ", names))));
    }
    boolean served =
        "gerrit".equals(c.get().type())
            ? c.get().serves(project)
            : c.get().repos().stream().anyMatch(r -> r.name().equals(project));
    if (!served) {
      return Optional.of(
          new Outcome(
              404,
              "unknown_project",
              "connection '" + connection + "' serves no project '" + project + "'"));
    }
    return Optional.empty();
  }

  /** The connection to use when the admin names none: the config's only one, or {@code local}. */
  public static String defaultConnection(ServerConfig cfg) {
    return cfg.connections().size() == 1 ? cfg.connections().getFirst().name() : "local";
  }
}
