package org.seakeeper.core.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.build.Buildset;
import org.seakeeper.core.build.Verdict;
import org.seakeeper.core.config.Durations;
import org.seakeeper.core.config.RepoConfigParser;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Printable;
import org.seakeeper.core.store.OutboxKind;

/**
 * Turns an outbox entry's buildset into the {@link Review} a review system shows (docs/contracts.md
 * §4), for the Gerrit reporter and the fake Gerrit alike:
 *
 * <ul>
 *   <li>{@code check}: each finished buildset ({@link OutboxKind#BUILDSET_FINISHED}), unless it has
 *       a cancelled build (superseded, abandoned, cancelled by hand: the UI says why);
 *   <li>{@code gate}: only the queue's verdicts, {@link OutboxKind#GATE_FAILED} (-1) and {@link
 *       OutboxKind#GATE_MERGED} (+1, saying it was merged);
 *   <li>{@code post}, {@code periodic}, {@code release}: none.
 * </ul>
 *
 * The message lists each job's latest attempt with its result, duration and page ({@code
 * public_url} + {@code builds/<id>}) and carries {@link #marker}; config problems ({@code
 * FILE:LINE:COL: error: MESSAGE} in a {@code config_error} build's detail, FILE being {@code
 * .seakeeper.yaml} or the trusted config repo's file) become line comments on that file. Stateless.
 */
public final class Reviews {
  /** A problem line of a config file: {@code .seakeeper.yaml} or the trusted config repo's file. */
  private static final Pattern PROBLEM =
      Pattern.compile("^([A-Za-z0-9._/-]+):(\\d+):(\\d+): (error|warning): (.*)$");

  private Reviews() {}

  /** The marker a review's message carries, to find it again after a crash. */
  public static String marker(Buildset s) {
    return "[seakeeper buildset " + s.id() + "]";
  }

  /** The marker a "build started" message carries, distinct from the result's {@link #marker}. */
  public static String startMarker(Buildset s) {
    return "[seakeeper buildset " + s.id() + " started]";
  }

  /**
   * The message that says a check or gate buildset of a change started (no vote): its pipeline,
   * each job with its page, and {@link #startMarker}; empty for other buildsets.
   *
   * @param publicUrl the server's public URL, ending in {@code /}
   */
  public static Optional<String> startMessage(Buildset s, List<Build> builds, String publicUrl) {
    if (s.change().isEmpty()
        || s.patchset().isEmpty()
        || (s.pipeline() != PipelineName.CHECK && s.pipeline() != PipelineName.GATE)) {
      return Optional.empty();
    }
    StringBuilder m =
        new StringBuilder("Build started (")
            .append(s.pipeline().id())
            .append(" pipeline). ")
            .append(startMarker(s))
            .append("\n\n");
    for (Build b : Verdict.latestAttempts(builds)) {
      if (b.job().isPresent()) {
        m.append("- ")
            .append(Printable.escape(b.job().get()))
            .append(" ")
            .append(publicUrl)
            .append("builds/")
            .append(b.id())
            .append("\n");
      }
    }
    return Optional.of(m.toString());
  }

  /** Whether an outbox entry of this kind becomes a review (see the class comment). */
  public static boolean voted(PipelineName pipeline, OutboxKind kind) {
    return switch (pipeline) {
      case CHECK -> kind == OutboxKind.BUILDSET_FINISHED;
      case GATE -> kind == OutboxKind.GATE_FAILED || kind == OutboxKind.GATE_MERGED;
      default -> false;
    };
  }

  /** The review of an outbox entry's buildset, or empty when it gets none. */
  public static Optional<Review> of(
      Buildset s, List<Build> builds, OutboxKind kind, String publicUrl) {
    List<Build> latest = Verdict.latestAttempts(builds);
    if (!voted(s.pipeline(), kind) || s.change().isEmpty() || s.patchset().isEmpty()) {
      return Optional.empty();
    }
    if (s.pipeline() == PipelineName.CHECK
        && latest.stream().anyMatch(b -> b.status() == BuildStatus.CANCELLED)) {
      return Optional.empty();
    }
    return Optional.of(compose(s, latest, kind, publicUrl));
  }

