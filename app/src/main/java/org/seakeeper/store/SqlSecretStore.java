package org.seakeeper.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.core.secret.SecretStore;
import org.seakeeper.core.secret.SecretValue;
import org.seakeeper.secrets.SecretSealer;

/**
 * The {@link SecretStore} on the {@code secrets} table of the SQL store, values sealed by a {@link
 * SecretSealer} (AES-256-GCM with the key file) with associated data binding each value to its
 * connection, project, name and scope. A row that was changed, moved to another slot, or given a
 * wider scope in the database, or a wrong key, makes {@link #get} throw {@link
 * SecretStore.UnreadableSecretException}: it fails closed. Passes {@code SecretStoreContract}.
 * Thread-safe.
 */
public final class SqlSecretStore implements SecretStore {
  private static final byte[] AAD_LABEL = "seakeeper-secret/v1".getBytes(StandardCharsets.US_ASCII);

  private final Jdbi jdbi;
  private final SecretSealer sealer;
  private final Clock clock;

  SqlSecretStore(Jdbi jdbi, SecretSealer sealer, Clock clock) {
    this.jdbi = jdbi;
    this.sealer = sealer;
    this.clock = clock;
  }

  /** The associated data of a slot and scope: length-prefixed, so no two bindings share it. */
  static byte[] aad(String connection, String project, String name, Set<PipelineName> pipelines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(AAD_LABEL);
    for (String part : List.of(connection, project, name, pipelineList(pipelines))) {
      byte[] b = part.getBytes(StandardCharsets.UTF_8);
      out.write(b.length >>> 8);
      out.write(b.length);
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  static String pipelineList(Set<PipelineName> pipelines) {
    return String.join(",", EnumSet.copyOf(pipelines).stream().map(PipelineName::id).toList());
  }

  private static Set<PipelineName> pipelines(String list, String slot) {
    List<String> problems = new java.util.ArrayList<>();
    Set<PipelineName> p = SecretBinding.parsePipelines(list, problems);
    if (!problems.isEmpty()) {
      throw new UnreadableSecretException("the stored scope of " + slot + " is damaged", null);
    }
    return p;
  }

  @Override
  public void put(SecretBinding b, SecretValue value) {
    byte[] plain = value.bytes();
    byte[] sealed;
    try {
      sealed = sealer.seal(plain, aad(b.connection(), b.project(), b.name(), b.pipelines()));
    } finally {
      java.util.Arrays.fill(plain, (byte) 0);
    }
    String keyId = sealer.keyId();
    jdbi.useTransaction(
        h -> {
          h.createUpdate("DELETE FROM secrets WHERE connection = :c AND project = :p AND name = :n")
              .bind("c", b.connection())
              .bind("p", b.project())
              .bind("n", b.name())
              .execute();
          h.createUpdate(
                  "INSERT INTO secrets (connection, project, name, pipelines, key_id, sealed,"
                      + " updated_at) VALUES (:c, :p, :n, :pipelines, :key, :sealed, :at)")
              .bind("c", b.connection())
              .bind("p", b.project())
              .bind("n", b.name())
              .bind("pipelines", pipelineList(b.pipelines()))
              .bind("key", keyId)
              .bind("sealed", Base64.getEncoder().encodeToString(sealed))
              .bind("at", Sql.timestamp(clock.instant()))
              .execute();
        });
  }

  private record Row(
      String connection,
      String project,
      String name,
      String pipelines,
      String keyId,
      String sealed) {}

  @Override
  public Optional<Secret> get(String connection, String project, String name) {
    Optional<Row> row =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT connection, project, name, pipelines, key_id, sealed FROM secrets"
                            + " WHERE connection = :c AND project = :p AND name = :n")
                    .bind("c", connection)
                    .bind("p", project)
                    .bind("n", name)
                    .map(
                        (rs, ctx) ->
                            new Row(
                                rs.getString("connection"),
                                rs.getString("project"),
                                rs.getString("name"),
                                rs.getString("pipelines"),
                                rs.getString("key_id"),
                                rs.getString("sealed")))
                    .findOne());
    if (row.isEmpty()) {
      return Optional.empty();
    }
    Row r = row.get();
    String slot =
        "secret '" + name + "' of project " + project + " (connection " + connection + ")";
    Set<PipelineName> scope = pipelines(r.pipelines(), slot);
    byte[] plain;
    try {
      // The slot asked for, not the row's columns: a row copied under another name fails here.
      plain =
          sealer.open(
              Base64.getDecoder().decode(r.sealed()),
              aad(connection, project, name, scope),
              r.keyId());
    } catch (SecretSealer.SealException e) {
      throw new UnreadableSecretException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new UnreadableSecretException("the stored value of " + slot + " is damaged", e);
    }
    try {
      return Optional.of(
          new Secret(new SecretBinding(connection, project, name, scope), SecretValue.of(plain)));
    } catch (IllegalArgumentException e) {
      throw new UnreadableSecretException(
          "the stored binding of " + slot + " is invalid: " + e.getMessage(), e);
    } finally {
      java.util.Arrays.fill(plain, (byte) 0);
    }
  }

  @Override
  public List<SecretBinding> list(Optional<String> project) {
    String where = project.isPresent() ? " WHERE project = :p" : "";
    return jdbi.withHandle(
        h -> {
          var q =
              h.createQuery(
                  "SELECT connection, project, name, pipelines FROM secrets"
                      + where
                      + " ORDER BY connection, project, name");
          project.ifPresent(p -> q.bind("p", p));
          return q.map(
                  (rs, ctx) ->
                      new SecretBinding(
                          rs.getString("connection"),
                          rs.getString("project"),
                          rs.getString("name"),
                          pipelines(rs.getString("pipelines"), rs.getString("name"))))
              .list();
        });
  }

  @Override
  public List<Listed> listWithTimes(Optional<String> project) {
    String where = project.isPresent() ? " WHERE project = :p" : "";
    return jdbi.withHandle(
        h -> {
          var q =
              h.createQuery(
                  "SELECT connection, project, name, pipelines, updated_at FROM secrets"
                      + where
                      + " ORDER BY connection, project, name");
          project.ifPresent(p -> q.bind("p", p));
          return q.map(
                  (rs, ctx) ->
                      new Listed(
                          new SecretBinding(
                              rs.getString("connection"),
                              rs.getString("project"),
                              rs.getString("name"),
                              pipelines(rs.getString("pipelines"), rs.getString("name"))),
                          Sql.instant(rs, "updated_at")))
              .list();
        });
  }

  @Override
  public boolean delete(String connection, String project, String name) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "DELETE FROM secrets WHERE connection = :c AND project = :p AND name = :n")
                    .bind("c", connection)
                    .bind("p", project)
                    .bind("n", name)
                    .execute())
        > 0;
  }
}
