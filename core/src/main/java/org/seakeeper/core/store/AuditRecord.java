package org.seakeeper.core.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One state-changing request, allowed or refused (docs/contracts.md §9): who, when, from where,
 * what, to what, and how it ended. Immutable; the store gives it its id.
 *
 * @param id the store's sequence number (0 before it is stored); later records have larger ids
 * @param who {@code user:NAME}, {@code admin} (the admin token), {@code anonymous}, or what a
 *     refused credential claimed
 * @param from the client's address
 * @param action an {@code Action} id or an auth event ({@code login}, {@code logout}, ...)
 * @param target what it was done to (a build, a project, a token id), or empty
 * @param status the HTTP status answered
 * @param message why, in a sentence (never a secret)
 */
public record AuditRecord(
    long id,
    Instant at,
    String who,
    String from,
    String action,
    String target,
    Outcome outcome,
    int status,
    String message) {
  /** Whether the request was carried out (as far as access goes) or refused. */
  public enum Outcome {
    ALLOWED("allowed"),
    REFUSED("refused");

    private final String id;

    Outcome(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static java.util.Optional<Outcome> parse(String s) {
      return java.util.Arrays.stream(values()).filter(o -> o.id.equals(s)).findFirst();
    }
  }

  public AuditRecord {
    Objects.requireNonNull(at);
    Objects.requireNonNull(outcome);
    who = cut(who, 200);
    from = cut(from, 100);
    action = cut(action, 100);
    target = cut(target, 500);
    message = cut(message, 1000);
  }

  /** A new record, before the store numbers it. */
  public static AuditRecord of(
      Instant at,
      String who,
      String from,
      String action,
      String target,
      Outcome outcome,
      int status,
      String message) {
    return new AuditRecord(0, at, who, from, action, target, outcome, status, message);
  }

  public AuditRecord withId(long newId) {
    return new AuditRecord(newId, at, who, from, action, target, outcome, status, message);
  }

  /** Untrusted text kept to one bounded line: controls become '?'. */
  private static String cut(String s, int max) {
    String t = s == null ? "" : s.length() > max ? s.substring(0, max) : s;
    StringBuilder b = new StringBuilder(t.length());
    t.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}
