package org.seakeeper.core.build;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.Job;

/**
 * A job's config as it really ran (after {@code extends:} and {@code matrix:} were resolved), kept
 * with its build for people to read (the build page, {@code GET /api/v1/builds/{id}}). Anyone who
 * can push writes a job, so what is kept is bounded: written as JSON (every character escaped as a
 * JSON writer does, encoded in UTF-8) it takes at most {@link #MAX_JSON_BYTES}. A longer script is
 * cut and ends with a visible {@code [Seakeeper cut ...]} line; lists and variables that do not fit
 * keep their first entries, and {@link #cut} says what is missing. Unpaired UTF-16 surrogates (a
 * YAML escape can make one) become U+FFFD, so every store can keep the text. Immutable.
 *
 * @param name the job's name
 * @param script the bash script, cut when too long
 * @param image the image the job ran in
 * @param timeout its wall-clock limit
 * @param needs the jobs it waited for
 * @param artifacts the globs collected after success
 * @param secrets the names of the secrets the job declares (never values)
 * @param variables its environment variables, in declaration order
 * @param retries how often an infrastructure error is retried
 * @param checkoutDepth how many commits the workspace holds ({@code 0}: all)
 * @param branches the {@code when} branch globs
 * @param files the {@code when} file globs
 * @param ignoreFiles the {@code when} ignored-file globs
 * @param description free text for people
 * @param cut what was left out or shortened to stay within the bound, for people; empty when
 *     nothing
 */
