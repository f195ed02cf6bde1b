import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.seakeeper.core.gate.ChangeRef;

/**
 * The prototype of the merger's tree-level merge (app: org.seakeeper.git.TreeMerge, which
 * JGitMerger now uses), kept as a reference point for bench/GateQueueBench.java; not Seakeeper
 * code: a three-way merge of trees that never enters a subtree only one side changed, as git's
 * merge-ort does, so its cost follows the size of the changes, not of the repository. It handles
 * only merges where no path changed on both sides (a real merger would fall back to JGit's
 * ResolveMerger for those) and writes the same objects JGitMerger writes: the new trees and one
 * merge commit per change.
 */
final class TreeMerge {
  private static final PersonIdent WHO = new PersonIdent("Seakeeper", "seakeeper@localhost");
  private static final Comparator<String> GIT_ORDER = Comparator.naturalOrder();

  private record Entry(FileMode mode, ObjectId id) {}

  private TreeMerge() {}

  /**
   * Main's tip, then each change merged in order; returns the last state's tree. {@code packed}:
   * the new objects go to one pack written at the end instead of loose objects per merge.
   */
  static ObjectId chain(Path gitDir, List<ChangeRef> changes, boolean packed) throws IOException {
    try (Repository repo =
            new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
        ObjectInserter ins =
            packed
                ? ((ObjectDirectory) repo.getObjectDatabase()).newPackInserter()
                : repo.newObjectInserter();
        ObjectReader reader = ins.newReader();
        RevWalk walk = new RevWalk(reader)) {
      RevCommit current = walk.parseCommit(repo.resolve("refs/heads/main"));
      for (ChangeRef c : changes) {
        RevCommit change = walk.parseCommit(ObjectId.fromString(c.commit()));
        RevCommit base = mergeBase(reader, current, change);
        ObjectId tree =
            merge(
                reader,
                ins,
                base == null ? null : base.getTree(),
                current.getTree(),
                change.getTree());
        if (tree == null) {
          throw new IllegalStateException(
              c + " changes a path the state also changed: needs a content merge");
        }
        CommitBuilder cb = new CommitBuilder();
        cb.setTreeId(tree);
        cb.setParentIds(current, change);
        cb.setAuthor(WHO);
        cb.setCommitter(WHO);
        cb.setMessage("Speculative merge of " + c + "\n");
        ObjectId merged = ins.insert(cb);
        if (!packed) {
          ins.flush();
        }
        current = walk.parseCommit(merged);
      }
      ins.flush();
      return current.getTree();
    }
  }

  private static RevCommit mergeBase(ObjectReader reader, RevCommit a, RevCommit b)
      throws IOException {
    try (RevWalk w = new RevWalk(reader)) {
      w.setRevFilter(RevFilter.MERGE_BASE);
      w.markStart(w.parseCommit(a));
      w.markStart(w.parseCommit(b));
      RevCommit base = w.next();
      return base == null ? null : w.parseCommit(base);
    }
  }

  /** The merged tree, or null when some path changed on both sides. */
  private static ObjectId merge(
      ObjectReader r, ObjectInserter ins, ObjectId base, ObjectId ours, ObjectId theirs)
      throws IOException {
    if (ours.equals(theirs) || theirs.equals(base)) {
      return ours;
    }
    if (ours.equals(base)) {
      return theirs;
    }
    Map<String, Entry> b = read(r, base);
    Map<String, Entry> o = read(r, ours);
    Map<String, Entry> t = read(r, theirs);
    TreeMap<String, Entry> out = new TreeMap<>(GIT_ORDER);
    List<String> names = new ArrayList<>(o.keySet());
    t.keySet().stream().filter(n -> !o.containsKey(n)).forEach(names::add);
    b.keySet().stream().filter(n -> !o.containsKey(n) && !t.containsKey(n)).forEach(names::add);
    for (String n : names) {
      Entry eb = b.get(n);
      Entry eo = o.get(n);
      Entry et = t.get(n);
      Entry take;
      if (java.util.Objects.equals(eo, et) || java.util.Objects.equals(eb, et)) {
        take = eo;
      } else if (java.util.Objects.equals(eb, eo)) {
        take = et;
      } else if (eo != null
          && et != null
          && eo.mode() == FileMode.TREE
          && et.mode() == FileMode.TREE
          && (eb == null || eb.mode() == FileMode.TREE)) {
        ObjectId sub = merge(r, ins, eb == null ? null : eb.id(), eo.id(), et.id());
        if (sub == null) {
          return null;
        }
        take = new Entry(FileMode.TREE, sub);
      } else {
        return null;
      }
      if (take != null) {
        out.put(take.mode() == FileMode.TREE ? n + "/" : n, take);
      }
    }
    TreeFormatter f = new TreeFormatter();
    for (Map.Entry<String, Entry> e : out.entrySet()) {
      String name =
          e.getKey().endsWith("/") ? e.getKey().substring(0, e.getKey().length() - 1) : e.getKey();
      f.append(name, e.getValue().mode(), e.getValue().id());
    }
    return ins.insert(f);
  }

  /** A tree's entries by name (empty for no tree). */
  private static Map<String, Entry> read(ObjectReader r, ObjectId tree) throws IOException {
    Map<String, Entry> m = new java.util.HashMap<>();
    if (tree == null) {
      return m;
    }
    CanonicalTreeParser p = new CanonicalTreeParser(null, r, tree);
    for (; !p.eof(); p.next()) {
      m.put(
          p.getEntryPathString(),
          new Entry(FileMode.fromBits(p.getEntryRawMode()), p.getEntryObjectId()));
    }
    return m;
  }
}
