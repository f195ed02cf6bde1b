package org.seakeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code seakeeper embargo submit|list|show|publish}: embargoed security changes through the
 * running server's API with the admin token (docs/contracts.md §5: 0 done, 1 refused, 2 usage
 * error).
 */
@Command(
    name = "embargo",
    mixinStandardHelpOptions = true,
    description =
        "Embargoed security changes: run the release pipeline on a private patch whose builds stay"
            + " hidden until published.",
    subcommands = {
      EmbargoCommand.Submit.class,
      EmbargoCommand.ListAll.class,
      EmbargoCommand.Show.class,
      EmbargoCommand.Publish.class
    })
final class EmbargoCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description =
          "Applies PATCHFILE (git format-patch output) onto --base in a private repository and runs"
              + " release on it (tier privileged), hidden until published.")
  static final class Submit implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerOptions server;

    @Option(
        names = "--connection",
        defaultValue = "local",
        description = "The connection serving the project. Default: local.")
    String connection;

    @Option(names = "--project", required = true)
    String project;

    @Option(
        names = "--base",
        required = true,
        description =
            "The branch or tag to apply the patch onto, e.g. main, v1.2 or refs/heads/stable.")
    String base;

    @Parameters(
        paramLabel = "PATCHFILE",
        description =
            "The patch: 'git format-patch --stdout BASE..' output (one or more commits) or a plain"
                + " 'git diff'; '-' reads standard input.")
    String patchFile;

    @Override
    public Integer call() throws Exception {
      byte[] patch;
      if (patchFile.equals("-")) {
        patch = System.in.readAllBytes();
      } else if (!Files.isReadable(Path.of(patchFile))) {
        spec.commandLine().getErr().println("seakeeper: cannot read the patch file " + patchFile);
        return Main.USAGE;
      } else {
        patch = Files.readAllBytes(Path.of(patchFile));
      }
      String path =
          "api/v1/embargoed?connection="
              + enc(connection)
              + "&project="
              + enc(project)
              + "&base="
              + enc(base);
      ServerOptions.Reply r = server.call("POST", path, patch, "text/plain; charset=utf-8", true);
      if (r.status() >= 300) {
        return ClientCommands.report(r, spec.commandLine().getOut(), spec.commandLine().getErr());
      }
      JsonNode n = ClientCommands.JSON.readTree(r.body());
      PrintWriter out = spec.commandLine().getOut();
      out.println(n.path("message").asText());
      out.println(
          "id "
              + n.path("id").asText()
              + "  commit "
              + n.path("commit").asText()
              + "  on "
              + n.path("base_ref").asText()
              + " ("
              + n.path("base_commit").asText()
              + ")");
      return 0;
    }
  }

  /** An admin read: GET a path, print the JSON answer, or report the refusal. */
  abstract static class AdminRead implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerOptions server;

    abstract String path();

    abstract void print(JsonNode body, PrintWriter out);

    @Override
    public Integer call() throws Exception {
      ServerOptions.Reply r = server.call("GET", path(), null, null, true);
      if (r.status() >= 300) {
        return ClientCommands.report(r, spec.commandLine().getOut(), spec.commandLine().getErr());
      }
      print(ClientCommands.JSON.readTree(r.body()), spec.commandLine().getOut());
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists embargoed changes, newest first.")
  static final class ListAll extends AdminRead {
    @Override
    String path() {
      return "api/v1/embargoed";
    }

    @Override
    void print(JsonNode body, PrintWriter out) {
      out.println(
          String.format(
              "%-18s %-14s %-24s %-12s %s", "ID", "PROJECT", "BASE", "COMMIT", "PUBLISHED"));
      for (JsonNode e : body.path("embargoed")) {
        out.println(
            String.format(
                "%-18s %-14s %-24s %-12s %s",
                e.path("id").asText(),
                e.path("project").asText(),
                e.path("base_ref").asText(),
                e.path("commit").asText().substring(0, 12),
                e.path("published_at").isNull() ? "no (hidden)" : e.path("published_at").asText()));
      }
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Shows an embargoed change and its builds.")
  static final class Show extends AdminRead {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    String path() {
      return "api/v1/embargoed/" + enc(id);
    }

    @Override
    void print(JsonNode e, PrintWriter out) {
      out.println(
          e.path("id").asText()
              + " "
              + e.path("project").asText()
              + " on "
              + e.path("base_ref").asText()
              + " commit "
              + e.path("commit").asText()
              + " "
              + (e.path("published_at").isNull()
                  ? "hidden"
                  : "published " + e.path("published_at").asText()));
      for (JsonNode b : e.path("builds")) {
        out.println(
            String.format(
                "  %-8s %-24s %-10s %s",
                b.path("id").asText(),
                b.path("job").isNull() ? "(config)" : b.path("job").asText(),
                b.path("tier").asText(),
                b.path("status").asText()));
      }
    }
  }

  @Command(
      name = "publish",
      mixinStandardHelpOptions = true,
      description = "Makes the builds of an embargoed change public (it pushes nothing anywhere).")
  static final class Publish implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin ServerOptions server;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws Exception {
      return ClientCommands.report(
          server.call("POST", "api/v1/embargoed/" + enc(id) + "/publish", "{}", true),
          spec.commandLine().getOut(),
          spec.commandLine().getErr());
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
