package org.seakeeper.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.event.TriggerEvent.ChangeProposed;
import org.seakeeper.core.event.TriggerEvent.RefUpdated;
import org.seakeeper.core.model.ServerConfig;

/** Restarts, downtime and crashes: what is delivered after them, and what is not. */
class LocalGitConnectionRecoveryTest {
  static final String CHANGE_A = "I2222222222222222222222222222222222222222";

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

  /** A new connection instance over the same repository and state: a server (re)start. */
  LocalGitConnection start() {
    LocalGitConnection c =
        new LocalGitConnection(
            "local",
            List.of(new ServerConfig.Repo("demo", demo.toString())),
            tmp.resolve("state"),
            sink);
    c.start();
    started.add(c);
    return c;
  }

  Path cursorFile() {
    return tmp.resolve("state").resolve("demo").resolve("cursor");
  }

  @Test
  void first_start_delivers_nothing_from_before_it() throws Exception {
    work.commit("history");
    work.push(demo, "HEAD:refs/heads/main", "HEAD:refs/for/main");
    LocalGitConnection c = start();
    sink.assertNoMore(c);
    String next = work.commit("after start");
    work.push(demo, "HEAD:refs/heads/main");
    assertThat(((RefUpdated) sink.next()).newCommit()).isEqualTo(next);
    sink.assertNoMore(c);
  }

  @Test
  void updates_made_while_stopped_are_delivered_after_start_in_order() throws Exception {
    start().stop();
    String a = work.commit("a");
    work.push(demo, "HEAD:refs/heads/main");
    String b = work.commit("b");
    work.push(demo, "HEAD:refs/heads/main");
    String ps1 = work.commit("proposal", "Change-Id: " + CHANGE_A);
    work.push(demo, "HEAD:refs/for/main");
    String ps2 = work.amend("proposal v2", "Change-Id: " + CHANGE_A);
    work.forcePush(demo, "HEAD:refs/for/main"); // overwrites ps1's ref while nobody watches

    LocalGitConnection c = start();
    List<TriggerEvent> events = sink.next(4);
    assertThat(events.subList(0, 2))
        .extracting(e -> ((RefUpdated) e).oldCommit(), e -> ((RefUpdated) e).newCommit())
        .containsExactly(tuple(GitFixture.ZEROS, a), tuple(a, b));
    assertThat(events.subList(2, 4))
        .containsExactly(
            new ChangeProposed("local", "demo", "main", CHANGE_A, "1", ps1, "refs/for/main"),
            new ChangeProposed("local", "demo", "main", CHANGE_A, "2", ps2, "refs/for/main"));
    sink.assertNoMore(c);
  }

  @Test
  void patch_set_numbers_continue_after_a_restart() throws Exception {
    LocalGitConnection first = start();
    work.commit("proposal", "Change-Id: " + CHANGE_A);
    work.push(demo, "HEAD:refs/for/main");
    assertThat(((ChangeProposed) sink.next()).patchset()).isEqualTo("1");
    first.stop();

    start();
    String ps2 = work.amend("proposal v2", "Change-Id: " + CHANGE_A);
    work.forcePush(demo, "HEAD:refs/for/main");
    assertThat(sink.next())
        .isEqualTo(
            new ChangeProposed("local", "demo", "main", CHANGE_A, "2", ps2, "refs/for/main"));
  }

  @Test
  void patch_set_numbers_survive_garbage_collection_of_overwritten_patch_sets() throws Exception {
    LocalGitConnection first = start();
    String ps1 = work.commit("proposal", "Change-Id: " + CHANGE_A);
    work.push(demo, "HEAD:refs/for/main");
    work.amend("proposal v2", "Change-Id: " + CHANGE_A);
    work.forcePush(demo, "HEAD:refs/for/main");
    sink.next(2);
    first.stop();
    git.run(demo, "reflog", "expire", "--expire=now", "--all");
    git.run(demo, "gc", "-q", "--prune=now");
    assertThat(git.tryRun(demo, "cat-file", "-e", ps1).exit()).as("patch set 1 pruned").isNotZero();

    start();
    String ps3 = work.amend("proposal v3", "Change-Id: " + CHANGE_A);
    work.forcePush(demo, "HEAD:refs/for/main");
    assertThat(((ChangeProposed) sink.next()).patchset()).isEqualTo("3");
    assertThat(ps3).isNotBlank();
  }

  @Test
  void a_crash_after_the_inbox_write_replays_the_same_content_keys() throws Exception {
    LocalGitConnection c = start();
    sink.failAfterRecording(1);
    String a = work.commit("a");
    work.push(demo, "HEAD:refs/heads/main");
    TriggerEvent delivered = sink.next();
    c.deliverPending(); // the cursor did not move past the failed delivery: it comes again
    assertThat(sink.calls).hasSizeGreaterThanOrEqualTo(2);
    assertThat(sink.calls)
        .extracting(TriggerEvent::contentKey)
        .containsOnly(delivered.contentKey());
    assertThat(((RefUpdated) delivered).newCommit()).isEqualTo(a);
    sink.assertNoMore(c);
  }

  @Test
  void a_restart_from_an_older_cursor_replays_the_same_content_keys() throws Exception {
    LocalGitConnection first = start();
    Path saved = tmp.resolve("cursor-before");
    Files.copy(cursorFile(), saved);
    work.commit("proposal", "Change-Id: " + CHANGE_A);
    work.push(demo, "HEAD:refs/heads/main", "HEAD:refs/for/main");
    List<String> keys = sink.next(2).stream().map(TriggerEvent::contentKey).toList();
    first.stop();
    // As if the server died after the inbox took the events but before the cursor was saved.
    Files.copy(saved, cursorFile(), StandardCopyOption.REPLACE_EXISTING);
    int before = sink.calls.size();

    LocalGitConnection second = start();
    second.deliverPending();
    assertThat(sink.calls.subList(before, sink.calls.size()))
        .extracting(TriggerEvent::contentKey)
        .containsExactlyElementsOf(keys);
    sink.assertNoMore(second);
  }

  @Test
  void a_truncated_journal_is_read_again_from_its_start() throws Exception {
    LocalGitConnection c = start();
    work.commit("a");
    work.push(demo, "HEAD:refs/heads/main");
    sink.next();
    c.stop();
    Files.writeString(demo.resolve("seakeeper/journal"), ""); // an operator emptied it
    start();
    String b = work.commit("b");
    work.push(demo, "HEAD:refs/heads/main");
    assertThat(((RefUpdated) sink.next()).newCommit()).isEqualTo(b);
  }
}
