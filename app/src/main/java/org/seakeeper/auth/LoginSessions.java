package org.seakeeper.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Login sessions and logins under way, in memory (a restart logs everyone out). A session is found
 * by the SHA-256 of its cookie value, so the map holds no usable cookie; each has its own CSRF
 * token and expires after the configured time. A pending login (state, nonce, PKCE verifier, where
 * to return) is taken once: a second callback with the same state finds nothing. Thread-safe.
 */
public final class LoginSessions {
  /** How long a person has to finish logging in at the provider. */
  static final Duration PENDING_TTL = Duration.ofMinutes(10);

  /** Most sessions and pending logins kept; the oldest are dropped beyond these. */
  static final int MAX_SESSIONS = 100_000;

  static final int MAX_PENDING = 10_000;

  /** A logged-in person. */
  public record Session(
      String user, Set<String> groups, String csrf, Instant createdAt, Instant expiresAt) {}

  /** A login under way at the provider. */
  public record Pending(
      String state, String nonce, String verifier, String returnTo, Instant expiresAt) {}

  private final Clock clock;
  private final Duration ttl;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  public LoginSessions(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
  }

  public Duration ttl() {
    return ttl;
  }

  /** Starts a login; returns it (its state goes into the authorization request). */
  public Pending begin(String returnTo) {
    sweep();
    Pending p =
        new Pending(
            TokenSecrets.random(),
            TokenSecrets.random(),
            TokenSecrets.random(),
            returnTo,
            clock.instant().plus(PENDING_TTL));
    pending.put(p.state(), p);
    return p;
  }

  /** The login with this state, taken (it cannot be taken again); empty if unknown or expired. */
  public Optional<Pending> take(String state) {
    if (state == null) {
      return Optional.empty();
    }
    Pending p = pending.remove(state);
    return Optional.ofNullable(p).filter(x -> clock.instant().isBefore(x.expiresAt()));
  }

  /** Opens a session; returns the cookie value (shown to the browser only). */
  public String open(String user, Set<String> groups) {
    sweep();
    String cookie = TokenSecrets.random();
    Instant now = clock.instant();
    sessions.put(
        TokenSecrets.sha256(cookie),
        new Session(user, Set.copyOf(groups), TokenSecrets.random(), now, now.plus(ttl)));
    return cookie;
  }

  /** The live session of a cookie value. */
  public Optional<Session> find(String cookie) {
    if (cookie == null || cookie.isBlank()) {
      return Optional.empty();
    }
    String key = TokenSecrets.sha256(cookie);
    Session s = sessions.get(key);
    if (s != null && !clock.instant().isBefore(s.expiresAt())) {
      sessions.remove(key);
      return Optional.empty();
    }
    return Optional.ofNullable(s);
  }

  /** Ends a session; false when there was none. */
  public boolean close(String cookie) {
    return cookie != null && sessions.remove(TokenSecrets.sha256(cookie)) != null;
  }

  private void sweep() {
    Instant now = clock.instant();
    sessions.values().removeIf(s -> !now.isBefore(s.expiresAt()));
    pending.values().removeIf(p -> !now.isBefore(p.expiresAt()));
    if (sessions.size() > MAX_SESSIONS) {
      sessions.entrySet().stream()
          .sorted(Map.Entry.comparingByValue(java.util.Comparator.comparing(Session::createdAt)))
          .limit(sessions.size() - (long) MAX_SESSIONS)
          .map(Map.Entry::getKey)
          .toList()
          .forEach(sessions::remove);
    }
    if (pending.size() > MAX_PENDING) {
      pending.entrySet().stream()
          .sorted(Map.Entry.comparingByValue(java.util.Comparator.comparing(Pending::expiresAt)))
          .limit(pending.size() - (long) MAX_PENDING)
          .map(Map.Entry::getKey)
          .toList()
          .forEach(pending::remove);
    }
  }
}
