package org.seakeeper.core.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Typed, position-aware reads of YAML nodes that record a problem instead of throwing. Stateless.
 */
public final class Nodes {
  private Nodes() {}

  /** One key of a mapping with the node that names it. */
  public record Entry(String key, Node keyNode, Node value) {
    public Pos keyPos() {
      return pos(keyNode);
    }
  }

  public static Pos pos(Node n) {
    return n.getStartMark().map(YamlLoader::pos).orElse(Pos.START);
  }

  /** A phrase naming what a node is, for "expected X, found Y" messages. */
  public static String kind(Node n) {
    if (n instanceof MappingNode) {
      return "a mapping";
    }
    if (n instanceof SequenceNode) {
      return "a list";
    }
    Tag t = n.getTag();
    if (Tag.NULL.equals(t)) {
      return "nothing";
    }
    if (Tag.INT.equals(t) || Tag.FLOAT.equals(t)) {
      return "a number";
    }
    if (Tag.BOOL.equals(t)) {
      return "true/false";
    }
    if (isText(n)) {
      return "a string";
    }
    return "a value tagged '" + t.getValue() + "'";
  }

  /**
   * Whether a scalar is text. The YAML library tags a plain {@code ${NAME}} as an environment
   * reference, which Seakeeper never expands: to a CI user (and to bash) it is just text.
   */
  private static boolean isText(Node n) {
    return Tag.STR.equals(n.getTag()) || Tag.ENV_TAG.equals(n.getTag());
  }

  public static boolean isScalar(Node n) {
    return n instanceof ScalarNode;
  }

  public static boolean isNull(Node n) {
    return n instanceof ScalarNode && Tag.NULL.equals(n.getTag());
  }

  /**
   * The entries of a mapping node in order, with YAML merge keys ({@code <<: *base}) applied
   * (explicit keys win). Duplicate and non-scalar keys are problems and are dropped.
   */
  public static List<Entry> entries(MappingNode m, Problems problems) {
    Map<String, Entry> own = new LinkedHashMap<>();
    List<Entry> merged = new ArrayList<>();
    for (NodeTuple t : m.getValue()) {
      Node k = t.getKeyNode();
      if (!(k instanceof ScalarNode ks)) {
        problems.error(pos(k), "keys must be plain names, found " + kind(k));
        continue;
      }
      String key = ks.getValue();
      if ("<<".equals(key) && ks.getScalarStyle() == ScalarStyle.PLAIN) {
        mergeFrom(t.getValueNode(), merged, problems);
        continue;
      }
      Entry previous = own.get(key);
      if (previous != null) {
        problems.error(
            pos(k), "duplicate key '" + key + "' (first at line " + previous.keyPos().line() + ")");
        continue;
      }
      own.put(key, new Entry(key, k, t.getValueNode()));
    }
    List<Entry> out = new ArrayList<>(own.values());
    Map<String, Boolean> seen = new HashMap<>();
    own.keySet().forEach(k -> seen.put(k, true));
    for (Entry e : merged) {
      if (seen.putIfAbsent(e.key(), true) == null) {
        out.add(e);
      }
    }
    return out;
  }

  private static void mergeFrom(Node v, List<Entry> into, Problems problems) {
    if (v instanceof MappingNode mm) {
      into.addAll(entries(mm, problems));
    } else if (v instanceof SequenceNode s) {
      for (Node n : s.getValue()) {
        mergeFrom(n, into, problems);
      }
    } else {
      problems.error(
          pos(v), "a merge key '<<' takes a mapping or a list of mappings, found " + kind(v));
    }
  }

  /** The node as a mapping, or a problem saying what {@code what} should have been. */
  public static Optional<MappingNode> mapping(Node n, String what, Problems problems) {
    if (n instanceof MappingNode m) {
      return Optional.of(m);
    }
    problems.error(pos(n), what + " must be a mapping, found " + kind(n));
    return Optional.empty();
  }

  /** A list; a single scalar is accepted as a one-item list, as GitLab CI users expect. */
  public static Optional<List<Node>> list(Node n, String what, Problems problems) {
    if (n instanceof SequenceNode s) {
      return Optional.of(s.getValue());
    }
    if (n instanceof ScalarNode && !isNull(n)) {
      return Optional.of(List.of(n));
    }
    problems.error(pos(n), what + " must be a list, found " + kind(n));
    return Optional.empty();
  }

  /** A string (not a number, boolean or null). */
  public static Optional<String> string(Node n, String what, Problems problems) {
    if (n instanceof ScalarNode s && isText(s)) {
      return Optional.of(s.getValue());
    }
    problems.error(pos(n), what + " must be a string, found " + kind(n));
    return Optional.empty();
  }

  /** Any scalar as text (strings, numbers and booleans), as environment variables take them. */
  public static Optional<String> scalarText(Node n, String what, Problems problems) {
    if (n instanceof ScalarNode s && !isNull(n)) {
      return Optional.of(s.getValue());
    }
    problems.error(pos(n), what + " must be a string, number or boolean, found " + kind(n));
    return Optional.empty();
  }

  /** A whole number. */
  public static Optional<Integer> integer(Node n, String what, Problems problems) {
    if (n instanceof ScalarNode s && Tag.INT.equals(s.getTag())) {
      try {
        return Optional.of(Integer.parseInt(s.getValue().replace("_", "")));
      } catch (NumberFormatException e) {
        boolean digits = s.getValue().matches("[-+]?[0-9_]+");
        problems.error(
            pos(n),
            what
                + (digits
                    ? " is too large"
                    : " must be a whole number, found '" + s.getValue() + "'"));
        return Optional.empty();
      }
    }
    problems.error(pos(n), what + " must be a whole number, found " + kind(n));
    return Optional.empty();
  }

  /** A list of strings; every bad item is a problem. */
  public static List<Located<String>> strings(Node n, String what, Problems problems) {
    List<Located<String>> out = new ArrayList<>();
    list(n, what, problems)
        .ifPresent(
            items -> {
              for (Node item : items) {
                string(item, "each item of " + what, problems)
                    .ifPresent(s -> out.add(new Located<>(s, pos(item))));
              }
            });
    return out;
  }
}
