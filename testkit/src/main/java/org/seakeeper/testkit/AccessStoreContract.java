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
import org.seakeeper.core.store.LoginSession;
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

  private static LoginSession session(String hash, String user, int sec, int lastsSec) {
    return new LoginSession(
        hash,
        user,
        Set.of("devs", "ops"),
        "csrf-" + hash,
        T0.plusSeconds(sec),
        T0.plusSeconds(sec + lastsSec));
  }

  @Test
  void sessions_are_found_by_hash_with_every_field_and_hashes_are_unique() {
    AccessStore s = access();
    LoginSession a = session("aa", "alice", 0, 3600);
    assertThat(s.openSession(a, 10)).isZero();
    s.openSession(session("bb", "bob", 1, 3600), 10);
    assertThat(s.session("aa")).contains(a);
    assertThat(s.session("aa").orElseThrow().groups()).containsExactlyInAnyOrder("devs", "ops");
    assertThat(s.session("zz")).isEmpty();
    assertThat(s.sessions("alice")).containsExactly(a);
    assertThatThrownBy(() -> s.openSession(session("aa", "eve", 2, 3600), 10))
        .isInstanceOf(RuntimeException.class);
    assertThat(s.session("aa")).contains(a);
  }

  @Test
  void an_ended_session_is_kept_until_swept_and_the_sweep_takes_only_ended_ones() {
    AccessStore s = access();
    s.openSession(session("aa", "alice", 0, 60), 10);
    s.openSession(session("bb", "bob", 0, 120), 10);
    LoginSession live = session("cc", "carol", 0, 3600);
    s.openSession(live, 10);
    // found after its end: the caller refuses it and says why
    assertThat(s.session("aa").orElseThrow().live(T0.plusSeconds(61))).isFalse();
    assertThat(s.session("aa").orElseThrow().live(T0.plusSeconds(59))).isTrue();
    assertThat(s.sweepSessions(T0.plusSeconds(59))).isZero();
    // a session ends at its expiresAt: swept at exactly that instant
    assertThat(s.sweepSessions(T0.plusSeconds(60))).isEqualTo(1);
    assertThat(s.session("aa")).isEmpty();
    assertThat(s.sweepSessions(T0.plusSeconds(600))).isEqualTo(1);
    assertThat(s.session("bb")).isEmpty();
    assertThat(s.session("cc")).contains(live);
  }

  @Test
  void sessions_are_closed_one_at_a_time_or_all_of_a_user() {
    AccessStore s = access();
    s.openSession(session("a1", "alice", 0, 3600), 10);
    s.openSession(session("a2", "alice", 1, 3600), 10);
    s.openSession(session("b1", "bob", 2, 3600), 10);
    assertThat(s.closeSession("a1")).isTrue();
    assertThat(s.closeSession("a1")).isFalse();
    assertThat(s.closeSession("nope")).isFalse();
    s.openSession(session("a3", "alice", 3, 3600), 10);
    assertThat(s.closeSessions("alice")).isEqualTo(2);
    assertThat(s.closeSessions("alice")).isZero();
    assertThat(s.sessions("alice")).isEmpty();
    assertThat(s.session("b1")).isPresent();
  }

  @Test
  void logging_in_again_and_again_keeps_only_the_newest_sessions_and_sweeps_ended_ones() {
    AccessStore s = access();
    s.openSession(session("bob", "bob", 0, 3600), 3);
    s.openSession(session("old", "carol", 0, 10), 3);
    int dropped = 0;
    for (int i = 0; i < 40; i++) {
      dropped += s.openSession(session("a" + i, "alice", 20 + i, 3600), 3);
    }
    // carol's ended session went with the first login after its end; alice keeps her newest 3
    assertThat(dropped).isEqualTo(1 + 37);
    assertThat(s.session("old")).isEmpty();
    assertThat(s.sessions("alice"))
        .extracting(LoginSession::hash)
        .containsExactly("a39", "a38", "a37");
    assertThat(s.session("a0")).isEmpty();
    assertThat(s.session("bob")).isPresent();
  }
}
