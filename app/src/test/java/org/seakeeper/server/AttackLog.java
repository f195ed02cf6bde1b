package org.seakeeper.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the attack script ({@code attack.sh}) and its logs: which attempts it declares, what each
 * reported ({@code ATTEMPT <id> BLOCKED|LEAKED <detail>}), and what went wrong in a run.
 */
final class AttackLog {
  static final Pattern ATTEMPT =
      Pattern.compile("ATTEMPT ((read|net)\\.\\S+) (BLOCKED|LEAKED) ?(.*)");
  static final Pattern DECLARED =
      Pattern.compile(
          "^(?:read_file|list_dir|hunt|py|tcp) ((?:read|net)\\.\\S+) (control|-)",
          Pattern.MULTILINE);

  /** Tools the attempts use: each one on the host's /usr must be in the sandbox too. */
  static final List<String> TOOLS =
      List.of("bash", "python3", "curl", "git", "getent", "ip", "timeout", "grep");

  /** One attempt's report. */
  record Outcome(boolean leaked, String detail) {}

  private AttackLog() {}

  /** The attempt ids the script declares, each with whether it is a host control. */
  static Map<String, Boolean> declared(String script) {
    Map<String, Boolean> out = new LinkedHashMap<>();
    Matcher m = DECLARED.matcher(script);
    while (m.find()) {
      if (out.put(m.group(1), m.group(2).equals("control")) != null) {
        throw new AssertionError("attempt declared twice: " + m.group(1));
      }
    }
    return out;
  }

  /** Attempt id to outcome, from a log. */
  static Map<String, Outcome> attempts(String log) {
    Map<String, Outcome> out = new LinkedHashMap<>();
    for (String line : log.split("\n")) {
      Matcher m = ATTEMPT.matcher(line);
      if (m.find()) {
        out.put(m.group(1), new Outcome(m.group(3).equals("LEAKED"), m.group(4)));
      }
    }
    return out;
  }

  /**
   * What went wrong in one attack run: the build's pipeline, tier or status, tools missing in the
   * sandbox, attempts that reported nothing, leaks, and canaries anywhere in the log.
   */
  static List<String> verdict(
      JsonNode build,
      String pipeline,
      String tier,
      String log,
      Set<String> expected,
      AttackLab lab) {
    List<String> failures = new ArrayList<>();
    if (!build.get("tier").asText().equals(tier)
        || !build.get("pipeline").asText().equals(pipeline)) {
      failures.add(
          "the attack ran as "
              + build.get("pipeline")
              + "/"
              + build.get("tier")
              + ", not "
              + pipeline
              + "/"
              + tier);
    }
    if (!build.get("status").asText().equals("success") || !log.contains("ATTEMPTS DONE")) {
      failures.add("the attack script did not finish (status " + build.get("status") + ")");
    }
    Matcher tools = Pattern.compile("TOOLS (.*)").matcher(log);
    List<String> inSandbox = tools.find() ? List.of(tools.group(1).strip().split(" ")) : List.of();
    for (String t : TOOLS) {
      boolean onHost =
          Files.isExecutable(Path.of("/usr/bin", t)) || Files.isExecutable(Path.of("/usr/sbin", t));
      if (onHost && !inSandbox.contains(t)) {
        failures.add(
            "'"
                + t
                + "' is on the host's /usr but not in the sandbox: the attempts using it proved"
                + " nothing");
      }
    }
    Map<String, Outcome> results = attempts(log);
    if (!results.keySet().equals(expected)) {
      Set<String> missing = new LinkedHashSet<>(expected);
      missing.removeAll(results.keySet());
      failures.add("attempts that reported nothing: " + missing);
    }
    results.forEach(
        (id, o) -> {
          if (o.leaked()) {
            failures.add("LEAKED " + id + ": " + o.detail());
          }
        });
    for (AttackLab.Canary c : lab.canaries.values()) {
      if (log.contains(c.value())) {
        failures.add("canary '" + c.name() + "' (" + c.where() + ") appears in the attacker's log");
      }
    }
    return failures;
  }
}
