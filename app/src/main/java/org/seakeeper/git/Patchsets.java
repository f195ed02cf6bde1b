package org.seakeeper.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proposed changes of one repository and their patch sets. A commit's change is its last {@code
 * Change-Id:} footer, or the commit id when it has none; patch sets are numbered 1, 2, ... over the
 * distinct commits of a change in journal order, so numbers depend only on the journal and are the
 * same after every restart. Each commit's change is also remembered in a file of the state
 * directory, so numbering does not shift when an overwritten patch set's commit is later
 * garbage-collected. Not thread-safe; used under the connection's delivery lock.
 */
final class Patchsets {
  private static final Logger log = LoggerFactory.getLogger(Patchsets.class);

  /** Untrusted text from a commit message: one token, bounded, no separators of our own. */
  private static final Pattern CHANGE_ID = Pattern.compile("[A-Za-z0-9._~+-]{1,128}");

  private final Path changeIdsFile;
  private final Map<String, String> changeOfCommit = new HashMap<>();
  private final Map<String, List<String>> commitsOfChange = new HashMap<>();

  Patchsets(Path changeIdsFile) throws IOException {
    this.changeIdsFile = changeIdsFile;
    if (Files.exists(changeIdsFile)) {
      for (String line : Files.readAllLines(changeIdsFile, StandardCharsets.UTF_8)) {
        String[] f = line.split(" ");
        if (f.length == 2) {
          changeOfCommit.put(f[0], f[1]);
        }
      }
    }
  }

  /** The change {@code commit} belongs to: its Change-Id footer, or the commit id. */
  String changeOf(Repository repo, String commit) throws IOException {
    String known = changeOfCommit.get(commit);
    if (known != null) {
      return known;
    }
    Optional<String> footer;
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
      footer = lastChangeId(c);
    } catch (MissingObjectException e) {
      // Gone before we saw it (pruned): nothing better than the commit id is knowable.
      log.warn(
          "{}: proposed commit {} is missing; using the commit id as its change",
          repo.getDirectory(),
          commit);
      return commit;
    }
    String change = footer.orElse(commit);
    changeOfCommit.put(commit, change);
    Files.writeString(
        changeIdsFile,
        commit + " " + change + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return change;
  }

  /** The patch set number of {@code commit} in {@code change}; a new commit gets the next one. */
  int number(String change, String commit) {
    List<String> commits = commitsOfChange.computeIfAbsent(change, k -> new ArrayList<>());
    int i = commits.indexOf(commit);
    if (i < 0) {
      commits.add(commit);
      return commits.size();
    }
    return i + 1;
  }

  private static Optional<String> lastChangeId(RevCommit c) {
    List<String> values = c.getFooterLines("Change-Id");
    for (int i = values.size() - 1; i >= 0; i--) {
      String v = values.get(i).strip();
      if (CHANGE_ID.matcher(v).matches()) {
        return Optional.of(v);
      }
      log.warn("commit {}: ignoring unusable Change-Id footer {}", c.name(), v);
    }
    return Optional.empty();
  }
}
