package org.seakeeper.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.store.GateState;

/**
 * The gate's durable state on {@code gate_queue_items} and {@code gate_changes}, inside one
 * transaction's handle. A row of {@code gate_changes} lives while it holds approvals or a
 * rejection. Not thread-safe.
 */
final class SqlGateState implements GateState {
  private final Handle h;
  private final EventCodec codec;

  SqlGateState(Handle h, EventCodec codec) {
    this.h = h;
    this.codec = codec;
  }

  @Override
  public Map<String, List<TriggerEvent.ApprovalsChanged>> queues() {
    Map<String, List<TriggerEvent.ApprovalsChanged>> out = new LinkedHashMap<>();
    h.createQuery("SELECT queue, payload FROM gate_queue_items ORDER BY queue, position")
        .map((rs, ctx) -> Map.entry(rs.getString("queue"), rs.getString("payload")))
        .forEach(
            e ->
                out.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                    .add(approvals(e.getValue())));
    return out;
  }

  @Override
  public void saveQueue(String name, List<TriggerEvent.ApprovalsChanged> items) {
    h.createUpdate("DELETE FROM gate_queue_items WHERE queue = :queue")
        .bind("queue", name)
        .execute();
    int position = 0;
    for (TriggerEvent.ApprovalsChanged a : items) {
      h.createUpdate(
              "INSERT INTO gate_queue_items (queue, position, payload) VALUES (:queue, :position,"
                  + " :payload)")
          .bind("queue", name)
          .bind("position", position++)
          .bind("payload", codec.encode(a))
          .execute();
    }
  }

  @Override
  public List<TriggerEvent.ApprovalsChanged> approvals() {
    return h
        .createQuery("SELECT approvals FROM gate_changes WHERE approvals IS NOT NULL ORDER BY id")
        .mapTo(String.class)
        .list()
        .stream()
        .map(this::approvals)
        .toList();
  }

  @Override
  public void saveApprovals(TriggerEvent.ApprovalsChanged a) {
    row(a.connection(), a.project(), a.change());
    set(a.connection(), a.project(), a.change(), "approvals", codec.encode(a));
  }

  @Override
  public void forgetApprovals(String connection, String project, String change) {
    set(connection, project, change, "approvals", null);
  }

  @Override
  public List<Rejected> rejected() {
    return h.createQuery(
            "SELECT connection, project, change_id, rejected_patchset FROM gate_changes WHERE"
                + " rejected_patchset IS NOT NULL ORDER BY id")
        .map(
            (rs, ctx) ->
                new Rejected(
                    rs.getString("connection"),
                    rs.getString("project"),
                    rs.getString("change_id"),
                    rs.getString("rejected_patchset")))
        .list();
  }

  @Override
  public void reject(Rejected r) {
    row(r.connection(), r.project(), r.change());
    set(r.connection(), r.project(), r.change(), "rejected_patchset", r.patchset());
  }

  @Override
  public void unreject(String connection, String project, String change) {
    set(connection, project, change, "rejected_patchset", null);
  }

  private TriggerEvent.ApprovalsChanged approvals(String json) {
    if (codec.decode(json) instanceof TriggerEvent.ApprovalsChanged a) {
      return a;
    }
    throw new IllegalStateException(
        "the gate state holds an event that is not an approval: " + json);
  }

  /** Makes sure the change has a row. */
  private void row(String connection, String project, String change) {
    Optional<Long> id =
        h.createQuery(
                "SELECT id FROM gate_changes WHERE connection = :c AND project = :p AND change_id ="
                    + " :ch")
            .bind("c", connection)
            .bind("p", project)
            .bind("ch", change)
            .mapTo(Long.class)
            .findFirst();
    if (id.isEmpty()) {
      h.createUpdate(
              "INSERT INTO gate_changes (connection, project, change_id) VALUES (:c, :p, :ch)")
          .bind("c", connection)
          .bind("p", project)
          .bind("ch", change)
          .execute();
    }
  }

  /** Sets one column of the change's row, and drops the row once it keeps nothing. */
  private void set(String connection, String project, String change, String column, String value) {
    h.createUpdate(
            "UPDATE gate_changes SET "
                + column
                + " = :v WHERE connection = :c AND project = :p AND change_id = :ch")
        .bind("v", value)
        .bind("c", connection)
        .bind("p", project)
        .bind("ch", change)
        .execute();
    h.createUpdate(
            "DELETE FROM gate_changes WHERE connection = :c AND project = :p AND change_id = :ch"
                + " AND approvals IS NULL AND rejected_patchset IS NULL")
        .bind("c", connection)
        .bind("p", project)
        .bind("ch", change)
        .execute();
  }
}
