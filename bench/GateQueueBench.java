import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.seakeeper.core.build.Build;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.gate.ChangeRef;
import org.seakeeper.core.gate.GatePorts;
import org.seakeeper.core.gate.GateSettings;
import org.seakeeper.core.gate.Merger;
import org.seakeeper.core.gate.ReviewSystem;
import org.seakeeper.core.model.Cron;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.scheduler.Scheduler;
import org.seakeeper.core.scheduler.SchedulerMetrics;
import org.seakeeper.core.scheduler.SchedulerPorts;
import org.seakeeper.core.scheduler.SchedulerSettings;
import org.seakeeper.core.store.BuildQuery;
import org.seakeeper.git.JGitMerger;
import org.seakeeper.git.JGitRepoAccess;
import org.seakeeper.testkit.FakeExecutor;
import org.seakeeper.testkit.InMemoryLogStore;
import org.seakeeper.testkit.InMemoryStore;
import org.seakeeper.testkit.RecordingReporter;

/**
 * A gate queue of N changes (bench/gate-queue.sh prepares the repo): per round, interleaved,
 *
 * <ol>
 *   <li>{@code cli}: N chained merges with {@code git merge-tree --write-tree} + {@code git
 *       commit-tree}, as one bash loop (one bash spawn, then 2N git spawns);
 *   <li>{@code jgit_chain}: the same N chained merges with {@link JGitMerger} (one call);
 *   <li>{@code jgit_gate}: what the gate asks of the merger when N items enter at once: one call
 *       per item with the changes ahead of it (JGitMerger extends the state it made for the item
 *       ahead: one merge per call);
 *   <li>{@code sched_enqueue}: the real Scheduler (InMemoryStore, FakeExecutor holding builds,
 *       JGitRepoAccess and JGitMerger on the repo) turning N approvals into N gate builds
 *       dispatched; {@code sched_reset_at_10}: from the failure of item 10's gate build to the
 *       restarted builds of the N-10 items behind it queued and dispatched; the same two with
 *       {@code _nomerge}: a merger that answers at once (the scheduler's own share);
 *   <li>{@code tree_chain}: a what-if, the same N chained merges as {@code jgit_chain} done at the
 *       tree level ({@code TreeMerge}: unchanged subtrees are never entered), checked to give
 *       JGitMerger's tree; {@code tree_chain_packed}: the same writing one pack at the end.
 * </ol>
 *
 * Besides wall time, the CPU time of the timing thread is recorded ({@code cpu_ms}): on a loaded
 * machine it is close to what the step takes when the thread does not wait for a CPU (the CLI's
 * work is in child processes and has no such figure). Usage: java -cp seakeeper.jar:testkit.jar
 * bench/GateQueueBench.java REPO N ROUNDS OUT.json
 */
public final class GateQueueBench {
  static final String CONN = "review";
  static final String PROJECT = "bench";
  static final Map<String, List<Double>> times = new LinkedHashMap<>();

  /**
   * CPU time of the timing thread (user + system): what the step costs without waiting for a CPU.
   */
  static final Map<String, List<Double>> cpu = new LinkedHashMap<>();

