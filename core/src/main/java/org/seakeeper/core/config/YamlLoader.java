package org.seakeeper.core.config;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.DocumentStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.MappingEndEvent;
import org.snakeyaml.engine.v2.events.MappingStartEvent;
import org.snakeyaml.engine.v2.events.SequenceEndEvent;
import org.snakeyaml.engine.v2.events.SequenceStartEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Turns the bytes of a config file into one YAML node tree with positions, or into problems.
 *
 * <p>Defends against hostile input before building the tree: size, encoding, nesting depth, alias
 * counts and alias expansion ("billion laughs") are all bounded, and several documents in one file
 * are refused. Stateless and thread-safe; parsing a string is not I/O.
 */
public final class YamlLoader {
  /** Largest accepted file. */
  public static final int MAX_BYTES = 256 * 1024;

  /** Deepest accepted nesting of mappings and lists. */
  public static final int MAX_DEPTH = 32;

  /** Most aliases ({@code *name}) accepted in one file. */
  public static final int MAX_ALIASES = 100;

  /** Most nodes the document may expand to once aliases are followed. */
  public static final int MAX_NODES = 100_000;

  private YamlLoader() {}

  /** The root node of the file's only document; empty when there is none or on errors. */
  public static Optional<Node> load(byte[] bytes, Problems problems) {
    if (bytes.length > MAX_BYTES) {
      problems.error(
          Pos.START,
          "file is " + bytes.length + " bytes; the limit is " + (MAX_BYTES / 1024) + " KiB");
      return Optional.empty();
    }
    Optional<String> text = decode(bytes, problems);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String yaml = text.get();
    if (!scan(yaml, problems)) {
      return Optional.empty();
    }
    Node root;
    try {
      Iterator<Node> docs = new Compose(settings()).composeAllFromString(yaml).iterator();
      if (!docs.hasNext()) {
        problems.error(Pos.START, "file is empty: declare your jobs under 'jobs:'");
        return Optional.empty();
      }
      root = docs.next();
    } catch (YamlEngineException e) {
      problems.add(YamlSyntax.problem(yaml, e));
      return Optional.empty();
    } catch (StackOverflowError e) {
      problems.error(Pos.START, "nesting is too deep to read");
      return Optional.empty();
    }
    if (root == null) {
      problems.error(Pos.START, "file is empty: declare your jobs under 'jobs:'");
      return Optional.empty();
    }
    try {
      long size = expandedSize(root, new IdentityHashMap<>());
      if (size > MAX_NODES) {
        problems.error(
            Nodes.pos(root),
            "aliases expand this file to more than " + MAX_NODES + " nodes; refusing to read it");
        return Optional.empty();
      }
    } catch (RecursiveAlias e) {
      problems.error(
          Nodes.pos(e.node), "an alias refers to a node that contains it (recursive alias)");
      return Optional.empty();
    }
    return Optional.of(root);
  }

  private static LoadSettings settings() {
    return LoadSettings.builder()
        .setLabel(".seakeeper.yaml")
        .setMaxAliasesForCollections(MAX_ALIASES)
        .setAllowRecursiveKeys(false)
        .setAllowNonScalarKeys(true) // reported with a position by Nodes.entries
        .setCodePointLimit(MAX_BYTES)
        .setUseMarks(true)
        .build();
  }

  private static Optional<String> decode(byte[] bytes, Problems problems) {
    int start = 0;
    if (bytes.length >= 3
        && (bytes[0] & 0xff) == 0xEF
        && (bytes[1] & 0xff) == 0xBB
        && (bytes[2] & 0xff) == 0xBF) {
      start = 3;
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult r = decoder.decode(in, out, true);
    if (r.isError()) {
      int bad = in.position();
      out.flip();
      String before = out.toString();
      problems.error(
          posAfter(before),
          String.format(
              "file is not valid UTF-8 (byte 0x%02X); save it as UTF-8", bytes[bad] & 0xff));
      return Optional.empty();
    }
    decoder.flush(out);
    out.flip();
    String s = out.toString();
    if (s.indexOf('\0') >= 0) {
      problems.error(
          posAfter(s.substring(0, s.indexOf('\0'))),
          "file contains a NUL character; is it binary?");
      return Optional.empty();
    }
    return Optional.of(s);
  }

  /** The position just after {@code prefix}. */
  private static Pos posAfter(String prefix) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < prefix.length(); i++) {
      if (prefix.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new Pos(line, prefix.codePointCount(lineStart, prefix.length()) + 1);
  }

  /** Streams the events once, cheaply, to bound depth, aliases and documents. */
  private static boolean scan(String yaml, Problems problems) {
    int depth = 0;
    int aliases = 0;
    int documents = 0;
    try {
      for (Event e : new Parse(settings()).parseString(yaml)) {
        if (e instanceof MappingStartEvent || e instanceof SequenceStartEvent) {
          depth++;
          if (depth > MAX_DEPTH) {
            problems.error(pos(e), "nesting is deeper than " + MAX_DEPTH + " levels");
            return false;
          }
        } else if (e instanceof MappingEndEvent || e instanceof SequenceEndEvent) {
          depth--;
        } else if (e instanceof AliasEvent) {
          aliases++;
          if (aliases > MAX_ALIASES) {
            problems.error(
                pos(e), "more than " + MAX_ALIASES + " aliases; refusing to expand them");
            return false;
          }
        } else if (e instanceof DocumentStartEvent) {
          documents++;
          if (documents > 1) {
            problems.error(
                pos(e),
                "a second YAML document: .seakeeper.yaml holds exactly one (remove the '---'"
                    + " separator)");
            return false;
          }
        }
      }
    } catch (YamlEngineException e) {
      problems.add(YamlSyntax.problem(yaml, e));
      return false;
    }
    return true;
  }

  private static Pos pos(Event e) {
    return e.getStartMark().map(YamlLoader::pos).orElse(Pos.START);
  }

  static Pos pos(Mark m) {
    return new Pos(m.getLine() + 1, m.getColumn() + 1);
  }

  /** Thrown while sizing a tree that contains itself. */
  private static final class RecursiveAlias extends RuntimeException {
    final transient Node node;

    RecursiveAlias(Node node) {
      super(null, null, false, false);
      this.node = node;
    }
  }

  private static long expandedSize(Node n, Map<Node, Long> memo) {
    Long known = memo.get(n);
    if (known != null) {
      if (known < 0) {
        throw new RecursiveAlias(n);
      }
      return known;
    }
    memo.put(n, -1L);
    long size = 1;
    if (n instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        size += expandedSize(t.getKeyNode(), memo) + expandedSize(t.getValueNode(), memo);
        if (size > MAX_NODES) {
          break;
        }
      }
    } else if (n instanceof SequenceNode s) {
      for (Node c : s.getValue()) {
        size += expandedSize(c, memo);
        if (size > MAX_NODES) {
          break;
        }
      }
    }
    size = Math.min(size, MAX_NODES + 1L);
    memo.put(n, size);
    return size;
  }
}
