package org.seakeeper.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.event.EventSink;
import org.seakeeper.core.event.RecheckComments;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.report.Reporter;
import org.seakeeper.core.report.Review;
import org.seakeeper.core.report.Reviews;
import org.seakeeper.core.store.OutboxEntry;

/**
 * A Gerrit for scenario tests, without network: changes and patch sets live in {@link FakeRepos}
 * (patch set refs {@code refs/changes/NN/N/P}), uploads, {@code recheck} comments and abandons
 * become the same trigger events the real connection delivers, and as a {@link Reporter} it records
 * the {@link Review}s Seakeeper posts, once per buildset as the real reporter does. The shared
 * {@link GerritContract} keeps it honest against the real Gerrit. Thread-safe.
 */
public final class FakeGerrit implements Reporter {
  /** The CI account's name: its own comments never recheck. */
  public static final String CI_USER = "ci-bot";

  /** A review as Gerrit shows it on a change. */
  /**
   * The account every change of the fake is uploaded by (and so owned by), as in the tests' Gerrit.
   */
  public static final String UPLOADER = "admin";

  public record Posted(String change, String patchset, Review review) {}

  private record Change(String project, String branch, List<String> commits, boolean abandoned) {
    Change abandon() {
      return new Change(project, branch, commits, true);
    }
  }

  private final String connection;
  private final FakeRepos repos;
  private final EventSink sink;
  private final String publicUrl;
  private final Map<String, Change> changes = new LinkedHashMap<>();
  private final List<Posted> posted = new ArrayList<>();
  private int messages;
  private boolean down;

  /**
   * @param sink where events go (the inbox)
   * @param publicUrl Seakeeper's public URL, for the log links in reviews
   */
  public FakeGerrit(String connection, FakeRepos repos, EventSink sink, String publicUrl) {
    this.connection = connection;
    this.repos = repos;
    this.sink = sink;
    this.publicUrl = publicUrl;
  }

  /** A new change with patch set 1 of {@code files}; returns its number. */
  public synchronized String upload(String project, String branch, Map<String, String> files) {
    String number = Integer.toString(changes.size() + 1);
    changes.put(number, new Change(project, branch, new ArrayList<>(), false));
    return patchset(number, files);
  }

  /** A new patch set of the change; returns the change number. */
  public synchronized String newPatchset(String change, Map<String, String> files) {
    return patchset(change, files);
  }

  private String patchset(String number, Map<String, String> files) {
    Change c = get(number);
    int ps = c.commits().size() + 1;
    String ref = ref(number, ps);
    String sha = repos.commit(connection, c.project(), ref, files);
    c.commits().add(sha);
    sink.accept(
        new TriggerEvent.ChangeProposed(
            connection,
            c.project(),
            c.branch(),
            number,
            Integer.toString(ps),
            sha,
            ref,
            java.util.Optional.of(UPLOADER)));
    return number;
  }

  /**
   * A review comment; a {@code recheck} line by someone else than the CI account rechecks the
   * current patch set.
   */
  public synchronized void comment(String change, String author, String text) {
    Change c = get(change);
    String id = "message-" + (++messages);
    if (!c.abandoned() && !author.equals(CI_USER) && RecheckComments.asks(text)) {
      int ps = c.commits().size();
      sink.accept(
          new TriggerEvent.Recheck(
              connection,
              c.project(),
              c.branch(),
              change,
              Integer.toString(ps),
              c.commits().getLast(),
              ref(change, ps),
              author,
              id,
              java.util.Optional.of(UPLOADER)));
    }
  }

  public synchronized void abandon(String change) {
    Change c = get(change);
    changes.put(change, c.abandon());
    sink.accept(
        new TriggerEvent.ChangeAbandoned(
            connection, c.project(), change, "message-" + (++messages)));
  }

  /** The reviews Seakeeper posted on the change, oldest first. */
  public synchronized List<Posted> reviews(String change) {
    return posted.stream().filter(p -> p.change().equals(change)).toList();
  }

  /** While down, reporting fails (the outbox retries). */
  public synchronized void down(boolean isDown) {
    this.down = isDown;
  }

  @Override
  public synchronized boolean report(OutboxEntry entry, Buildset s, List<Build> builds) {
    if (down) {
      return false;
    }
    Optional<Review> review = Reviews.of(s, builds, entry.kind(), publicUrl);
    if (review.isEmpty() || !s.connection().equals(connection)) {
      return true;
    }
    String marker = Reviews.marker(s);
    boolean already =
        posted.stream()
            .anyMatch(
                p ->
                    p.change().equals(s.change().get())
                        && p.patchset().equals(s.patchset().get())
                        && p.review().message().contains(marker));
    if (!already) {
      posted.add(new Posted(s.change().get(), s.patchset().get(), review.get()));
    }
    return true;
  }

  private Change get(String number) {
    Change c = changes.get(number);
    if (c == null) {
      throw new IllegalArgumentException("no change " + number);
    }
    return c;
  }

  private static String ref(String change, int ps) {
    int n = Integer.parseInt(change);
    return String.format("refs/changes/%02d/%d/%d", n % 100, n, ps);
  }
}
