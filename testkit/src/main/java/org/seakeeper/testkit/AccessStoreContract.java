package org.seakeeper.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.Grant;
import org.seakeeper.core.model.Role;
import org.seakeeper.core.store.AccessStore;
import org.seakeeper.core.store.ApiToken;
import org.seakeeper.core.store.AuditQuery;
import org.seakeeper.core.store.AuditRecord;
import org.seakeeper.core.store.AuditRecord.Outcome;
import org.seakeeper.core.store.StoredGrant;

/**
 * What every {@link AccessStore} does: the in-memory fake, H2 and PostgreSQL all pass these tests.
 */
public abstract class AccessStoreContract {
  /** A new, empty store. */
  protected abstract AccessStore access();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123Z");

  private static AuditRecord rec(int sec, String who, String action, Outcome o) {
    return AuditRecord.of(
        T0.plusSeconds(sec),
        who,
        "127.0.0.1",
        action,
        "build 7",
        o,
        o == Outcome.ALLOWED ? 200 : 403,
        "m");
  }

  @Test
  void audit_records_come_back_newest_first_with_growing_ids_and_every_field() {
    AccessStore s = access();
    AuditRecord a = s.append(rec(0, "user:alice", "build.cancel", Outcome.ALLOWED));
    AuditRecord b = s.append(rec(1, "anonymous", "build.retry", Outcome.REFUSED));
    assertThat(b.id()).isGreaterThan(a.id());
    List<AuditRecord> all = s.audit(AuditQuery.latest(10));
    assertThat(all).containsExactly(b, a);
    assertThat(all.get(1).at()).isEqualTo(T0);
    assertThat(all.get(0).outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(all.get(0).status()).isEqualTo(403);
  }

  @Test
  void audit_filters_and_pages() {
    AccessStore s = access();
    for (int i = 0; i < 5; i++) {
      s.append(rec(i, i % 2 == 0 ? "user:alice" : "user:bob", "trigger", Outcome.ALLOWED));
    }
    s.append(rec(9, "anonymous", "trigger", Outcome.REFUSED));
    AuditQuery alice =
        new AuditQuery(
            Optional.of("user:alice"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            2);
    List<AuditRecord> page1 = s.audit(alice);
    assertThat(page1).hasSize(2).allMatch(r -> r.who().equals("user:alice"));
    List<AuditRecord> page2 = s.audit(alice.before(page1.getLast().id()));
    assertThat(page2).hasSize(1);
    assertThat(page2.getFirst().at()).isEqualTo(T0);
    AuditQuery refused =
        new AuditQuery(
            Optional.empty(),
            Optional.of("trigger"),
            Optional.of(Outcome.REFUSED),
            Optional.of("build"),
            Optional.of(T0.plusSeconds(5)),
            Optional.of(T0.plusSeconds(10)),
            Optional.empty(),
            10);
    assertThat(s.audit(refused)).extracting(AuditRecord::who).containsExactly("anonymous");
  }

  @Test
  void audit_text_is_kept_as_given_controls_aside() {
    AccessStore s = access();
    s.append(
        AuditRecord.of(
            T0,
            "user:ünïcode",
            "::1",
            "login",
            "<b>x</b>\n",
            Outcome.REFUSED,
            401,
            "bad \"state\""));
    AuditRecord r = s.audit(AuditQuery.latest(1)).getFirst();
    assertThat(r.who()).isEqualTo("user:ünïcode");
    assertThat(r.target()).isEqualTo("<b>x</b>?");
    assertThat(r.message()).isEqualTo("bad \"state\"");
  }

  private static ApiToken token(String id, String user, String hash, int sec) {
    return new ApiToken(
        id,
        user,
        "ci script",
        hash,
        Set.of("devs"),
        T0.plusSeconds(sec),
        T0.plusSeconds(3600),
        Optional.empty(),
        Optional.empty(),
        "user:" + user);
  }

  @Test
  void tokens_are_found_by_hash_and_listed_per_user_newest_first() {
    AccessStore s = access();
    s.addToken(token("t1", "alice", "aa", 0));
    s.addToken(token("t2", "alice", "bb", 1));
    s.addToken(token("t3", "bob", "cc", 2));
    assertThat(s.tokenByHash("bb")).contains(token("t2", "alice", "bb", 1));
    assertThat(s.tokenByHash("zz")).isEmpty();
    assertThat(s.tokens("alice")).extracting(ApiToken::id).containsExactly("t2", "t1");
    assertThat(s.token("t3").orElseThrow().groups()).containsExactly("devs");
    assertThatThrownBy(() -> s.addToken(token("t4", "eve", "aa", 3)))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void revoked_tokens_stay_listed_and_are_not_usable() {
    AccessStore s = access();
    s.addToken(token("t1", "alice", "aa", 0));
    assertThat(s.revokeToken("t1", T0.plusSeconds(5))).isTrue();
    assertThat(s.revokeToken("t1", T0.plusSeconds(6))).isFalse();
    assertThat(s.revokeToken("nope", T0)).isFalse();
    ApiToken t = s.token("t1").orElseThrow();
    assertThat(t.revokedAt()).contains(T0.plusSeconds(5));
    assertThat(t.usable(T0.plusSeconds(10))).isFalse();
  }

  @Test
  void last_use_is_recorded() {
    AccessStore s = access();
    s.addToken(token("t1", "alice", "aa", 0));
    s.tokenUsed("t1", T0.plusSeconds(42));
    assertThat(s.token("t1").orElseThrow().lastUsedAt()).contains(T0.plusSeconds(42));
  }

  @Test
  void grants_are_stored_once_and_removed_by_id() {
    AccessStore s = access();
    Grant g = new Grant(Role.MAINTAINER, Optional.of("demo"), "user:alice");
    StoredGrant a = s.addGrant(g, "admin", T0);
    StoredGrant again = s.addGrant(g, "admin", T0.plusSeconds(1));
    StoredGrant global =
        s.addGrant(new Grant(Role.SECURITY, Optional.empty(), "group:sec"), "admin", T0);
    assertThat(again.id()).isEqualTo(a.id());
    assertThat(s.grants()).containsExactly(a, global);
    assertThat(s.removeGrant(a.id())).isTrue();
    assertThat(s.removeGrant(a.id())).isFalse();
    assertThat(s.grants()).containsExactly(global);
  }
}
