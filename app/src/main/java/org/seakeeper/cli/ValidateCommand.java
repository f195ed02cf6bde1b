package org.seakeeper.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.seakeeper.core.config.ConfigResult;
import org.seakeeper.core.config.Pos;
import org.seakeeper.core.config.Problem;
import org.seakeeper.core.config.RepoConfigParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code seakeeper validate}: checks a repo's {@code .seakeeper.yaml} as it is on disk. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Checks DIR/.seakeeper.yaml and prints every problem as PATH:LINE:COL: error: MESSAGE.",
      "Exit codes: 0 valid (warnings allowed), 1 problems, 2 usage error."
    })
final class ValidateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

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
  public Integer call() throws IOException {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    if (!Files.isDirectory(dir)) {
      err.println("seakeeper: " + dir + " is not a directory");
      return Main.USAGE;
    }
    Optional<TrustedConfigOption.Loaded> trusted = TrustedConfigOption.load(config, err);
    if (trusted.isEmpty()) {
      return Main.USAGE;
    }
    Path file = dir.resolve(RepoConfigParser.FILE_NAME);
    List<Problem> problems;
    if (!Files.isRegularFile(file)) {
      problems =
          List.of(
              Problem.error(
                  Pos.START,
                  "no "
                      + RepoConfigParser.FILE_NAME
                      + " in "
                      + dir
                      + ": create one (see docs/tutorial.md)"));
    } else {
      ConfigResult r = RepoConfigParser.parse(Files.readAllBytes(file), trusted.get().context());
      problems = r.problems();
    }
    problems.forEach(p -> out.println(p.format(RepoConfigParser.FILE_NAME)));
    long errors = problems.stream().filter(Problem::isError).count();
    long warnings = problems.size() - errors;
    err.println(
        errors == 0
            ? "valid"
                + (warnings > 0
                    ? " (" + warnings + " warning" + (warnings > 1 ? "s" : "") + ")"
                    : "")
            : errors
                + " error"
                + (errors > 1 ? "s" : "")
                + ", "
                + warnings
                + " warning"
                + (warnings == 1 ? "" : "s"));
    return errors == 0 ? 0 : 1;
  }
}
