package org.seakeeper.core.config;

import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Turns the YAML library's syntax errors into problems a CI user understands, pointing where the
 * mistake is (the unclosed quote or bracket, the misaligned line) rather than where the parser gave
 * up (often the end of the file). Stateless.
 */
final class YamlSyntax {
  private YamlSyntax() {}

  static Problem problem(String yaml, YamlEngineException e) {
    if (!(e instanceof MarkedYamlEngineException m)) {
      String msg = e.getMessage() == null ? "unreadable YAML" : e.getMessage();
      return Problem.error(Pos.START, "YAML: " + oneLine(msg));
    }
    String problem = m.getProblem() == null ? "" : oneLine(m.getProblem());
    String context = m.getContext() == null ? "" : oneLine(m.getContext());
    Optional<Pos> at = m.getProblemMark().map(YamlLoader::pos);
    Optional<Pos> opened = m.getContextMark().map(YamlLoader::pos);
    Pos p = at.or(() -> opened).orElse(Pos.START);
    if (isTabAt(yaml, m.getProblemMark()) || problem.contains("'\\t'")) {
      return Problem.error(p, "tab character: YAML indents with spaces, not tabs");
    }
    if (opened.isPresent()) {
      Pos o = opened.get();
      if (context.equals("while scanning a quoted scalar") && problem.contains("end of stream")) {
        return Problem.error(o, "YAML syntax: the quoted string that starts here is never closed");
      }
      String bracket =
          context.endsWith("flow sequence") ? "[" : context.endsWith("flow mapping") ? "{" : null;
      if (bracket != null && problem.startsWith("expected ','")) {
        String close = bracket.equals("[") ? "]" : "}";
        if (p.line() > o.line()) {
          return Problem.error(
              o,
              "YAML syntax: the '"
                  + bracket
                  + "' here is never closed (expected ',' or '"
                  + close
                  + "' by line "
                  + p.line()
                  + ", column "
                  + p.col()
                  + ")");
        }
        return Problem.error(
            p,
            "YAML syntax: expected ',' or '"
                + close
                + "' here: quote values that contain '[', ']', '{', '}' or ','");
      }
      if (problem.startsWith("could not find expected ':'")) {
        return Problem.error(
            o, "YAML syntax: this line is neither 'key: value' nor a list item (missing ':'?)");
      }
    }
    if (problem.startsWith("expected <block end>, but found '<block mapping start>'")) {
      return Problem.error(
          p,
          "YAML syntax: bad indentation: this key does not line up with the keys of its mapping");
    }
    if (problem.startsWith("expected <block end>, but found '-'")) {
      return Problem.error(
          p, "YAML syntax: a list item ('-') where a key was expected: check the indentation");
    }
    if (problem.startsWith("found undefined alias ")) {
      String name = problem.substring("found undefined alias ".length());
      return Problem.error(
          p,
          "YAML syntax: unknown alias '*" + name + "': define '&" + name + "' earlier in the file");
    }
    if (problem.startsWith("mapping values are not allowed here")) {
      return Problem.error(
          p,
          "YAML syntax: unexpected ':' here: quote a value that contains ': ', or check this line's"
              + " indentation");
    }
    String what = problem.isBlank() ? "unreadable YAML" : problem;
    return Problem.error(p, "YAML syntax: " + (context.isBlank() ? "" : context + ": ") + what);
  }

  private static boolean isTabAt(String yaml, Optional<Mark> mark) {
    if (mark.isEmpty()) {
      return false;
    }
    int idx = mark.get().getIndex();
    int cp = 0;
    for (int i = 0; i < yaml.length(); i = yaml.offsetByCodePoints(i, 1), cp++) {
      if (cp == idx) {
        return yaml.charAt(i) == '\t';
      }
    }
    return false;
  }

  private static String oneLine(String s) {
    return s.strip().replaceAll("\\s+", " ");
  }
}
