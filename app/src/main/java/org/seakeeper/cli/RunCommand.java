package org.seakeeper.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.seakeeper.app.Wiring;
import org.seakeeper.core.config.ConfigResult;
import org.seakeeper.core.config.Pos;
import org.seakeeper.core.config.Problem;
import org.seakeeper.core.config.RepoConfigParser;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.RepoConfig;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;
import org.seakeeper.core.plan.Plan;
import org.seakeeper.core.plan.PlanContext;
import org.seakeeper.core.plan.Planner;
import org.seakeeper.git.LocalRepo;
import org.seakeeper.sandbox.BubblewrapExecutor;
import org.seakeeper.sandbox.SandboxException;
import org.seakeeper.sandbox.SandboxProbe;
import org.seakeeper.sandbox.SandboxSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code seakeeper run}: runs a repo's jobs locally, in the untrusted sandbox, as CI would. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs DIR's jobs for a pipeline in the untrusted bubblewrap sandbox, on DIR's HEAD commit.",
      "Exit codes: 0 all passed, 1 a job failed or timed out, 2 usage error, 3 config problems,",
      "4 the sandbox is unavailable."
    })
final class RunCommand implements Callable<Integer> {
  static final int FAILED = 1;
  static final int CONFIG = 3;
  static final int SANDBOX = 4;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--pipeline",
      paramLabel = "NAME",
      description = "check (default), gate, post, periodic or release.")
  String pipeline = "check";

  @Option(
      names = "--job",
      paramLabel = "NAME",
      description = "Run only this job and what it needs (repeatable).")
  List<String> jobs = List.of();

  @Option(
      names = "--dirty",
      description = "Run the work tree as it is, uncommitted edits included.")
  boolean dirty;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = "Jobs to run at once (default: number of CPUs).")
  Integer parallel;

  @Option(
      names = "--config",
      paramLabel = "SERVER_CONFIG",
      description = "Resolve base jobs and images as this server would.")
  Path config;

  @Option(names = "--verbose", description = "Print details of unexpected errors.")
  boolean verbose;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      description = "The repo's top directory (default: the current one).")
  Path dir = Path.of(".");

  @Override
  public Integer call() throws IOException, InterruptedException {
    var err = spec.commandLine().getErr();
    var out = spec.commandLine().getOut();
    Optional<PipelineName> pipe = PipelineName.parse(pipeline);
    if (pipe.isEmpty()) {
      err.println(
          "seakeeper: unknown pipeline '"
              + pipeline
              + "'; pipelines are "
              + String.join(", ", PipelineName.ids()));
      return Main.USAGE;
    }
    if (parallel != null && parallel < 1) {
      err.println("seakeeper: --parallel must be at least 1");
      return Main.USAGE;
    }
    if (!Files.isDirectory(dir)) {
      err.println("seakeeper: " + dir + " is not a directory");
      return Main.USAGE;
    }
    dir = dir.toAbsolutePath().normalize();
    Optional<TrustedConfigOption.Loaded> trusted = TrustedConfigOption.load(config, err);
    if (trusted.isEmpty()) {
      return Main.USAGE;
    }
    Source src = source(err);
    if (src.configBytes.isEmpty()) {
      err.println(
          Problem.error(
                  Pos.START,
                  "no "
                      + RepoConfigParser.FILE_NAME
                      + (src.commit.isPresent()
                          ? " in commit " + src.commit.get().substring(0, 12)
                          : " in " + dir)
                      + ": create one (see docs/tutorial.md)")
              .format(RepoConfigParser.FILE_NAME));
      return CONFIG;
    }
    ConfigResult parsed = RepoConfigParser.parse(src.configBytes.get(), trusted.get().context());
    parsed.problems().forEach(p -> err.println(p.format(RepoConfigParser.FILE_NAME)));
    if (parsed.config().isEmpty()) {
      err.println("seakeeper: " + RepoConfigParser.FILE_NAME + " has errors; nothing was run");
      return CONFIG;
    }
    RepoConfig rc = parsed.config().get();
    PlanContext ctx =
        PlanContext.local(pipe.get(), src.branch, src.changed, new LinkedHashSet<>(jobs));
    List<String> unknown = Planner.unknownJobs(rc, ctx);
    if (!unknown.isEmpty()) {
      err.println(
          "seakeeper: pipeline '"
              + pipeline
              + "' has no job "
              + String.join(", ", unknown)
              + "; it has "
              + rc.jobsOf(pipe.get()));
      return Main.USAGE;
    }
    Plan plan = Planner.plan(rc, ctx);
    if (plan.jobs().isEmpty()) {
      out.println("pipeline '" + pipeline + "' has no jobs; nothing to run");
      return 0;
    }
    String runId =
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
            + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    Path logDir = SandboxSettings.cacheHome().resolve("seakeeper").resolve("runs").resolve(runId);
    Path workRoot = SandboxSettings.defaultWorkRoot();
    java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.function.Consumer<String> warn =
        w -> {
          if (warned.add(w)) {
            err.println("seakeeper: warning: " + w);
          }
        };
    // The dependency cache of `run` is the user's own, under ~/.cache/seakeeper/deps.
    java.util.List<AutoCloseable> toClose = new java.util.ArrayList<>();
    Optional<ServerConfig> server = trusted.get().server();
    org.seakeeper.sandbox.CacheAccess cache =
        org.seakeeper.app.BuiltInCache.startInBackground(
            server.map(ServerConfig::dependencyCache).orElse(ServerConfig.DependencyCache.DEFAULTS),
            SandboxSettings.cacheHome().resolve("seakeeper").resolve("deps"),
            org.seakeeper.app.BuiltInCache.offTiers(server),
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
            warn,
            toClose);
    BubblewrapExecutor executor;
    try {
      executor =
          Wiring.bubblewrap(
              server, Tier.UNTRUSTED, workRoot, logDir.resolve("artifacts"), warn, cache);
      SandboxProbe.check(executor, Tier.UNTRUSTED);
    } catch (SandboxException e) {
      err.println("seakeeper: " + e.getMessage());
      closeAll(toClose);
      return SANDBOX;
    }
    try (executor) {
      int n = parallel != null ? parallel : Runtime.getRuntime().availableProcessors();
      out.println(
          "running pipeline '"
              + pipeline
              + "' of "
              + dir
              + (src.commit.map(c -> " at " + c.substring(0, 12)).orElse(" (work tree as it is)"))
              + ": "
              + plan.jobs().size()
              + " job(s), up to "
              + n
              + " at once");
      boolean ok =
          new LocalRun(executor, plan, src.checkout, n, logDir, out, "run-" + runId).execute();
      return ok ? 0 : FAILED;
    } finally {
      closeAll(toClose);
    }
  }

  private static void closeAll(java.util.List<AutoCloseable> parts) {
    for (AutoCloseable c : parts) {
      try {
        c.close();
      } catch (Exception e) {
        // stopping the cache cannot change the run's result
      }
    }
  }

  private record Source(
      Optional<byte[]> configBytes,
      Checkout checkout,
      Optional<String> commit,
      Optional<String> branch,
      Optional<Set<String>> changed) {}

  private Source source(java.io.PrintWriter err) throws IOException {
    Optional<LocalRepo> opened = LocalRepo.open(dir);
    if (opened.isEmpty() || dirty) {
      Path file = dir.resolve(RepoConfigParser.FILE_NAME);
      Optional<byte[]> bytes =
          Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
      Optional<String> branch = Optional.empty();
      if (opened.isPresent()) {
        try (LocalRepo repo = opened.get()) {
          branch = repo.branch();
        }
      }
      return new Source(
          bytes, Checkout.directory(dir.toString()), Optional.empty(), branch, Optional.empty());
    }
    try (LocalRepo repo = opened.get()) {
      if (repo.dirty()) {
        err.println(
            "seakeeper: warning: uncommitted changes in "
                + dir
                + " are ignored; running HEAD (use --dirty to include them)");
      }
      String commit = repo.headCommit();
      return new Source(
          repo.readAtHead(RepoConfigParser.FILE_NAME),
          Checkout.gitCommit(dir.toString(), commit),
          Optional.of(commit),
          repo.branch(),
          Optional.of(repo.changedByHead()));
    }
  }
}
