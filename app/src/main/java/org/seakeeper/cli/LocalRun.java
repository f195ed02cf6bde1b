package org.seakeeper.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.plan.Plan;
import org.seakeeper.core.plan.PlanProgress;
import org.seakeeper.core.plan.PlannedJob;

/**
 * Runs one plan on an executor as {@code seakeeper run} does: independent jobs in parallel up to a
 * limit, live output prefixed by job name, a progress line after each job, and a summary table.
 * Infrastructure errors are retried up to the job's {@code retries}. Single use.
 */
final class LocalRun {
  private final Executor executor;
  private final Plan plan;
  private final Checkout checkout;
  private final int parallel;
  private final Path logDir;
  private final PrintWriter out;
  private final String runId;
  private final PlanProgress progress;
  private final Map<String, Executor.Result> results = new LinkedHashMap<>();
  private final Map<String, Integer> attempts = new LinkedHashMap<>();
  private final Map<String, Executor.Execution> running = new LinkedHashMap<>();
  private final BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
  private final int width;

  private record Finished(String job, Executor.Result result) {}

  LocalRun(
      Executor executor,
      Plan plan,
      Checkout checkout,
      int parallel,
      Path logDir,
      PrintWriter out,
      String runId) {
    this.executor = executor;
    this.plan = plan;
    this.checkout = checkout;
    this.parallel = Math.max(1, parallel);
    this.logDir = logDir;
    this.out = out;
    this.runId = runId;
    this.progress = new PlanProgress(plan);
    this.width = plan.jobs().stream().mapToInt(j -> j.name().length()).max().orElse(4);
  }

  /** Runs every job; true when none failed (skips do not fail a run). */
  boolean execute() throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    Thread hook = new Thread(this::cancelAll);
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      while (!progress.done()) {
        for (String name : progress.ready()) {
          if (running.size() >= parallel) {
            break;
          }
          start(name);
        }
        if (running.isEmpty()) {
          break;
        }
        Finished f = finished.take();
        onFinished(f);
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already
      }
    }
    summary();
    return progress.count(PlanProgress.State.FAILED) == 0;
  }

  private synchronized void cancelAll() {
    running.values().forEach(Executor.Execution::cancel);
  }

  private void start(String name) throws IOException {
    progress.start(name);
    launch(name);
  }

  private void launch(String name) throws IOException {
    PlannedJob j = plan.byName().get(name);
    int attempt = attempts.merge(name, 1, Integer::sum);
    int index = plan.jobs().indexOf(j);
    String id = runId + "-" + index + "-" + attempt;
    ExecutionRequest req =
        new ExecutionRequest(
            id,
            name,
            j.job().script(),
            j.job().timeout(),
            j.job().image(),
            plan.tier(),
            plan.network(),
            j.job().variables(),
            checkout.withDepth(j.job().checkoutDepth()),
            j.job().artifacts());
    BufferedWriter log =
        Files.newBufferedWriter(
            logDir.resolve(logName(name)),
            StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
    String prefix = "[" + pad(name) + "] ";
    synchronized (out) {
      out.println(prefix + "started" + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
    }
    Executor.Execution e =
        executor.start(
            req,
            line -> {
              synchronized (out) {
                out.println(prefix + line);
              }
              try {
                log.write(line);
                log.newLine();
              } catch (IOException ex) {
                // the console still has the line
              }
            });
    synchronized (this) {
      running.put(name, e);
    }
    e.result()
        .whenComplete(
            (r, t) -> {
              try {
                log.close();
              } catch (IOException ex) {
                // nothing more to write
              }
              finished.add(
                  new Finished(
                      name,
                      r != null
                          ? r
                          : new Executor.Result(
                              new JobOutcome.InfraError(String.valueOf(t)),
                              Duration.ZERO,
                              List.of())));
            });
  }

  private void onFinished(Finished f) throws IOException {
    synchronized (this) {
      running.remove(f.job());
    }
    JobOutcome o = f.result().outcome();
    PlannedJob j = plan.byName().get(f.job());
    if (o instanceof JobOutcome.InfraError && attempts.get(f.job()) <= j.job().retries()) {
      out.println(
          "["
              + pad(f.job())
              + "] infrastructure error ("
              + ((JobOutcome.InfraError) o).reason()
              + "); retrying");
      launch(f.job());
      return;
    }
    results.put(f.job(), f.result());
    progress.finish(f.job(), o.succeeded());
    String detail = describe(o);
    out.println(
        "["
            + pad(f.job())
            + "] "
            + o.label()
            + " in "
            + seconds(f.result().elapsed())
            + (detail.isEmpty() ? "" : " (" + detail + ")"));
    out.println(
        "-- "
            + (progress.size()
                - progress.count(PlanProgress.State.PENDING)
                - progress.count(PlanProgress.State.RUNNING))
            + "/"
            + progress.size()
            + " done: "
            + progress.count(PlanProgress.State.PASSED)
            + " passed, "
            + progress.count(PlanProgress.State.FAILED)
            + " failed, "
            + progress.count(PlanProgress.State.SKIPPED)
            + " skipped, "
            + progress.count(PlanProgress.State.RUNNING)
            + " running");
  }

  private static String describe(JobOutcome o) {
    return switch (o) {
      case JobOutcome.Succeeded s -> "";
      case JobOutcome.Failed f -> "exit " + f.exitCode();
      case JobOutcome.TimedOut t ->
          "timeout " + org.seakeeper.core.config.Durations.format(t.limit());
      case JobOutcome.Cancelled c -> "cancelled";
      case JobOutcome.LimitExceeded l -> "over a limit: " + l.limit();
      case JobOutcome.InfraError e -> e.reason();
    };
  }

  private void summary() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"JOB", "RESULT", "DURATION", "NOTE"});
    for (PlannedJob j : plan.jobs()) {
      Executor.Result r = results.get(j.name());
      if (r != null) {
        String note = describe(r.outcome());
        if (!r.artifacts().isEmpty()) {
          note = (note.isEmpty() ? "" : note + "; ") + r.artifacts().size() + " artifact(s)";
        }
        rows.add(new String[] {j.name(), r.outcome().label(), seconds(r.elapsed()), note});
      } else {
        rows.add(
            new String[] {
              j.name(), "skipped", "-", progress.skipReason(j.name()).orElse("not run")
            });
      }
    }
    int[] w = new int[3];
    for (String[] row : rows) {
      for (int i = 0; i < 3; i++) {
        w[i] = Math.max(w[i], row[i].length());
      }
    }
    out.println();
    for (String[] row : rows) {
      out.println(
          String.format("%-" + w[0] + "s  %-" + w[1] + "s  %" + w[2] + "s  %s", (Object[]) row)
              .stripTrailing());
    }
    out.println();
    out.println("logs: " + logDir);
  }

  private String pad(String name) {
    return String.format("%-" + width + "s", name);
  }

  static String logName(String job) {
    return job.replaceAll("[^A-Za-z0-9_.=,\\[\\]-]", "_") + ".log";
  }

  static String seconds(Duration d) {
    return String.format("%.2fs", d.toMillis() / 1000.0);
  }
}