  /**
   * The review of the latest attempts, whatever the rules above say: the vote is a gate verdict's,
   * else the builds' ({@link Verdict}).
   *
   * @param publicUrl the server's public URL, ending in {@code /}
   */
  public static Review compose(Buildset s, List<Build> latest, OutboxKind kind, String publicUrl) {
    boolean passed =
        switch (kind) {
          case GATE_FAILED -> false;
          case GATE_MERGED -> true;
          default -> Verdict.of(latest) == Verdict.PASSED;
        };
    return new Review(
        passed ? 1 : -1, message(s, latest, passed, kind, publicUrl), comments(latest));
  }

  static String message(
      Buildset s, List<Build> latest, boolean passed, OutboxKind kind, String publicUrl) {
    StringBuilder m = new StringBuilder();
    m.append(passed ? "Build succeeded" : "Build failed")
        .append(" (")
        .append(s.pipeline().id())
        .append(" pipeline). ")
        .append(marker(s))
        .append("\n\n");
    String state = s.commit().substring(0, Math.min(12, s.commit().length()));
    if (kind == OutboxKind.GATE_MERGED) {
      m.append("Tested on the speculative state ")
          .append(state)
          .append(" (the branch and the changes ahead in the gate queue); merged.\n\n");
    } else if (kind == OutboxKind.GATE_FAILED) {
      m.append("Tested on the speculative state ")
          .append(state)
          .append(
              " (the branch and the changes ahead in the gate queue); removed from the gate queue."
                  + " ")
          .append("A recheck that passes puts it back while its approvals stand.\n\n");
    }
    for (Build b : latest) {
      m.append("- ")
          .append(
              b.job()
                  .map(Printable::escape)
                  .orElse(
                      b.status() == BuildStatus.MERGE_CONFLICT
                          ? "(merge)"
                          : b.status() == BuildStatus.DEQUEUED ? "(queue)" : "(config)"))
          .append(": ")
          .append(b.status().id());
      if (b.status() == BuildStatus.CONFIG_ERROR) {
        List<String> files =
            comments(List.of(b)).stream().map(Review.LineComment::path).distinct().toList();
        if (files.isEmpty()
            && b.job().isEmpty()
            && !b.detail().isBlank()
            && !PROBLEM.matcher(b.detail().lines().findFirst().orElse("").strip()).matches()) {
          // Not a config file's problem (e.g. a Depends-On that names no change, or a cycle): say
          // it.
          m.append(" (")
              .append(
                  String.join("; ", b.detail().lines().limit(5).map(Reviews::firstLine).toList()))
              .append(")");
        } else {
          m.append(" (")
              .append(files.isEmpty() ? RepoConfigParser.FILE_NAME : String.join(" and ", files))
              .append(files.size() > 1 ? " have" : " has")
              .append(" problems, see the comments)");
        }
      } else if (!b.detail().isBlank() && !b.status().passed()) {
        m.append(" (").append(firstLine(b.detail())).append(")");
      }
      duration(b).ifPresent(d -> m.append(" in ").append(d));
      m.append(" ").append(publicUrl).append("builds/").append(b.id()).append("\n");
    }
    return m.toString();
  }

  private static Optional<String> duration(Build b) {
    if (b.startedAt().isEmpty() || b.finishedAt().isEmpty()) {
      return Optional.empty();
    }
    Duration d = Duration.between(b.startedAt().get(), b.finishedAt().get());
    return Optional.of(
        d.toMillis() < 10_000
            ? String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0)
            : Durations.format(d.withNanos(0)));
  }

  /** The first line of a detail, at most 200 characters, with what a change put in it escaped. */
  private static String firstLine(String s) {
    String l = s.lines().findFirst().orElse("");
    return Printable.escape(l.length() > 200 ? l.substring(0, 200) + "..." : l);
  }

  static List<Review.LineComment> comments(List<Build> latest) {
    List<Review.LineComment> out = new ArrayList<>();
    for (Build b : latest) {
      if (b.status() != BuildStatus.CONFIG_ERROR) {
        continue;
      }
      for (String line : b.detail().lines().toList()) {
        Matcher mm = PROBLEM.matcher(line.strip());
        if (mm.matches()) {
          out.add(
              new Review.LineComment(
                  mm.group(1),
                  Integer.parseInt(mm.group(2)),
                  mm.group(4) + " (column " + mm.group(3) + "): " + mm.group(5),
                  "error".equals(mm.group(4))));
        }
      }
    }
    return out;
  }
}
