package org.seakeeper.core.secret;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.seakeeper.core.model.PipelineName;

/**
 * A secret's slot and scope (docs/contracts.md §1): it belongs to one project of one connection and
 * is offered only to builds of the pipelines in {@code pipelines}. The value is not part of it, so
 * bindings can be listed and shown freely. Immutable; the constructor rejects what {@link
 * #problems} reports.
 *
 * @param pipelines default {@link #DEFAULT_SCOPE} ({@code post}, {@code periodic}, {@code release}:
 *     code that has merged, or came from the security role); {@code gate} (approved but unmerged
 *     code) only when an admin adds it; {@code check} never
 */
public record SecretBinding(
    String connection, String project, String name, Set<PipelineName> pipelines) {
  /** Secret names, as in a job's {@code secrets:} (the same rule as the repo config's). */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  /** Connection names and projects: printable, no path tricks, bounded. */
  private static final Pattern SLOT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@+/-]{0,199}");

  /** Where a secret is offered when the admin does not say. */
  public static final Set<PipelineName> DEFAULT_SCOPE =
      Set.copyOf(EnumSet.of(PipelineName.POST, PipelineName.PERIODIC, PipelineName.RELEASE));

  public SecretBinding {
    List<String> p = problems(connection, project, name, pipelines);
    if (!p.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", p));
    }
    pipelines = Set.copyOf(EnumSet.copyOf(pipelines));
  }

  /** A binding with the default scope. */
  public static SecretBinding of(String connection, String project, String name) {
    return new SecretBinding(connection, project, name, DEFAULT_SCOPE);
  }

  /** Everything wrong with these values, as sentences for people; empty when they are fine. */
  public static List<String> problems(
      String connection, String project, String name, Set<PipelineName> pipelines) {
    List<String> out = new ArrayList<>();
    if (connection == null || !SLOT.matcher(connection).matches()) {
      out.add("bad connection name '" + connection + "'");
    }
    if (project == null
        || !SLOT.matcher(project).matches()
        || project.contains("..")
        || project.endsWith("/")) {
      out.add("bad project name '" + project + "'");
    }
    if (name == null || !NAME.matcher(name).matches()) {
      out.add("bad secret name '" + name + "': use letters, digits, '.', '_' and '-' (at most 64)");
    }
    if (pipelines == null || pipelines.isEmpty()) {
      out.add("a secret needs at least one pipeline (default: post, periodic, release)");
    } else if (pipelines.contains(PipelineName.CHECK)) {
      out.add(
          "a secret can never be offered to 'check', which runs code nobody with merge rights"
              + " approved");
    }
    return out;
  }

  /**
   * Parses a comma-separated pipeline list ({@code post,release}); problems go to {@code problems}.
   */
  public static Set<PipelineName> parsePipelines(String list, List<String> problems) {
    Set<PipelineName> out = EnumSet.noneOf(PipelineName.class);
    for (String s : list.split(",")) {
      String t = s.strip();
      if (t.isEmpty()) {
        continue;
      }
      PipelineName.parse(t)
          .ifPresentOrElse(
              out::add,
              () ->
                  problems.add(
                      "unknown pipeline '"
                          + t
                          + "'; expected some of gate, post, periodic, release"));
    }
    return out;
  }

  /** Whether this binding is the slot {@code (connection, project, name)}. */
  public boolean isSlot(String c, String p, String n) {
    return connection.equals(c) && project.equals(p) && name.equals(n);
  }

  /** The pipelines as their ids, in pipeline order. */
  public List<String> pipelineIds() {
    return EnumSet.copyOf(pipelines).stream().map(PipelineName::id).toList();
  }
}
