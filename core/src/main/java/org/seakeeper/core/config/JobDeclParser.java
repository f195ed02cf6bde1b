package org.seakeeper.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.When;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/** Reads one job's mapping into a {@link JobDecl}, recording every problem. Stateless. */
public final class JobDeclParser {
  /** Every key a job may have. */
  public static final List<String> KEYS =
      List.of(
          "run", "timeout", "image", "extends", "needs", "artifacts", "secrets", "variables",
          "retries", "when", "matrix", "description");

  static final List<String> WHEN_KEYS = List.of("branches", "files", "ignore_files");
  static final Pattern JOB_NAME = Pattern.compile("\\.?[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  static final Pattern BASE_JOB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)+");
  static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Pattern SECRET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,63}");
  /** Longest timeout a job may ask for. */
  public static final Duration MAX_TIMEOUT = Duration.ofHours(24);
  /** Most infrastructure retries a job may ask for. */
  public static final int MAX_RETRIES = 3;
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
    When when = null;
    Located<Map<String, List<String>>> matrix = null;
    String description = null;
    for (Nodes.Entry e : Nodes.entries(m, p)) {
      Node v = e.value();
      String what = "'" + e.key() + "' of job '" + name + "'";
      switch (e.key()) {
        case "run" -> run = script(v, what, p);
        case "timeout" -> timeout = duration(v, what, p);
        case "image" -> image = matching(v, what, IMAGE, "an image name like 'host' or 'debian-12'", p);
        case "extends" -> ext = extendsName(v, what, p);
        case "needs" -> needs = Nodes.strings(v, what, p);
        case "artifacts" -> artifacts = artifacts(v, what, p);
        case "secrets" -> secrets = secrets(v, what, p);
        case "variables" -> variables = variables(v, what, p);
        case "retries" -> retries = retries(v, what, p);
        case "when" -> when = when(v, what, p);
        case "matrix" -> matrix = matrix(v, what, p);
        case "description" -> description = Nodes.string(v, what, p).orElse(null);
        default ->
            p.error(e.keyPos(), "unknown key '" + e.key() + "' in job '" + name + "'" + Suggest.hint(e.key(), KEYS));
      }
    }
    return new JobDecl(
        name, namePos, run, timeout, image, ext, needs, artifacts, secrets, variables, retries, when,
        matrix, description);
  }

  private static Located<String> script(Node v, String what, Problems p) {
    String text;
    if (v instanceof org.snakeyaml.engine.v2.nodes.SequenceNode) {
      List<String> lines = Nodes.strings(v, what, p).stream().map(Located::value).toList();
      text = String.join("\n", lines);
    } else if (Nodes.isNull(v)) {
      text = "";
    } else {
      Optional<String> s = Nodes.string(v, what, p);
      if (s.isEmpty()) {
        return null;
      }
      text = s.get();
    }
    if (text.isBlank()) {
      p.error(Nodes.pos(v), what + " is empty: give the commands to run");
      return null;
    }
    return new Located<>(text, Nodes.pos(v));
  }

  private static Located<Duration> duration(Node v, String what, Problems p) {
    Optional<String> s = Nodes.scalarText(v, what, p);
    if (s.isEmpty()) {
      return null;
    }
    Optional<Duration> d = Durations.parse(s.get());
    if (d.isEmpty()) {
      p.error(Nodes.pos(v), "bad duration '" + s.get() + "' for " + what + ": write it like 90s, 10m or 1h30m");
      return null;
    }
    if (d.get().isZero()) {
      p.error(Nodes.pos(v), what + " must be longer than 0s");
      return null;
    }
    if (d.get().compareTo(MAX_TIMEOUT) > 0) {
      p.error(Nodes.pos(v), what + " is " + Durations.format(d.get()) + ", longer than the 24h maximum");
      return null;
    }
    return new Located<>(d.get(), Nodes.pos(v));
  }

  private static Located<String> matching(Node v, String what, Pattern re, String expected, Problems p) {
    Optional<String> s = Nodes.string(v, what, p);
    if (s.isEmpty()) {
      return null;
    }
    if (!re.matcher(s.get()).matches()) {
      p.error(Nodes.pos(v), "bad " + what + " '" + s.get() + "': expected " + expected);
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
      p.error(Nodes.pos(v), "bad " + what + " '" + s.get() + "': expected a job name or a base job like 'base/java'");
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
        p.error(s.pos(), "bad secret name '" + s.value() + "': use letters, digits, '.', '_' and '-'");
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
                  p.error(e.keyPos(), "bad variable name '" + e.key() + "': use letters, digits and '_'");
                } else if (e.key().startsWith("SEAKEEPER_")) {
                  p.error(e.keyPos(), "variable '" + e.key() + "' is reserved: names starting with SEAKEEPER_ are set by Seakeeper");
                } else {
                  Nodes.scalarText(e.value(), "variable '" + e.key() + "'", p).ifPresent(s -> out.put(e.key(), s));
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

  private static When when(Node v, String what, Problems p) {
    Optional<MappingNode> m = Nodes.mapping(v, what, p);
    if (m.isEmpty()) {
      return null;
    }
    List<Glob> branches = List.of();
    List<Glob> files = List.of();
    List<Glob> ignore = List.of();
    for (Nodes.Entry e : Nodes.entries(m.get(), p)) {
      List<Glob> globs = Nodes.strings(e.value(), "'when." + e.key() + "'", p).stream().map(l -> Glob.of(l.value())).toList();
      switch (e.key()) {
        case "branches" -> branches = globs;
        case "files" -> files = globs;
        case "ignore_files" -> ignore = globs;
        default -> p.error(e.keyPos(), "unknown key '" + e.key() + "' in 'when'" + Suggest.hint(e.key(), WHEN_KEYS));
      }
    }
    return new When(branches, files, ignore);
  }

  private static Located<Map<String, List<String>>> matrix(Node v, String what, Problems p) {
    Optional<MappingNode> m = Nodes.mapping(v, what, p);
    if (m.isEmpty()) {
      return null;
    }
    Map<String, List<String>> axes = new LinkedHashMap<>();
    long combinations = 1;
    for (Nodes.Entry e : Nodes.entries(m.get(), p)) {
      if (!VARIABLE.matcher(e.key()).matches()) {
        p.error(e.keyPos(), "bad matrix variable '" + e.key() + "': use letters, digits and '_'");
        continue;
      }
      List<String> values = new ArrayList<>();
      Nodes.list(e.value(), "matrix variable '" + e.key() + "'", p)
          .ifPresent(items -> items.forEach(i -> Nodes.scalarText(i, "each value of '" + e.key() + "'", p).ifPresent(values::add)));
      if (values.isEmpty()) {
        p.error(Nodes.pos(e.value()), "matrix variable '" + e.key() + "' needs at least one value");
        continue;
      }
      axes.put(e.key(), List.copyOf(values));
      combinations *= values.size();
    }
    if (axes.isEmpty()) {
      p.error(Nodes.pos(v), what + " needs at least one variable with values");
      return null;
    }
    if (combinations > MAX_MATRIX) {
      p.error(Nodes.pos(v), what + " expands to " + combinations + " jobs; the limit is " + MAX_MATRIX);
      return null;
    }
    return new Located<>(axes, Nodes.pos(v));
  }
}
