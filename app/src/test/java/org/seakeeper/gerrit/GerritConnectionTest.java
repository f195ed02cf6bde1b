package org.seakeeper.gerrit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.event.EventSink;
import org.seakeeper.core.event.TriggerEvent;

/**
 * The connection alone against a real Gerrit: what the stream delivers, and reconnecting after a
 * drop.
 */
@Tag("slow")
class GerritConnectionTest {
  @RegisterExtension static final GerritServer GERRIT = new GerritServer();

  @TempDir Path tmp;
  private GerritConnection conn;
  private final InboxLike sink = new InboxLike();

  /** Keeps events like the inbox does: a repeated content key is dropped. Thread-safe. */
  static final class InboxLike implements EventSink {
    final Set<String> keys = ConcurrentHashMap.newKeySet();
    final List<TriggerEvent> fresh = Collections.synchronizedList(new ArrayList<>());

    @Override
    public boolean accept(TriggerEvent event) {
      boolean added = keys.add(event.contentKey());
      if (added) {
        fresh.add(event);
      }
      return added;
    }

    List<TriggerEvent> await(Predicate<List<TriggerEvent>> ok) throws InterruptedException {
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < end) {
        List<TriggerEvent> now;
        synchronized (fresh) {
          now = List.copyOf(fresh);
        }
        if (ok.test(now)) {
          return now;
        }
        Thread.sleep(10);
      }
      throw new AssertionError("timed out; events: " + fresh);
    }
  }

  private GerritFlow connect(String project) throws Exception {
    GerritFlow f = new GerritFlow(GERRIT, project, tmp.resolve("work"));
    GerritEndpoint e =
        GerritEndpoint.of(f.serverConfig(tmp.resolve("data"), 1).connections().getFirst());
    conn = new GerritConnection(e, tmp.resolve("state"), sink, Clock.systemUTC());
    conn.start();
    assertThat(conn.awaitStreaming(Duration.ofSeconds(30))).isTrue();
    return f;
  }

  @AfterEach
  void stop() {
    if (conn != null) {
      conn.stop();
    }
  }

  static <T> List<T> only(List<TriggerEvent> events, Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void patchsets_rechecks_abandons_and_branch_updates_arrive_from_the_stream() throws Exception {
    GerritFlow f = connect("stream");
    long pushed = System.nanoTime();
    String commit = f.pushForReview("one", "a.txt", "a\n");
    int change = f.change(commit);
    sink.await(ev -> !only(ev, TriggerEvent.ChangeProposed.class).isEmpty());
    System.out.println(
        "push -> event in the sink: " + (System.nanoTime() - pushed) / 1_000_000 + " ms");
    assertThat(only(sink.fresh, TriggerEvent.ChangeProposed.class))
        .containsExactly(
            new TriggerEvent.ChangeProposed(
                "review",
                "stream",
                "master",
                Integer.toString(change),
                "1",
                commit,
                "refs/changes/" + String.format("%02d", change % 100) + "/" + change + "/1",
                java.util.Optional.of(GerritServer.ADMIN)));

    GERRIT
        .admin()
        .post(
            "changes/stream~" + change + "/revisions/current/review",
            GerritRest.json("message", "recheck"));
    GERRIT
        .admin()
        .post(
            "changes/stream~" + change + "/revisions/current/review",
            GerritRest.json("message", "recheck"));
    List<TriggerEvent.Recheck> rechecks =
        only(
            sink.await(ev -> only(ev, TriggerEvent.Recheck.class).size() == 2),
            TriggerEvent.Recheck.class);
    assertThat(rechecks)
        .allSatisfy(
            r -> {
              assertThat(r.patchset()).isEqualTo("1");
              assertThat(r.commit()).isEqualTo(commit);
              assertThat(r.author()).isEqualTo(GerritServer.ADMIN);
            });
    assertThat(rechecks.get(0).sequence())
        .as("two identical rechecks are two events")
        .isNotEqualTo(rechecks.get(1).sequence());

    GERRIT.admin().post("changes/stream~" + change + "/abandon", "{}");
    sink.await(ev -> !only(ev, TriggerEvent.ChangeAbandoned.class).isEmpty());

    f.resetToMaster();
    f.commitOnly("direct", "b.txt", "b\n");
    GerritFlow.git(f.work, "push", "-q", "origin", "HEAD:refs/heads/master");
    TriggerEvent.RefUpdated up =
        only(
                sink.await(ev -> !only(ev, TriggerEvent.RefUpdated.class).isEmpty()),
                TriggerEvent.RefUpdated.class)
            .getFirst();
    assertThat(up.ref()).isEqualTo("refs/heads/master");
    assertThat(up.newCommit()).isEqualTo(GerritFlow.git(f.work, "rev-parse", "HEAD"));
  }

  @Test
  void after_a_dropped_stream_it_reconnects_and_catches_up_on_what_it_missed() throws Exception {
    GerritFlow f = connect("drop");
    conn.dropStream();
    List<String> commits = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      f.resetToMaster();
      commits.add(f.pushForReview("missed " + i, "n.txt", i + "\n"));
    }
    List<TriggerEvent> events =
        sink.await(ev -> only(ev, TriggerEvent.ChangeProposed.class).size() == 3);
    assertThat(only(events, TriggerEvent.ChangeProposed.class))
        .extracting(TriggerEvent.ChangeProposed::commit)
        .containsExactlyInAnyOrderElementsOf(commits);
    assertThat(conn.awaitStreaming(Duration.ofSeconds(30))).isTrue();
  }

  @Test
  void a_stopped_connection_catches_up_on_changes_branch_updates_and_tags_when_started()
      throws Exception {
    GerritFlow f = connect("stopped");
    conn.stop();
    f.resetToMaster();
    f.commitOnly("direct while stopped", "c.txt", "c\n");
    GerritFlow.git(f.work, "push", "-q", "origin", "HEAD:refs/heads/master");
    String master = GerritFlow.git(f.work, "rev-parse", "HEAD");
    GerritFlow.git(f.work, "tag", "v1.0");
    GerritFlow.git(f.work, "push", "-q", "origin", "refs/tags/v1.0");
    String commit = f.pushForReview("change while stopped", "d.txt", "d\n");
    conn.start();
    assertThat(conn.awaitStreaming(Duration.ofSeconds(30))).isTrue();
    List<TriggerEvent> events = sink.fresh;
    assertThat(only(events, TriggerEvent.ChangeProposed.class))
        .extracting(TriggerEvent.ChangeProposed::commit)
        .containsExactly(commit);
    assertThat(only(events, TriggerEvent.RefUpdated.class))
        .extracting(TriggerEvent.RefUpdated::ref, TriggerEvent.RefUpdated::newCommit)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("refs/heads/master", master),
            org.assertj.core.groups.Tuple.tuple("refs/tags/v1.0", master));
    int before = sink.keys.size();
    conn.stop();
    conn.start();
    assertThat(conn.awaitStreaming(Duration.ofSeconds(30))).isTrue();
    assertThat(sink.keys).as("a second catch-up finds nothing new").hasSize(before);
  }

  @Test
  void periodic_runs_of_a_star_connection_visit_every_code_project_the_ci_account_sees()
      throws Exception {
    GERRIT.createProject("periodic-a");
    GERRIT.createProject("team/periodic-b");
    GerritEndpoint star =
        new GerritEndpoint(
            "review",
            GERRIT.url(),
            GerritServer.CI_USER,
            GERRIT.ciPassword(),
            new org.seakeeper.core.model.ServerConfig.Ssh(
                "127.0.0.1", GERRIT.sshPort(), GERRIT.ciKey().toString()),
            List.of("*", "named-only"));
    List<String> problems = new ArrayList<>();
    List<String> projects = star.periodicProjects(problems::add);
    assertThat(problems).isEmpty();
    assertThat(projects)
        .contains("periodic-a", "team/periodic-b", "named-only")
        .doesNotContain("All-Projects", "All-Users", "*");
    GerritEndpoint named =
        new GerritEndpoint(
            "review",
            GERRIT.url(),
            GerritServer.CI_USER,
            GERRIT.ciPassword(),
            star.ssh(),
            List.of("periodic-a"));
    assertThat(named.periodicProjects(problems::add)).containsExactly("periodic-a");
  }
}
