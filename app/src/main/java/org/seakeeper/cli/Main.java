package org.seakeeper.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code seakeeper} command line. Every error a user can cause ends as one clear line and an
 * exit code (docs/contracts.md §5), never a stack trace; {@code --verbose} adds detail.
 */
@Command(
    name = "seakeeper",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Gating CI for Gerrit and git, with jobs declared in each repo's .seakeeper.yaml.",
    subcommands = {
      ValidateCommand.class,
      RunCommand.class,
      ServerCommand.class,
      ClientCommands.Builds.class,
      ClientCommands.Trigger.class,
      ClientCommands.Cancel.class,
      ClientCommands.Retry.class,
      ClientCommands.Dequeue.class,
      ClientCommands.Enqueue.class,
      ClientCommands.Promote.class,
      EmbargoCommand.class,
      SecretsCommand.class,
      VerifyCommand.class,
      ArtifactsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  /** Exit code for usage errors, as docs/contracts.md §5 fixes for every command. */
  public static final int USAGE = 2;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(
        execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given streams; returns the exit code. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, line, parse) -> {
          boolean verbose = parse.originalArgs().contains("--verbose");
          err.println("seakeeper: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
          if (verbose) {
            ex.printStackTrace(err);
          } else {
            err.println("(run with --verbose for details)");
          }
          return USAGE;
        });
    return cl.execute(args);
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"seakeeper " + (v == null ? "dev" : v)};
    }
  }
}
