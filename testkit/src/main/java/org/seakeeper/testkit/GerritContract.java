package org.seakeeper.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What a developer sees in Gerrit when Seakeeper serves it (docs/contracts.md §4): the same tests
 * run against the real Gerrit (a separate JVM, the real server) and against {@link FakeGerrit} (the
 * scheduler stepped by hand), which keeps the fake, and the scenario tests built on it, honest.
 * Subclasses give each test a fresh project served by a fresh server and drive it.
 *
 * <p>Jobs are written so both can run them: {@code true} passes, {@code exit N} fails, {@code sleep
 * 120} keeps running until cancelled.
 */
public abstract class GerritContract {
  /** A change, by its number. */
  public record ChangeHandle(String number) {}

  /**
   * A Verified vote of the CI account with its message and its line comments on {@code
   * .seakeeper.yaml}.
   */
  public record Vote(
      String patchset, int value, String message, Map<Integer, String> lineComments) {}

  /** A build as the server's API lists it ({@code owner}: empty when it has none). */
  public record BuildRow(String id, String patchset, String status, String owner) {}

  protected abstract ChangeHandle upload(Map<String, String> files) throws Exception;

  protected abstract void uploadPatchset(ChangeHandle c, Map<String, String> files)
      throws Exception;

  /** A review comment by a person (not the CI account). */
  protected abstract void comment(ChangeHandle c, String text) throws Exception;

  protected abstract void abandon(ChangeHandle c) throws Exception;

  /** The CI account's votes on the change, oldest first. */
  protected abstract List<Vote> votes(ChangeHandle c) throws Exception;

  /** The server's builds of the change, oldest first. */
  protected abstract List<BuildRow> builds(ChangeHandle c) throws Exception;

  /**
   * Lets the system work until {@code ok} holds for what {@code probe} sees; fails after a while.
   */
  protected abstract <T> T await(Callable<T> probe, Predicate<T> ok) throws Exception;

  /** Lets the system finish what it is doing now (to check that something does not happen). */
  protected abstract void settle() throws Exception;

  /** The server's public URL, ending in {@code /}. */
  protected abstract String publicUrl();

  /** The review system's account that {@link #upload} pushes as (so the changes' owner). */
  protected abstract String uploader();

  public static String yaml(String run) {
    return "jobs:\n  build: {run: \"" + run + "\"}\npipelines:\n  check: [build]\n";
  }

  private static Map<String, String> config(String run) {
    return Map.of(".seakeeper.yaml", yaml(run));
  }

  private static boolean is(List<BuildRow> b, int index, String status) {
    return b.size() > index && b.get(index).status().equals(status);
  }

  @Test
  void a_changes_builds_and_its_rechecks_builds_carry_the_account_that_owns_it() throws Exception {
    ChangeHandle c = upload(config("true"));
    await(() -> votes(c), l -> l.size() == 1);
    comment(c, "recheck");
    await(() -> votes(c), l -> l.size() == 2);
    assertThat(builds(c)).hasSize(2).allSatisfy(b -> assertThat(b.owner()).isEqualTo(uploader()));
  }

  @Test
  void a_passing_change_gets_verified_plus_one_with_a_message_linking_the_log() throws Exception {
    ChangeHandle c = upload(Map.of(".seakeeper.yaml", yaml("true"), "marker.txt", "x\n"));
    Vote v = await(() -> votes(c), l -> !l.isEmpty()).getFirst();
    assertThat(v.value()).isEqualTo(1);
    assertThat(v.patchset()).isEqualTo("1");
    List<BuildRow> builds = builds(c);
    assertThat(builds)
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.status()).isEqualTo("success");
              assertThat(b.patchset()).isEqualTo("1");
            });
    assertThat(v.message())
        .contains("Build succeeded")
        .contains("- build: success")
        .contains(publicUrl() + "builds/" + builds.getFirst().id());
    assertThat(v.message()).containsPattern("\\[seakeeper buildset \\d+\\]");
  }

  @Test
  void a_failing_change_gets_verified_minus_one() throws Exception {
    ChangeHandle c = upload(config("exit 3"));
    Vote v = await(() -> votes(c), l -> !l.isEmpty()).getFirst();
    assertThat(v.value()).isEqualTo(-1);
    assertThat(v.message()).contains("Build failed").contains("- build: failure (exit 3)");
  }

  @Test
  void a_config_error_gets_a_line_comment_and_minus_one() throws Exception {
    String bad =
        "jobs:\n"
            + "  build: {run: \"true\"}\n"
            + "  lint: {run: \"true\", colour: red}\n"
            + "pipelines:\n"
            + "  check: [build, lint]\n";
    ChangeHandle c = upload(Map.of(".seakeeper.yaml", bad));
    Vote v = await(() -> votes(c), l -> !l.isEmpty()).getFirst();
    assertThat(v.value()).isEqualTo(-1);
    assertThat(v.lineComments()).containsKey(3);
    assertThat(v.lineComments().get(3)).contains("colour");
    assertThat(builds(c))
        .singleElement()
        .satisfies(b -> assertThat(b.status()).isEqualTo("config_error"));
  }

  @Test
  void recheck_runs_check_again_and_votes_again() throws Exception {
    ChangeHandle c = upload(config("true"));
    await(() -> votes(c), l -> l.size() == 1);
    comment(c, "flaky?\nrecheck");
    List<Vote> votes = await(() -> votes(c), l -> l.size() == 2);
    assertThat(votes).extracting(Vote::value).containsExactly(1, 1);
    assertThat(builds(c)).hasSize(2).allSatisfy(b -> assertThat(b.status()).isEqualTo("success"));
    comment(c, "please recheck this");
    settle();
    assertThat(votes(c)).as("'recheck' must be a line of its own").hasSize(2);
  }

  @Test
  void a_new_patchset_cancels_the_old_builds_and_only_the_new_one_is_voted_on() throws Exception {
    ChangeHandle c = upload(config("sleep 120"));
    await(() -> builds(c), b -> is(b, 0, "running"));
    uploadPatchset(c, config("true"));
    List<BuildRow> builds = await(() -> builds(c), b -> is(b, 1, "success"));
    assertThat(builds)
        .extracting(BuildRow::patchset, BuildRow::status)
        .containsExactly(tuple("1", "cancelled"), tuple("2", "success"));
    Vote v = await(() -> votes(c), l -> !l.isEmpty()).getFirst();
    assertThat(v.patchset()).isEqualTo("2");
    assertThat(v.value()).isEqualTo(1);
    settle();
    assertThat(votes(c)).hasSize(1);
  }

  @Test
  void abandoning_a_change_cancels_its_builds_and_votes_nothing() throws Exception {
    ChangeHandle c = upload(config("sleep 120"));
    await(() -> builds(c), b -> is(b, 0, "running"));
    abandon(c);
    await(() -> builds(c), b -> is(b, 0, "cancelled"));
    settle();
    assertThat(votes(c)).isEmpty();
  }
}
