package org.seakeeper.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.event.TriggerEvent.ChangeProposed;
import org.seakeeper.core.event.TriggerEvent.RefUpdated;
import org.seakeeper.core.model.ServerConfig;

/** Pushes with the real git CLI into a served bare repository, and the events they produce. */
class LocalGitConnectionTest {
  static final String CHANGE_A = "I1111111111111111111111111111111111111111";

  @TempDir Path tmp;
  GitFixture git;
  Path demo;
  GitFixture.Work work;
  RecordingSink sink = new RecordingSink();
  final List<LocalGitConnection> started = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    git = new GitFixture(tmp);
    demo = git.bare("demo");
    work = git.work("work");
  }

  @AfterEach
  void tearDown() {
    started.forEach(LocalGitConnection::stop);
  }

  LocalGitConnection start(Duration poll) {
    LocalGitConnection c =
        new LocalGitConnection(
            "local",
            List.of(new ServerConfig.Repo("demo", demo.toString())),
            tmp.resolve("state"),
            sink,
            poll);
    c.start();
    started.add(c);
    return c;
  }

  LocalGitConnection start() {
    return start(LocalGitConnection.DEFAULT_POLL);
  }

  @Test
  void branch_push_starts_one_ref_updated_for_the_new_tip() throws Exception {
    LocalGitConnection c = start();
    String a = work.commit("first");
    work.push(demo, "HEAD:refs/heads/main");
    RefUpdated created = (RefUpdated) sink.next();
    assertThat(created)
        .isEqualTo(
            new RefUpdated(
                "local", "demo", "refs/heads/main", GitFixture.ZEROS, a, created.sequence()));

    work.commit("second");
    String third = work.commit("third");
    work.push(demo, "HEAD:refs/heads/main");
    RefUpdated moved = (RefUpdated) sink.next();
    assertThat(moved)
        .isEqualTo(new RefUpdated("local", "demo", "refs/heads/main", a, third, moved.sequence()));
    assertThat(Long.parseLong(moved.sequence())).isGreaterThan(Long.parseLong(created.sequence()));
    sink.assertNoMore(c);
  }

  @Test
  void push_is_noticed_within_a_second() throws Exception {
    start();
    work.commit("first");
    long before = System.nanoTime();
    work.push(demo, "HEAD:refs/heads/main");
    long pushed = System.nanoTime();
    long arrived = sink.nextArrival().nanos();
    // The hook runs inside the push, so the event usually arrives before git push returns.
    System.out.printf(
        "notice latency: event %.1f ms after the push started, %+.1f ms relative to its return%n",
        (arrived - before) / 1e6, (arrived - pushed) / 1e6);
    assertThat(Duration.ofNanos(arrived - pushed)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void file_notification_alone_notices_a_push_within_a_second() throws Exception {
    start(Duration.ofHours(1)); // polling can't help: only the watch service can wake the reader
    work.commit("first");
    work.push(demo, "HEAD:refs/heads/main");
    long pushed = System.nanoTime();
    long arrived = sink.nextArrival().nanos();
    System.out.printf(
        "notice latency without polling: %+.1f ms relative to the push's return%n",
        (arrived - pushed) / 1e6);
    assertThat(Duration.ofNanos(arrived - pushed)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void polling_alone_notices_a_push_within_a_second() throws Exception {
    LocalGitConnection c =
        new LocalGitConnection(
            "local",
            List.of(new ServerConfig.Repo("demo", demo.toString())),
            tmp.resolve("state"),
            sink,
            LocalGitConnection.DEFAULT_POLL,
            false);
    c.start();
    started.add(c);
    work.commit("first");
    work.push(demo, "HEAD:refs/heads/main");
    long pushed = System.nanoTime();
    long arrived = sink.nextArrival().nanos();
    System.out.printf(
        "notice latency by polling alone: %+.1f ms relative to the push's return%n",
        (arrived - pushed) / 1e6);
    assertThat(Duration.ofNanos(arrived - pushed)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void proposed_change_without_change_id_is_named_by_its_commit() throws Exception {
    LocalGitConnection c = start();
    String base = work.commit("base");
    work.push(demo, "HEAD:refs/heads/main");
    sink.next();
    String proposed = work.commit("no footer here");
    work.push(demo, "HEAD:refs/for/main");
    assertThat(sink.next())
        .isEqualTo(
            new ChangeProposed("local", "demo", "main", proposed, "1", proposed, "refs/for/main"));
    assertThat(proposed).isNotEqualTo(base);
    sink.assertNoMore(c);
  }

  @Test
  void patch_sets_with_the_same_change_id_are_numbered_in_push_order() throws Exception {
    LocalGitConnection c = start();
    String ps1 = work.commit("feature", "Change-Id: " + CHANGE_A);
    work.push(demo, "HEAD:refs/for/main");
    String ps2 = work.amend("feature, reworked", "Change-Id: " + CHANGE_A);
    work.forcePush(demo, "HEAD:refs/for/main");
    assertThat(sink.next(2))
        .containsExactly(
            new ChangeProposed("local", "demo", "main", CHANGE_A, "1", ps1, "refs/for/main"),
            new ChangeProposed("local", "demo", "main", CHANGE_A, "2", ps2, "refs/for/main"));

    work.git("reset", "-q", "--hard", ps1);
    work.forcePush(demo, "HEAD:refs/for/main"); // the first patch set again: not a new one
    c.deliverPending();
    assertThat(sink.calls)
        .last()
        .isEqualTo(
            new ChangeProposed("local", "demo", "main", CHANGE_A, "1", ps1, "refs/for/main"));
    sink.assertNoMore(c);
  }

  @Test
  void topic_suffix_is_not_part_of_the_branch() throws Exception {
    start();
    String commit = work.commit("topical", "Change-Id: " + CHANGE_A);
    work.push(demo, "HEAD:refs/for/main/my-topic");
    assertThat(sink.next())
        .isEqualTo(
            new ChangeProposed(
                "local", "demo", "main", CHANGE_A, "1", commit, "refs/for/main/my-topic"));
  }

  @Test
  void branch_names_with_slashes_are_recognised_when_the_branch_exists() throws Exception {
    start();
    work.commit("base");
    work.push(demo, "HEAD:refs/heads/release/1.x");
    sink.next();
    String one = work.commit("fix one");
    work.push(demo, "HEAD:refs/for/release/1.x");
    // refs/for/release/1.x/hotfix cannot coexist with refs/for/release/1.x (a file/directory
    // conflict in git's ref store), so that one goes first; its delete starts nothing.
    work.push(demo, ":refs/for/release/1.x");
    String two = work.commit("fix two");
    work.push(demo, "HEAD:refs/for/release/1.x/hotfix");
    assertThat(sink.next(2))
        .extracting(e -> ((ChangeProposed) e).branch(), e -> ((ChangeProposed) e).commit())
        .containsExactly(tuple("release/1.x", one), tuple("release/1.x", two));
  }

  @Test
  void new_tags_are_ref_updates_of_the_tagged_commit() throws Exception {
    LocalGitConnection c = start();
    String commit = work.commit("release me");
    work.git("tag", "-a", "v1.0", "-m", "version 1.0");
    work.git("tag", "light");
    work.push(demo, "refs/tags/v1.0", "refs/tags/light");
    List<TriggerEvent> events = sink.next(2);
    assertThat(events)
        .extracting(e -> ((RefUpdated) e).ref())
        .containsExactlyInAnyOrder("refs/tags/v1.0", "refs/tags/light");
    assertThat(events).extracting(e -> ((RefUpdated) e).newCommit()).containsOnly(commit);

    work.commit("later");
    work.git("tag", "-f", "light");
    work.forcePush(demo, "refs/tags/light"); // a moved tag is not a new release
    sink.assertNoMore(c);
  }

  @Test
  void deletes_and_other_refs_start_nothing() throws Exception {
    LocalGitConnection c = start();
    work.commit("base");
    work.git("tag", "v1");
    work.push(
        demo,
        "HEAD:refs/heads/main",
        "HEAD:refs/heads/doomed",
        "refs/tags/v1",
        "HEAD:refs/for/main");
    sink.next(4);
    work.push(demo, ":refs/heads/doomed", ":refs/tags/v1", ":refs/for/main");
    work.push(demo, "HEAD:refs/notes/commits", "HEAD:refs/meta/config");
    sink.assertNoMore(c);
  }

  @Test
  void concurrent_pushes_are_each_delivered_once() throws Exception {
    LocalGitConnection c = start();
    String commit = work.commit("shared");
    int n = 8;
    List<Callable<Void>> pushes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String ref = "HEAD:refs/heads/b" + i;
      pushes.add(
          () -> {
            work.push(demo, ref);
            return null;
          });
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
      for (Future<Void> f : pool.invokeAll(pushes)) {
        f.get();
      }
    }
    List<TriggerEvent> events = sink.next(n);
    assertThat(events)
        .extracting(e -> ((RefUpdated) e).ref())
        .containsExactlyInAnyOrder(
            "refs/heads/b0",
            "refs/heads/b1",
            "refs/heads/b2",
            "refs/heads/b3",
            "refs/heads/b4",
            "refs/heads/b5",
            "refs/heads/b6",
            "refs/heads/b7");
    assertThat(events).extracting(e -> ((RefUpdated) e).newCommit()).containsOnly(commit);
    sink.assertNoMore(c);
  }

  @Test
  void commits_in_a_served_work_tree_are_noticed_too() throws Exception {
    GitFixture.Work served = git.work("served");
    LocalGitConnection c =
        new LocalGitConnection(
            "local",
            List.of(new ServerConfig.Repo("wt", served.dir.toString())),
            tmp.resolve("state"),
            sink);
    c.start();
    started.add(c);
    String commit = served.commit("made in place");
    RefUpdated e = (RefUpdated) sink.next();
    assertThat(e.project()).isEqualTo("wt");
    assertThat(e.ref()).isEqualTo("refs/heads/main");
    assertThat(e.newCommit()).isEqualTo(commit);
    sink.assertNoMore(c); // HEAD moved too, but only branches start post
  }
}
