package org.seakeeper.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.seakeeper.core.model.Grant;

/**
 * The durable records of people and access (docs/contracts.md §9): the audit trail, personal API
 * tokens (hashed), login sessions (hashed) and the roles admins granted. Each call is its own
 * transaction, apart from the scheduler's {@link Store#transaction}: auditing a request never waits
 * for the scheduler.
 *
 * <p>Implementations: the in-memory fake (testkit), H2 and PostgreSQL; all pass {@code
 * AccessStoreContract}. Thread-safe.
 */
public interface AccessStore {
  /** Appends a record; returns it with its id (larger than every earlier record's). */
  AuditRecord append(AuditRecord record);

  /** Records matching {@code query}, newest (largest id) first, at most its limit. */
  List<AuditRecord> audit(AuditQuery query);

  /** Stores a new token; ids and hashes are unique. */
  void addToken(ApiToken token);

  Optional<ApiToken> token(String id);

  Optional<ApiToken> tokenByHash(String hash);

  /** A user's tokens, revoked and expired ones too, newest first. */
  List<ApiToken> tokens(String user);

  /** Marks a token revoked; false when there is none or it already was. */
  boolean revokeToken(String id, Instant at);

  /** Sets the token's last-used time. */
  void tokenUsed(String id, Instant at);

  /**
   * Stores a new session (its hash is unique), then drops what should not stay, in the same
   * transaction: every session that ended by the new one's {@code createdAt} (whoever's), and the
   * user's oldest sessions beyond {@code keepPerUser} (by {@code createdAt}). Returns how many were
   * dropped. So however often someone logs in, a user has at most {@code keepPerUser} sessions.
   */
  int openSession(LoginSession session, int keepPerUser);

  /** The session with this cookie hash, ended or not (the caller decides what an ended one is). */
  Optional<LoginSession> session(String hash);

  /** A user's sessions, ended ones not yet swept too, newest first. */
  List<LoginSession> sessions(String user);

  /** Removes the session with this cookie hash; false when there was none. */
  boolean closeSession(String hash);

  /** Removes every session of a user; returns how many there were. */
  int closeSessions(String user);

  /** Removes every session that ended by {@code now}; returns how many. */
  int sweepSessions(Instant now);

  /** Stores a grant; returns it with its id. A grant already stored is returned as it is. */
  StoredGrant addGrant(Grant grant, String by, Instant at);

  /** Removes a grant; false when there is none with that id. */
  boolean removeGrant(long id);

  /** Every stored grant, oldest first. */
  List<StoredGrant> grants();
}
