package org.seakeeper.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * A three-way merge of trees in which no path changed on both sides, as git's merge-ort does it: a
 * subtree only one side changed is taken whole without being read, so the cost follows the size of
 * the changes, not of the repository, and only the trees on the way to the changes are written.
 * Anything else (a path changed differently on both sides, a file against a directory both changed)
 * is left to JGit's {@code ResolveMerger}: {@link #merge} then answers empty. Where it answers, the
 * tree is the one {@code ResolveMerger} gives (JGitMergerTest compares them). Stateless.
 */
final class TreeMerge {
  private TreeMerge() {}

  /** One tree entry: its raw mode and object. */
  private record Entry(int mode, ObjectId id) {
    boolean tree() {
      return FileMode.TREE.equals(mode);
    }
  }

  /**
   * The merged tree of {@code ours} and {@code theirs} against {@code base} (null: no common
   * ancestor, every path added on both sides), new trees inserted through {@code ins}; empty when
   * some path needs a content merge or has a conflict.
   */
  static Optional<ObjectId> merge(
      ObjectReader reader,
      ObjectInserter ins,
      AnyObjectId base,
      AnyObjectId ours,
      AnyObjectId theirs)
      throws IOException {
    ObjectId tree =
        mergeTree(reader, ins, base == null ? null : base.copy(), ours.copy(), theirs.copy());
    if (tree != null && tree.equals(ObjectId.zeroId())) {
      tree = ins.insert(new TreeFormatter()); // everything deleted: the empty tree
    }
    return Optional.ofNullable(tree);
  }

  /**
   * The merged tree, null when some path changed on both sides, the zero id when it has no entries.
   */
  private static ObjectId mergeTree(
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
    // Names are bytes as ISO-8859-1 chars, so that String order is git's unsigned byte order;
    // a tree sorts as if its name ended in '/'.
    TreeMap<String, Entry> out = new TreeMap<>();
    Set<String> names = new HashSet<>(o.keySet());
    names.addAll(t.keySet());
    names.addAll(b.keySet());
    for (String n : names) {
      Entry eb = b.get(n);
      Entry eo = o.get(n);
      Entry et = t.get(n);
      Entry take;
      if (Objects.equals(eo, et) || Objects.equals(eb, et)) {
        take = eo;
      } else if (Objects.equals(eb, eo)) {
        take = et;
      } else if (eo != null && et != null && eo.tree() && et.tree() && (eb == null || eb.tree())) {
        ObjectId sub = mergeTree(r, ins, eb == null ? null : eb.id(), eo.id(), et.id());
        if (sub == null) {
          return null;
        }
        take = sub.equals(ObjectId.zeroId()) ? null : new Entry(FileMode.TREE.getBits(), sub);
      } else {
        return null;
      }
      if (take != null) {
        out.put(take.tree() ? n + "/" : n, take);
      }
    }
    if (out.isEmpty()) {
      return ObjectId.zeroId(); // no entries left: the parent drops the directory, as git does
    }
    TreeFormatter f = new TreeFormatter();
    for (Map.Entry<String, Entry> e : out.entrySet()) {
      String key = e.getKey();
      String name = e.getValue().tree() ? key.substring(0, key.length() - 1) : key;
      f.append(
          name.getBytes(StandardCharsets.ISO_8859_1),
          FileMode.fromBits(e.getValue().mode()),
          e.getValue().id());
    }
    return ins.insert(f);
  }

  /** A tree's entries by name (none for no tree). */
  private static Map<String, Entry> read(ObjectReader r, ObjectId tree) throws IOException {
    Map<String, Entry> m = new HashMap<>();
    if (tree == null) {
      return m;
    }
    CanonicalTreeParser p = new CanonicalTreeParser(null, r, tree);
    byte[] buf = new byte[256];
    for (; !p.eof(); p.next()) {
      int len = p.getNameLength();
      if (buf.length < len) {
        buf = new byte[len];
      }
      p.getName(buf, 0);
      m.put(
          new String(buf, 0, len, StandardCharsets.ISO_8859_1),
          new Entry(p.getEntryRawMode(), p.getEntryObjectId()));
    }
    return m;
  }
}
