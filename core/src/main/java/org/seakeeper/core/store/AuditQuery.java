package org.seakeeper.core.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A filter over audit records, newest first. Every present field must match; {@code target} is a
 * prefix; {@code before} pages (records with a smaller id).
 */
public record AuditQuery(
    Optional<String> who,
    Optional<String> action,
    Optional<AuditRecord.Outcome> outcome,
    Optional<String> target,
    Optional<Instant> since,
    Optional<Instant> until,
    Optional<Long> before,
    int limit) {
  public static final int MAX_LIMIT = 1000;

  public AuditQuery {
    Objects.requireNonNull(who);
    Objects.requireNonNull(action);
    Objects.requireNonNull(outcome);
    Objects.requireNonNull(target);
    Objects.requireNonNull(since);
    Objects.requireNonNull(until);
    Objects.requireNonNull(before);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
    }
  }

  /** Everything, newest first, {@code limit} at a time. */
  public static AuditQuery latest(int limit) {
    return new AuditQuery(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        limit);
  }

  public AuditQuery before(long id) {
    return new AuditQuery(who, action, outcome, target, since, until, Optional.of(id), limit);
  }

  /** Whether {@code r} passes the filters (not the page bounds). */
  public boolean matches(AuditRecord r) {
    return who.map(r.who()::equals).orElse(true)
        && action.map(r.action()::equals).orElse(true)
        && outcome.map(o -> o == r.outcome()).orElse(true)
        && target.map(r.target()::startsWith).orElse(true)
        && since.map(s -> !r.at().isBefore(s)).orElse(true)
        && until.map(u -> r.at().isBefore(u)).orElse(true)
        && before.map(b -> r.id() < b).orElse(true);
  }
}
