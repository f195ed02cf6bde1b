package org.seakeeper.core.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.When;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads one job's mapping into a {@link JobDecl}, recording every problem. Stateless. */
public final class JobDeclParser {
  /** Every key a job may have. */
  public static final List<String> KEYS =
      List.of(
          "run",
          "timeout",
          "image",
          "extends",
          "needs",
          "artifacts",
          "secrets",
          "variables",
          "retries",
          "checkout",
          "when",
          "matrix",
          "description");

  static final List<String> WHEN_KEYS = List.of("branches", "files", "ignore_files");
  static final Pattern JOB_NAME = Pattern.compile("\\.?[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  static final Pattern BASE_JOB_NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)+");
  static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Pattern SECRET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,63}");

  /** Longest timeout a job may ask for. */
  public static final Duration MAX_TIMEOUT = Duration.ofHours(24);

  /** Most infrastructure retries a job may ask for. */
  public static final int MAX_RETRIES = 3;

  /** Most commits of history a job may ask for in its checkout (0 asks for all of it). */
  public static final int MAX_CHECKOUT_DEPTH = 10_000;

  /** Most instances one matrix may expand to. */
  public static final int MAX_MATRIX = 64;

  private JobDeclParser() {}

  public static JobDecl parse(String name, Pos namePos, MappingNode m, Problems p) {
    Located<String> run = null;
    Located<Duration> timeout = null;
    Located<String> image = null;
    Located<String> ext = null;
    List<Located<String>> needs = null;
    List<Located<String>> artifacts = null;
    List<Located<String>> secrets = null;
    Map<String, String> variables = null;
    Located<Integer> retries = null;
    Located<Integer> checkoutDepth = null;
    When when = null;
    Located<Map<String, List<String>>> matrix = null;
    String description = null;
    for (Nodes.Entry e : Nodes.entries(m, p)) {
      Node v = e.value();
      String what = "'" + e.key() + "' of job '" + name + "'";
      switch (e.key()) {
        case "run" -> run = script(v, what, p);
        case "timeout" -> timeout = duration(v, what, p);
        case "image" ->
            image = matching(v, what, IMAGE, "an image name like 'host' or 'debian-12'", p);
        case "extends" -> ext = extendsName(v, what, p);
        case "needs" -> needs = Nodes.strings(v, what, p);
        case "artifacts" -> artifacts = artifacts(v, what, p);
        case "secrets" -> secrets = secrets(v, what, p);
        case "variables" -> variables = variables(v, what, p);
        case "retries" -> retries = retries(v, what, p);
        case "checkout" -> checkoutDepth = checkout(v, name, p);
        case "when" -> when = when(v, what, p);
        case "matrix" -> matrix = matrix(v, e.keyPos(), what, p);
        case "description" -> description = Nodes.string(v, what, p).orElse(null);
        default ->
            p.error(
                e.keyPos(),
                "unknown key '"
                    + e.key()
                    + "' in job '"
                    + name
                    + "'"
                    + Suggest.hint(e.key(), KEYS));
      }
    }
    return new JobDecl(
        name,
        namePos,
        run,
        timeout,
        image,
        ext,
        needs,
        artifacts,
        secrets,
        variables,
        retries,
        checkoutDepth,
        when,
        matrix,
        description);
  }

  /**
   * A 'run' that is present but wrong, already reported: kept as present so that the job is not
   * also reported as having no 'run' at all. The file is invalid, so it never runs.
   */
  private static Located<String> invalidRun(Node v) {
    return new Located<>("", Nodes.pos(v));
  }

  private static Located<String> script(Node v, String what, Problems p) {
    String text;
    if (v instanceof SequenceNode seq) {
      List<String> lines = Nodes.strings(v, what, p).stream().map(Located::value).toList();
      if (lines.size() < seq.getValue().size()) {
        return invalidRun(v);
      }
      text = String.join("\n", lines);
    } else if (Nodes.isNull(v)) {
      text = "";
    } else {
      Optional<String> s = Nodes.string(v, what, p);
      if (s.isEmpty()) {
        return invalidRun(v);
      }
      text = s.get();
    }
    if (text.isBlank()) {
      p.error(Nodes.pos(v), what + " is empty: give the commands to run");
      return invalidRun(v);
    }
    return new Located<>(text, Nodes.pos(v));
  }

  private static Located<Duration> duration(Node v, String what, Problems p) {
    if (!(v instanceof ScalarNode) || Nodes.isNull(v)) {
      p.error(
          Nodes.pos(v),
          what + " must be a duration like 90s, 10m or 1h30m, found " + Nodes.kind(v));
      return null;
    }
    String s = ((ScalarNode) v).getValue();
    Optional<Duration> d = Durations.parse(s);
    if (d.isEmpty()) {
      String fix =
          s.strip().matches("[0-9]+")
              ? "add a unit, like " + s.strip() + "s"
              : "write it like 90s, 10m or 1h30m";
      p.error(Nodes.pos(v), "bad duration '" + s + "' for " + what + ": " + fix);
      return null;
    }
    if (d.get().isZero()) {
      p.error(Nodes.pos(v), what + " must be longer than 0s");
      return null;
    }
    if (d.get().compareTo(MAX_TIMEOUT) > 0) {
      p.error(
          Nodes.pos(v),
          what + " is " + Durations.format(d.get()) + ", longer than the 24h maximum");
      return null;
    }
    return new Located<>(d.get(), Nodes.pos(v));
  }

  private static Located<String> matching(
      Node v, String what, Pattern re, String expected, Problems p) {
    Optional<String> s = Nodes.string(v, what, p);
    if (s.isEmpty()) {
      return null;
    }
    if (!re.matcher(s.get()).matches()) {
      p.error(Nodes.pos(v), "bad " + what + ": '" + s.get() + "' is not " + expected);
      return null;
    }
    return new Located<>(s.get(), Nodes.pos(v));
  }

  private static Located<String> extendsName(Node v, String what, Problems p) {
    Optional<String> s = Nodes.string(v, what, p);
    if (s.isEmpty()) {
      return null;
    }
    if (!JOB_NAME.matcher(s.get()).matches() && !BASE_JOB_NAME.matcher(s.get()).matches()) {
      p.error(
          Nodes.pos(v),
          "bad "
              + what
              + ": '"
              + s.get()
              + "' is neither a job name nor a base job like 'base/java'");
      return null;
    }
    return new Located<>(s.get(), Nodes.pos(v));
  }

  private static List<Located<String>> artifacts(Node v, String what, Problems p) {
    List<Located<String>> out = new ArrayList<>();
    for (Located<String> g : Nodes.strings(v, what, p)) {
      String s = g.value();
      if (s.isBlank() || s.startsWith("/") || List.of(s.split("/")).contains("..")) {
        p.error(g.pos(), "bad artifact glob '" + s + "': it must be a path inside the workspace");
      } else {
        out.add(g);
      }
    }
    return out;
  }

  private static List<Located<String>> secrets(Node v, String what, Problems p) {
    List<Located<String>> out = new ArrayList<>();
    for (Located<String> s : Nodes.strings(v, what, p)) {
      if (SECRET.matcher(s.value()).matches()) {
        out.add(s);
      } else {
        p.error(
            s.pos(), "bad secret name '" + s.value() + "': use letters, digits, '.', '_' and '-'");
      }
    }
    return out;
  }

  /** Reads a variables mapping; also used for the top-level {@code variables:}. */
  static Map<String, String> variables(Node v, String what, Problems p) {
    Map<String, String> out = new LinkedHashMap<>();
    Nodes.mapping(v, what, p)
        .ifPresent(
            m -> {
              for (Nodes.Entry e : Nodes.entries(m, p)) {
                if (!VARIABLE.matcher(e.key()).matches()) {
                  p.error(
                      e.keyPos(),
                      "bad variable name '" + e.key() + "': use letters, digits and '_'");
                } else if (e.key().startsWith("SEAKEEPER_")) {
                  p.error(
                      e.keyPos(),
                      "variable '"
                          + e.key()
                          + "' is reserved: names starting with SEAKEEPER_ are set by Seakeeper");
                } else {
                  Nodes.scalarText(e.value(), "variable '" + e.key() + "'", p)
                      .ifPresent(s -> out.put(e.key(), s));
                }
              }
            });
    return out;
  }

  private static Located<Integer> retries(Node v, String what, Problems p) {
    Optional<Integer> n = Nodes.integer(v, what, p);
    if (n.isEmpty()) {
      return null;
    }
    if (n.get() < 0 || n.get() > MAX_RETRIES) {
      p.error(Nodes.pos(v), what + " must be between 0 and " + MAX_RETRIES);
      return null;
    }
    return new Located<>(n.get(), Nodes.pos(v));
  }

  static final List<String> CHECKOUT_KEYS = List.of("depth");

  /** {@code checkout: {depth: N}}: the commits of history the workspace holds (0: all). */
  private static Located<Integer> checkout(Node v, String job, Problems p) {
    Optional<MappingNode> m = Nodes.mapping(v, "'checkout' of job '" + job + "'", p);
    if (m.isEmpty()) {
      return null;
    }
    Located<Integer> depth = null;
    for (Nodes.Entry e : Nodes.entries(m.get(), p)) {
      if (!e.key().equals("depth")) {
        p.error(
            e.keyPos(),
            "unknown key '"
                + e.key()
                + "' in 'checkout' of job '"
                + job
                + "'"
                + Suggest.hint(e.key(), CHECKOUT_KEYS));
        continue;
      }
      String what = "'checkout.depth' of job '" + job + "'";
      Optional<Integer> n = Nodes.integer(e.value(), what, p);
      if (n.isEmpty()) {
        continue;
      }
      if (n.get() < 0 || n.get() > MAX_CHECKOUT_DEPTH) {
        p.error(
            Nodes.pos(e.value()),
            what + " must be between 0 (the whole history) and " + MAX_CHECKOUT_DEPTH + " commits");
        continue;
      }
      depth = new Located<>(n.get(), Nodes.pos(e.value()));
    }
    return depth;
  }

  private static When when(Node v, String what, Problems p) {
    Optional<MappingNode> m = Nodes.mapping(v, what, p);
    if (m.isEmpty()) {
      return null;
    }
    List<Glob> branches = List.of();
    List<Glob> files = List.of();
    List<Glob> ignore = List.of();
    for (Nodes.Entry e : Nodes.entries(m.get(), p)) {
      List<Glob> globs =
          Nodes.strings(e.value(), "'when." + e.key() + "'", p).stream()
              .map(l -> Glob.of(l.value()))
              .toList();
      switch (e.key()) {
        case "branches" -> branches = globs;
        case "files" -> files = globs;
        case "ignore_files" -> ignore = globs;
        default ->
            p.error(
                e.keyPos(),
                "unknown key '" + e.key() + "' in 'when'" + Suggest.hint(e.key(), WHEN_KEYS));
      }
    }
    return new When(branches, files, ignore);
  }

  /** Reads a matrix; problems of the whole matrix are reported at its key {@code at}. */
  private static Located<Map<String, List<String>>> matrix(
      Node v, Pos at, String what, Problems p) {
    Optional<MappingNode> m = Nodes.mapping(v, what, p);
    if (m.isEmpty()) {
      return null;
    }
    List<Nodes.Entry> entries = Nodes.entries(m.get(), p);
    if (entries.isEmpty()) {
      p.error(at, what + " needs at least one variable with values");
      return null;
    }
    Map<String, List<String>> axes = new LinkedHashMap<>();
    BigInteger combinations = BigInteger.ONE; // many axes overflow a long
    for (Nodes.Entry e : entries) {
      Optional<List<String>> values = axis(e, p);
      if (values.isPresent()) {
        axes.put(e.key(), values.get());
        combinations = combinations.multiply(BigInteger.valueOf(values.get().size()));
      }
    }
    if (axes.size() < entries.size()) {
      return null; // a variable is wrong, already reported
    }
    if (combinations.compareTo(BigInteger.valueOf(MAX_MATRIX)) > 0) {
      p.error(at, what + " expands to " + combinations + " jobs; the limit is " + MAX_MATRIX);
      return null;
    }
    return new Located<>(axes, Nodes.pos(v));
  }

  /** One matrix variable's values, or empty when it is wrong (reported). */
  private static Optional<List<String>> axis(Nodes.Entry e, Problems p) {
    if (!VARIABLE.matcher(e.key()).matches()) {
      p.error(e.keyPos(), "bad matrix variable '" + e.key() + "': use letters, digits and '_'");
      return Optional.empty();
    }
    if (e.key().startsWith("SEAKEEPER_")) {
      p.error(
          e.keyPos(),
          "matrix variable '"
              + e.key()
              + "' is reserved: names starting with SEAKEEPER_ are set by Seakeeper");
      return Optional.empty();
    }
    Optional<List<Node>> items = Nodes.list(e.value(), "matrix variable '" + e.key() + "'", p);
    if (items.isEmpty()) {
      return Optional.empty();
    }
    if (items.get().isEmpty()) {
      p.error(Nodes.pos(e.value()), "matrix variable '" + e.key() + "' needs at least one value");
      return Optional.empty();
    }
    Set<String> values = new LinkedHashSet<>();
    boolean ok = true;
    for (Node i : items.get()) {
      Optional<String> s =
          Nodes.scalarText(i, "each value of matrix variable '" + e.key() + "'", p);
      if (s.isPresent() && values.contains(s.get())) {
        p.error(Nodes.pos(i), "matrix variable '" + e.key() + "' lists '" + s.get() + "' twice");
        ok = false;
      } else if (s.isPresent()) {
        values.add(s.get());
      } else {
        ok = false;
      }
    }
    return ok ? Optional.of(List.copyOf(values)) : Optional.empty();
  }
}
