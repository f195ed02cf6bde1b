package org.seakeeper.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.seakeeper.core.store.AccessStore;
import org.seakeeper.core.store.LoginSession;

/**
 * Login sessions, kept in the store so that a restart logs no one out, and logins under way, in
 * memory. A session is stored under the SHA-256 of its cookie value, never the cookie itself, so
 * the store holds no usable cookie; each has its own CSRF token and ends after the configured time.
 * An ended session is refused and deleted when its cookie comes back; opening a session deletes
 * every ended one and the user's oldest beyond {@link #MAX_SESSIONS_PER_USER}, so logging in again
 * and again does not grow the store. A pending login (state, nonce, PKCE verifier, where to return;
 * at most {@link #PENDING_TTL}) is taken once: a second callback with the same state finds nothing,
 * and a restart forgets it (the person logs in again). Thread-safe.
 */
public final class LoginSessions {
  /** How long a person has to finish logging in at the provider. */
  static final Duration PENDING_TTL = Duration.ofMinutes(10);

  /** Most sessions one user keeps; logging in once more drops their oldest. */
  public static final int MAX_SESSIONS_PER_USER = 20;

  /** Most pending logins kept; the oldest are dropped beyond this. */
  static final int MAX_PENDING = 10_000;

  /** A login under way at the provider. */
  public record Pending(
      String state, String nonce, String verifier, String returnTo, Instant expiresAt) {}

  /** What a session cookie stands for. */
  public sealed interface Lookup {
    /** A live session. */
    record Live(LoginSession session) implements Lookup {}

    /** A session that ended at {@code at} (it is deleted now). */
    record Ended(String user, Instant at) implements Lookup {}

    /** No session: logged out, ended by an admin, swept, or never one of this server's. */
    record Unknown() implements Lookup {}

    /** No cookie at all. */
    record Absent() implements Lookup {}

    default Optional<LoginSession> live() {
      return this instanceof Live l ? Optional.of(l.session()) : Optional.empty();
    }
  }

  private final AccessStore store;
  private final Clock clock;
  private final Duration ttl;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  public LoginSessions(AccessStore store, Clock clock, Duration ttl) {
    this.store = store;
    this.clock = clock;
    this.ttl = ttl;
  }

  public Duration ttl() {
    return ttl;
  }

  /** Starts a login; returns it (its state goes into the authorization request). */
  public Pending begin(String returnTo) {
    sweepPending();
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

  /** Opens a session in the store; returns the cookie value (shown to the browser only). */
  public String open(String user, Set<String> groups) {
    String cookie = TokenSecrets.random();
    Instant now = clock.instant();
    store.openSession(
        new LoginSession(
            TokenSecrets.sha256(cookie), user, groups, TokenSecrets.random(), now, now.plus(ttl)),
        MAX_SESSIONS_PER_USER);
    return cookie;
  }

  /** What the cookie value stands for; an ended session is deleted on the way. */
  public Lookup lookup(String cookie) {
    if (cookie == null || cookie.isBlank()) {
      return new Lookup.Absent();
    }
    String hash = TokenSecrets.sha256(cookie);
    Optional<LoginSession> s = store.session(hash);
    if (s.isEmpty()) {
      return new Lookup.Unknown();
    }
    LoginSession found = s.get();
    if (!found.live(clock.instant())) {
      store.closeSession(hash);
      return new Lookup.Ended(found.user(), found.expiresAt());
    }
    return new Lookup.Live(found);
  }

  /** The live session of a cookie value. */
  public Optional<LoginSession> find(String cookie) {
    return lookup(cookie).live();
  }

  /** Ends a session; false when there was none. */
  public boolean close(String cookie) {
    return cookie != null && !cookie.isBlank() && store.closeSession(TokenSecrets.sha256(cookie));
  }

  /** Ends every session of a user (they log in again); returns how many there were. */
  public int closeAll(String user) {
    return store.closeSessions(user);
  }

  private void sweepPending() {
    Instant now = clock.instant();
    pending.values().removeIf(p -> !now.isBefore(p.expiresAt()));
    if (pending.size() > MAX_PENDING) {
      pending.entrySet().stream()
          .sorted(Map.Entry.comparingByValue(Comparator.comparing(Pending::expiresAt)))
          .limit(pending.size() - (long) MAX_PENDING)
          .map(Map.Entry::getKey)
          .toList()
          .forEach(pending::remove);
    }
  }
}
