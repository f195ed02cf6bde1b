package org.seakeeper.testkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.seakeeper.core.model.Grant;
import org.seakeeper.core.store.AccessStore;
import org.seakeeper.core.store.ApiToken;
import org.seakeeper.core.store.AuditQuery;
import org.seakeeper.core.store.AuditRecord;
import org.seakeeper.core.store.LoginSession;
import org.seakeeper.core.store.StoredGrant;

/** The {@link AccessStore} in memory. Thread-safe (synchronized). Passes AccessStoreContract. */
public final class InMemoryAccessStore implements AccessStore {
  private final List<AuditRecord> audit = new ArrayList<>();
  private final Map<String, ApiToken> tokens = new LinkedHashMap<>();
  private final Map<String, LoginSession> sessions = new LinkedHashMap<>();
  private final List<StoredGrant> grants = new ArrayList<>();
  private long nextGrant = 1;

  @Override
  public synchronized AuditRecord append(AuditRecord record) {
    AuditRecord r = record.withId(audit.size() + 1L);
    audit.add(r);
    return r;
  }

  @Override
  public synchronized List<AuditRecord> audit(AuditQuery query) {
    return audit.reversed().stream().filter(query::matches).limit(query.limit()).toList();
  }

  /** Every record, oldest first (for tests). */
  public synchronized List<AuditRecord> all() {
    return List.copyOf(audit);
  }

  @Override
  public synchronized void addToken(ApiToken token) {
    if (tokens.containsKey(token.id())
        || tokens.values().stream().anyMatch(t -> t.hash().equals(token.hash()))) {
      throw new IllegalStateException("duplicate token " + token.id());
    }
    tokens.put(token.id(), token);
  }

  @Override
  public synchronized Optional<ApiToken> token(String id) {
    return Optional.ofNullable(tokens.get(id));
  }

  @Override
  public synchronized Optional<ApiToken> tokenByHash(String hash) {
    return tokens.values().stream().filter(t -> t.hash().equals(hash)).findFirst();
  }

  @Override
  public synchronized List<ApiToken> tokens(String user) {
    return tokens.values().stream()
        .filter(t -> t.user().equals(user))
        .sorted(Comparator.comparing(ApiToken::createdAt).thenComparing(ApiToken::id).reversed())
        .toList();
  }

  @Override
  public synchronized boolean revokeToken(String id, Instant at) {
    ApiToken t = tokens.get(id);
    if (t == null || t.revokedAt().isPresent()) {
      return false;
    }
    tokens.put(
        id,
        new ApiToken(
            t.id(),
            t.user(),
            t.name(),
            t.hash(),
            t.groups(),
            t.createdAt(),
            t.expiresAt(),
            t.lastUsedAt(),
            Optional.of(at),
            t.createdBy()));
    return true;
  }

  @Override
  public synchronized void tokenUsed(String id, Instant at) {
    ApiToken t = tokens.get(id);
    if (t != null) {
      tokens.put(
          id,
          new ApiToken(
              t.id(),
              t.user(),
              t.name(),
              t.hash(),
              t.groups(),
              t.createdAt(),
              t.expiresAt(),
              Optional.of(at),
              t.revokedAt(),
              t.createdBy()));
    }
  }

  @Override
  public synchronized int openSession(LoginSession session, int keepPerUser) {
    if (sessions.containsKey(session.hash())) {
      throw new IllegalStateException("duplicate session");
    }
    sessions.put(session.hash(), session);
    int dropped = sweepSessions(session.createdAt());
    List<LoginSession> mine = sessions(session.user());
    for (LoginSession old : mine.subList(Math.min(keepPerUser, mine.size()), mine.size())) {
      sessions.remove(old.hash());
      dropped++;
    }
    return dropped;
  }

  @Override
  public synchronized Optional<LoginSession> session(String hash) {
    return Optional.ofNullable(sessions.get(hash));
  }

  @Override
  public synchronized List<LoginSession> sessions(String user) {
    return sessions.values().stream()
        .filter(s -> s.user().equals(user))
        .sorted(
            Comparator.comparing(LoginSession::createdAt)
                .thenComparing(LoginSession::hash)
                .reversed())
        .toList();
  }

  @Override
  public synchronized boolean closeSession(String hash) {
    return sessions.remove(hash) != null;
  }

  @Override
  public synchronized int closeSessions(String user) {
    int before = sessions.size();
    sessions.values().removeIf(s -> s.user().equals(user));
    return before - sessions.size();
  }

  @Override
  public synchronized int sweepSessions(Instant now) {
    int before = sessions.size();
    sessions.values().removeIf(s -> !s.live(now));
    return before - sessions.size();
  }

  @Override
  public synchronized StoredGrant addGrant(Grant grant, String by, Instant at) {
    for (StoredGrant g : grants) {
      if (g.grant().equals(grant)) {
        return g;
      }
    }
    StoredGrant g = new StoredGrant(nextGrant++, grant, by, at);
    grants.add(g);
    return g;
  }

  @Override
  public synchronized boolean removeGrant(long id) {
    return grants.removeIf(g -> g.id() == id);
  }

  @Override
  public synchronized List<StoredGrant> grants() {
    return List.copyOf(grants);
  }
}