public record RunConfig(
    String name,
    String script,
    String image,
    Duration timeout,
    List<String> needs,
    List<String> artifacts,
    List<String> secrets,
    Map<String, String> variables,
    int retries,
    int checkoutDepth,
    List<String> branches,
    List<String> files,
    List<String> ignoreFiles,
    String description,
    List<String> cut) {
  /** The most a kept config takes as JSON (UTF-8). */
  public static final int MAX_JSON_BYTES = 64 * 1024;

  /** The most the script takes, so that the rest of a config always has room. */
  static final int MAX_SCRIPT_WEIGHT = 48 * 1024;

  /**
   * Room for what is not measured: the field names, numbers, brackets and the {@link #cut} notes
   * (at most one short note per field).
   */
  static final int RESERVED = 4 * 1024;

  private static final int MAX_SHORT_WEIGHT = 1024;
  private static final int MAX_DESCRIPTION_WEIGHT = 4 * 1024;

  public RunConfig {
    Objects.requireNonNull(name);
    Objects.requireNonNull(script);
    Objects.requireNonNull(image);
    Objects.requireNonNull(timeout);
    needs = List.copyOf(needs);
    artifacts = List.copyOf(artifacts);
    secrets = List.copyOf(secrets);
    variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    branches = List.copyOf(branches);
    files = List.copyOf(files);
    ignoreFiles = List.copyOf(ignoreFiles);
    Objects.requireNonNull(description);
    cut = List.copyOf(cut);
  }

  /** The config of {@code job}, bounded to {@link #MAX_JSON_BYTES} as described above. */
  public static RunConfig of(Job job) {
    Budget b = new Budget(MAX_JSON_BYTES - RESERVED);
    List<String> cut = new ArrayList<>();
    String name = b.text("name", job.name(), MAX_SHORT_WEIGHT, cut);
    String image = b.text("image", job.image(), MAX_SHORT_WEIGHT, cut);
    String script = b.script(job.script(), cut);
    List<String> secrets = b.list("secrets", job.secrets(), cut);
    List<String> needs = b.list("needs", job.needs(), cut);
    List<String> artifacts = b.list("artifacts", job.artifacts(), cut);
    List<String> branches = b.list("branches", texts(job.when().branches()), cut);
    List<String> files = b.list("files", texts(job.when().files()), cut);
    List<String> ignoreFiles = b.list("ignore_files", texts(job.when().ignoreFiles()), cut);
    Map<String, String> variables = b.variables(job.variables(), cut);
    String description = b.text("description", job.description(), MAX_DESCRIPTION_WEIGHT, cut);
    return new RunConfig(
        name,
        script,
        image,
        job.timeout(),
        needs,
        artifacts,
        secrets,
        variables,
        job.retries(),
        job.checkoutDepth(),
        branches,
        files,
        ignoreFiles,
        description,
        cut);
  }

  private static List<String> texts(List<Glob> globs) {
    return globs.stream().map(Glob::text).toList();
  }

  /**
   * The most bytes {@code s} takes as a JSON string in UTF-8, quotes included: an escaped control
   * character six ({@code \u0000}), an escaped quote or backslash two, other characters their UTF-8
   * length (counted as three for each half of a surrogate pair, more than its four).
   */
  static int weight(String s) {
    int w = 2;
    for (int i = 0; i < s.length(); i++) {
      w += weight(s.charAt(i));
    }
    return w;
  }

  private static int weight(char c) {
    if (c < 0x20) {
      return 6;
    }
    if (c == '"' || c == '\\') {
      return 2;
    }
    return c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }

  /** {@code s} with every unpaired surrogate replaced by U+FFFD. */
  static String clean(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok;
      if (Character.isHighSurrogate(c)) {
        ok = i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        if (ok) {
          if (out != null) {
            out.append(c).append(s.charAt(i + 1));
          }
          i++;
          continue;
        }
      } else {
        ok = !Character.isLowSurrogate(c);
      }
      if (!ok && out == null) {
        out = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (out != null) {
        out.append(ok ? c : '\uFFFD');
      }
    }
    return out == null ? s : out.toString();
  }

  /** What is left of the bound, taken field by field. */
  private static final class Budget {
    private int left;

    Budget(int left) {
      this.left = left;
    }

    /**
     * {@code s}, or its first characters and {@code marker} when it takes more than {@code max} (or
     * what is left), or nothing when not even the marker fits; the cut never splits a surrogate
     * pair.
     */
    private String fit(String s, int max, String marker) {
      String clean = clean(s);
      int room = Math.min(max, left);
      int w = weight(clean);
      if (w <= room) {
        left -= w;
        return clean;
      }
      int limit = room - weight(marker);
      if (limit < 2) {
        return ""; // not even the marker fits
      }
      int used = 2;
      int end = 0;
      while (end < clean.length()) {
        int n = Character.charCount(clean.codePointAt(end));
        int cw = 0;
        for (int k = 0; k < n; k++) {
          cw += weight(clean.charAt(end + k));
        }
        if (used + cw > limit) {
          break;
        }
        used += cw;
        end += n;
      }
      String kept = clean.substring(0, end) + marker;
      left -= weight(kept);
      return kept;
    }

    String text(String field, String s, int max, List<String> cut) {
      String kept = fit(s, max, " [cut]");
      if (!kept.equals(clean(s))) {
        cut.add(field + ": " + s.length() + " characters, shortened");
      }
      return kept;
    }

    String script(String s, List<String> cut) {
      String marker = "\n# [Seakeeper cut the script here: it has " + s.length() + " characters]\n";
      String kept = fit(s, MAX_SCRIPT_WEIGHT, marker);
      if (!kept.equals(clean(s))) {
        cut.add(
            "script: "
                + s.length()
                + " characters, the first "
                + (kept.length() - marker.length())
                + " kept");
      }
      return kept;
    }

    List<String> list(String field, List<String> items, List<String> cut) {
      List<String> kept = new ArrayList<>();
      for (String item : items) {
        String clean = clean(item);
        int w = weight(clean) + 1;
        if (w > left) {
          cut.add(field + ": " + items.size() + " entries, the first " + kept.size() + " kept");
          break;
        }
        left -= w;
        kept.add(clean);
      }
      return kept;
    }

    Map<String, String> variables(Map<String, String> vars, List<String> cut) {
      Map<String, String> kept = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : vars.entrySet()) {
        String k = clean(e.getKey());
        String v = clean(e.getValue());
        int w = weight(k) + weight(v) + 2;
        if (w > left) {
          cut.add("variables: " + vars.size() + " entries, the first " + kept.size() + " kept");
          break;
        }
        left -= w;
        kept.put(k, v);
      }
      return kept;
    }
  }
}
