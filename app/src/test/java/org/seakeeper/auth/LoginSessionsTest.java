package org.seakeeper.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.store.LoginSession;
import org.seakeeper.testkit.InMemoryAccessStore;
import org.seakeeper.testkit.ManualClock;

/**
 * {@link LoginSessions} over a store: what a cookie stands for, what the store keeps of it, and the
 * bound on how many sessions logging in again and again leaves behind.
 */
class LoginSessionsTest {
  final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
  final InMemoryAccessStore store = new InMemoryAccessStore();
  final LoginSessions sessions = new LoginSessions(store, clock, Duration.ofHours(8));

  @Test
  void the_store_keeps_the_cookies_sha256_and_the_session_not_the_cookie() {
    String cookie = sessions.open("alice", Set.of("devs"));
    LoginSession stored = store.sessions("alice").getFirst();
    assertThat(stored.hash()).isEqualTo(TokenSecrets.sha256(cookie)).isNotEqualTo(cookie);
    assertThat(stored.toString()).doesNotContain(cookie);
    LoginSession s = sessions.find(cookie).orElseThrow();
    assertThat(s.user()).isEqualTo("alice");
    assertThat(s.groups()).containsExactly("devs");
    assertThat(s.csrf()).isEqualTo(stored.csrf()).isNotEqualTo(cookie);
    assertThat(sessions.lookup(stored.hash()))
        .as("the hash is no cookie")
        .isInstanceOf(LoginSessions.Lookup.Unknown.class);
  }

  @Test
  void a_cookie_is_live_ended_unknown_or_absent_and_an_ended_session_is_deleted() {
    String cookie = sessions.open("alice", Set.of());
    assertThat(sessions.lookup(null)).isInstanceOf(LoginSessions.Lookup.Absent.class);
    assertThat(sessions.lookup(" ")).isInstanceOf(LoginSessions.Lookup.Absent.class);
    assertThat(sessions.lookup("forged")).isInstanceOf(LoginSessions.Lookup.Unknown.class);
    clock.advance(Duration.ofHours(8).minusMillis(1));
    assertThat(sessions.lookup(cookie)).isInstanceOf(LoginSessions.Lookup.Live.class);
    clock.advance(Duration.ofMillis(1));
    assertThat(sessions.lookup(cookie))
        .isEqualTo(new LoginSessions.Lookup.Ended("alice", Instant.parse("2026-03-01T18:00:00Z")));
    assertThat(store.sessions("alice")).isEmpty();
    assertThat(sessions.lookup(cookie)).isInstanceOf(LoginSessions.Lookup.Unknown.class);
  }

  @Test
  void logging_in_again_and_again_keeps_the_newest_sessions_only() {
    List<String> cookies = new ArrayList<>();
    for (int i = 0; i < LoginSessions.MAX_SESSIONS_PER_USER + 5; i++) {
      cookies.add(sessions.open("alice", Set.of()));
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(store.sessions("alice")).hasSize(LoginSessions.MAX_SESSIONS_PER_USER);
    assertThat(sessions.find(cookies.getFirst())).isEmpty();
    assertThat(sessions.find(cookies.get(5))).isPresent();
    assertThat(sessions.find(cookies.getLast())).isPresent();
    assertThat(sessions.close(cookies.getLast())).isTrue();
    assertThat(sessions.close(cookies.getLast())).isFalse();
    assertThat(sessions.closeAll("alice")).isEqualTo(LoginSessions.MAX_SESSIONS_PER_USER - 1);
  }
}