  static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    Path repo = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    Path out = Path.of(args[3]);
    List<String> changes = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      changes.add(git(repo, "rev-parse", "refs/changes/" + i));
    }
    List<ChangeRef> refs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      refs.add(new ChangeRef(CONN, PROJECT, "main", "c" + (i + 1), "1", changes.get(i)));
    }
    Map<String, Map<String, Path>> paths = Map.of(CONN, Map.of(PROJECT, repo));
    JGitMerger merger = new JGitMerger(paths);
    for (int r = 0; r <= rounds; r++) { // round 0 warms up and is not counted
      boolean count = r > 0;
      time(count, "bash_spawn", () -> sh(repo, "true"));
      String loop =
          "s="
              + bump(repo)
              + "; for c in "
              + String.join(" ", changes)
              + "; do t=$(git merge-tree --write-tree $s $c) || exit 1; s=$(git commit-tree $t -p"
              + " $s -p $c -m merge); done; echo $s";
      time(count, "cli", () -> sh(repo, loop));
      bump(repo);
      String[] tree = new String[1];
      time(
          count,
          "jgit_chain",
          () -> {
            if (!(merger.speculate(new RepoRef(CONN, PROJECT), "main", refs)
                instanceof Merger.Merged m)) {
              throw new IllegalStateException("the chain did not merge");
            } else {
              tree[0] = git(repo, "rev-parse", m.commit() + "^{tree}");
            }
          });
      bump(repo);
      time(
          count,
          "jgit_gate",
          () -> {
            for (int k = 1; k <= n; k++) {
              merger.speculate(new RepoRef(CONN, PROJECT), "main", refs.subList(0, k));
            }
          });
      bump(repo);
      time(
          count,
          "tree_chain",
          () ->
              check(
                  TreeMerge.chain(repo, refs, false).name().equals(tree[0]), "tree_chain's tree"));
      bump(repo);
      time(
          count,
          "tree_chain_packed",
          () ->
              check(
                  TreeMerge.chain(repo, refs, true).name().equals(tree[0]),
                  "tree_chain_packed's tree"));
      bump(repo);
      scheduler(count, "", paths, merger, refs);
      Merger instant = (where, branch, cs) -> new Merger.Merged(cs.getLast().commit(), cs);
      scheduler(count, "_nomerge", paths, instant, refs);
    }
    report(n, rounds, out);
  }

  /** The real scheduler: N approvals in, then a failure at position 10. */
  static void scheduler(
      boolean count,
      String variant,
      Map<String, Map<String, Path>> paths,
      Merger merger,
      List<ChangeRef> refs)
      throws Exception {
    InMemoryStore store = new InMemoryStore();
    FakeExecutor executor = new FakeExecutor().hold();
    ReviewSystem review = c -> new ReviewSystem.SubmitResult(true, "merged");
    SchedulerSettings settings =
        new SchedulerSettings(
            Map.of(Tier.UNTRUSTED, 1000, Tier.TRUSTED, 1000, Tier.PRIVILEGED, 1),
            TrustedContext.offlineDefaults(),
            Glob.of("v*"),
            Cron.DAILY_0300,
            List.of());
    GateSettings gs = new GateSettings(Map.of("Code-Review", 2), Map.of(), refs.size());
    Scheduler s =
        new Scheduler(
            new SchedulerPorts(
                store,
                new JGitRepoAccess(paths),
                executor,
                new InMemoryLogStore(),
                new RecordingReporter(),
                SchedulerMetrics.NONE),
            new GatePorts(merger, review),
            gs,
            settings,
            Clock.systemUTC(),
            () -> {});
    s.recover();
    Clock clock = Clock.systemUTC();
    store.transaction(
        tx -> {
          for (ChangeRef c : refs) {
            tx.inbox()
                .add(
                    new TriggerEvent.ChangeProposed(
                        CONN,
                        PROJECT,
                        "main",
                        c.change(),
                        "1",
                        c.commit(),
                        "refs/changes/" + c.change()),
                    clock.instant());
          }
          return null;
        });
    s.runUntilIdle();
    for (Build b : builds(store, PipelineName.CHECK)) {
      executor.releaseId("b" + b.id(), new JobOutcome.Succeeded());
    }
    s.runUntilIdle();
    store.transaction(
        tx -> {
          for (ChangeRef c : refs) {
            tx.inbox()
                .add(
                    new TriggerEvent.ApprovalsChanged(
                        CONN,
                        PROJECT,
                        "main",
                        c.change(),
                        "1",
                        c.commit(),
                        Map.of("Code-Review", 2),
                        "v" + c.change()),
                    clock.instant());
          }
          return null;
        });
    time(count, "sched_enqueue" + variant, s::runUntilIdle);
    List<Build> gate = builds(store, PipelineName.GATE);
    check(
        gate.size() == refs.size()
            && gate.stream().allMatch(b -> b.status() == BuildStatus.RUNNING),
        "enqueue: " + gate.size() + " gate builds");
    Build tenth =
        gate.stream().filter(b -> b.change().equals(Optional.of("c10"))).findFirst().orElseThrow();
    executor.releaseId("b" + tenth.id(), new JobOutcome.Failed(1));
    time(count, "sched_reset_at_10" + variant, s::runUntilIdle);
    int restarted = builds(store, PipelineName.GATE).size() - gate.size();
    check(restarted == refs.size() - 10, "reset: " + restarted + " restarted builds");
  }

  /**
   * Moves main one empty commit ahead, so every merge of the next variant makes new objects (as a
   * live queue does) instead of finding those of the previous one. Returns the new tip.
   */
  static String bump(Path repo) throws Exception {
    String tip = git(repo, "commit-tree", "main^{tree}", "-p", "main", "-m", "bench: next round");
    git(repo, "update-ref", "refs/heads/main", tip);
    return tip;
  }

  static List<Build> builds(InMemoryStore store, PipelineName p) {
    return store
        .queries()
        .list(
            new BuildQuery(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(p),
                Optional.empty(),
                Optional.empty(),
                BuildQuery.MAX_LIMIT));
  }

  interface Step {
    void run() throws Exception;
  }

  static void time(boolean count, String name, Step step) throws Exception {
    long c0 = THREADS.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    step.run();
    double ms = (System.nanoTime() - t0) / 1e6;
    double cpuMs = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
    if (count) {
      times.computeIfAbsent(name, k -> new ArrayList<>()).add(ms);
      cpu.computeIfAbsent(name, k -> new ArrayList<>()).add(cpuMs);
    }
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("unexpected " + what);
    }
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int m = s.size() / 2;
    return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
  }

  static void report(int n, int rounds, Path out) throws IOException {
    StringBuilder json =
        new StringBuilder("{\"n\": " + n + ", \"rounds\": " + rounds + ", \"ms\": {");
    System.out.printf(
        Locale.ROOT,
        "%-26s %10s %10s %10s %12s%n",
        "variant (ms)",
        "median",
        "min",
        "max",
        "cpu median");
    boolean first = true;
    for (Map.Entry<String, List<Double>> e : times.entrySet()) {
      List<Double> v = e.getValue();
      // The CLI's work happens in child processes: this thread's CPU time says nothing about it.
      String c =
          e.getKey().equals("cli") || e.getKey().equals("bash_spawn")
              ? "-"
              : String.format(Locale.ROOT, "%.1f", median(cpu.get(e.getKey())));
      System.out.printf(
          Locale.ROOT,
          "%-26s %10.1f %10.1f %10.1f %12s%n",
          e.getKey(),
          median(v),
          Collections.min(v),
          Collections.max(v),
          c);
      json.append(first ? "" : ", ").append('"').append(e.getKey()).append("\": ").append(v);
      first = false;
    }
    json.append("}, \"cpu_ms\": {");
    first = true;
    for (Map.Entry<String, List<Double>> e : cpu.entrySet()) {
      json.append(first ? "" : ", ")
          .append('"')
          .append(e.getKey())
          .append("\": ")
          .append(e.getValue());
      first = false;
    }
    json.append("}}\n");
    System.out.println();
    for (String v : List.of("jgit_chain", "jgit_gate", "tree_chain", "tree_chain_packed")) {
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < times.get(v).size(); i++) {
        ratios.add(
            (times.get("cli").get(i) - times.get("bash_spawn").get(i)) / times.get(v).get(i));
      }
      System.out.printf(
          Locale.ROOT,
          "cli / %-18s %6.2fx  (rounds %.2f-%.2fx; > 1: faster than the CLI)%n",
          v,
          median(ratios),
          Collections.min(ratios),
          Collections.max(ratios));
    }
    System.out.printf(
        Locale.ROOT,
        "failure at 10 -> %d builds restarted: %.1f ms, %.1f ms of CPU (goal <= 50 ms)%n",
        n - 10,
        median(times.get("sched_reset_at_10")),
        median(cpu.get("sched_reset_at_10")));
    Files.writeString(out, json.toString());
  }

  static String git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    check(p.waitFor() == 0, "git " + String.join(" ", args) + ": " + o);
    return o;
  }

  static void sh(Path dir, String script) throws Exception {
    Process p =
        new ProcessBuilder("bash", "-c", script)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    check(
        p.waitFor(Duration.ofMinutes(2).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
            && p.exitValue() == 0,
        "bash: " + o);
  }
}
