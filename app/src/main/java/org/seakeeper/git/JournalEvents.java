package org.seakeeper.git;

import java.io.IOException;
import java.util.Optional;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.seakeeper.core.event.TriggerEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns journal entries of one repository into trigger events (docs/contracts.md §4):
 *
 * <ul>
 *   <li>{@code refs/heads/*} updated or created: {@code RefUpdated} for the new tip, its sequence
 *       the entry's journal offset (so the same move made twice is two events);
 *   <li>{@code refs/tags/*} created: {@code RefUpdated} with the tag peeled to its commit (the
 *       scheduler decides by the tag pattern whether it is a release); moved tags are ignored;
 *   <li>{@code refs/for/<branch>[/<topic>]}: {@code ChangeProposed}, numbered by {@link Patchsets};
 *   <li>deletes and every other ref: nothing.
 * </ul>
 *
 * Not thread-safe; used under the connection's delivery lock.
 */
final class JournalEvents {
  private static final Logger log = LoggerFactory.getLogger(JournalEvents.class);
  static final String HEADS = "refs/heads/";
  static final String TAGS = "refs/tags/";
  static final String FOR = "refs/for/";

  private final String connection;
  private final String project;
  private final Patchsets patchsets;

  JournalEvents(String connection, String project, Patchsets patchsets) {
    this.connection = connection;
    this.project = project;
    this.patchsets = patchsets;
  }

  /** The event of an entry, if it starts anything; also advances patch set numbering. */
  Optional<TriggerEvent> map(Journal.Entry e, Repository repo) throws IOException {
    if (e.deletes()) {
      return Optional.empty();
    }
    String ref = e.ref();
    if (ref.startsWith(HEADS)) {
      return Optional.of(
          new TriggerEvent.RefUpdated(
              connection, project, ref, e.oldId(), e.newId(), Long.toString(e.offset())));
    }
    if (ref.startsWith(TAGS) && e.creates()) {
      return peeled(repo, e.newId())
          .map(
              commit ->
                  new TriggerEvent.RefUpdated(
                      connection, project, ref, e.oldId(), commit, Long.toString(e.offset())));
    }
    if (ref.startsWith(FOR) && ref.length() > FOR.length()) {
      String change = patchsets.changeOf(repo, e.newId());
      int patchset = patchsets.number(change, e.newId());
      return Optional.of(
          new TriggerEvent.ChangeProposed(
              connection,
              project,
              branchOf(repo, ref),
              change,
              Integer.toString(patchset),
              e.newId(),
              ref));
    }
    return Optional.empty();
  }

  /** Replays an already delivered entry's effect on patch set numbering (start-up scan). */
  void learn(Journal.Entry e, Repository repo) throws IOException {
    if (!e.deletes() && e.ref().startsWith(FOR) && e.ref().length() > FOR.length()) {
      patchsets.number(patchsets.changeOf(repo, e.newId()), e.newId());
    }
  }

  /**
   * The target branch of {@code refs/for/<branch>[/<topic>]}. Branch names may contain slashes, so
   * the longest prefix that names an existing branch wins; when none exists (a change for a new
   * branch), the first path segment is the branch and the rest the topic.
   */
  static String branchOf(Repository repo, String ref) throws IOException {
    String rest = ref.substring(FOR.length());
    for (int cut = rest.length(); cut > 0; cut = rest.lastIndexOf('/', cut - 1)) {
      String candidate = rest.substring(0, cut);
      if (repo.exactRef(HEADS + candidate) != null) {
        return candidate;
      }
    }
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /** The commit a tag points to (through annotated tags); empty when it is not a commit. */
  private Optional<String> peeled(Repository repo, String id) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      return Optional.of(walk.parseCommit(ObjectId.fromString(id)).name());
    } catch (MissingObjectException e) {
      log.warn("{}: tag object {} is missing; using it unpeeled", project, id);
      return Optional.of(id);
    } catch (IncorrectObjectTypeException e) {
      log.info("{}: tag {} does not point to a commit; ignored", project, id);
      return Optional.empty();
    }
  }
}
