package org.seakeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The commands that talk to a running server. Exit codes (docs/contracts.md §5): 0 done, 1 refused
 * (the server's message is printed), 2 usage error or no server.
 */
final class ClientCommands {
  static final ObjectMapper JSON = new ObjectMapper();

  private ClientCommands() {}

  /** Prints the outcome of a state-changing call and maps it to an exit code. */
  static int report(ServerOptions.Reply r, PrintWriter out, PrintWriter err) throws IOException {
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (IOException e) {
      body = JSON.createObjectNode();
    }
    if (r.status() < 300) {
      out.println(body.path("message").asText("done"));
      return 0;
    }
    err.println(
        "seakeeper: refused ("
            + r.status()
            + " "
            + body.path("error").asText("error")
            + "): "
            + body.path("message").asText(r.body()));
    return r.status() == 401 ? Main.USAGE : 1;
  }

  /** A verb on one build: cancel or retry. */
  abstract static class BuildVerb implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ServerOptions server;

    @Parameters(paramLabel = "BUILD_ID")
    long id;

    abstract String verb();

    @Override
    public Integer call() throws Exception {
      return report(
          server.call("POST", "api/v1/builds/" + id + "/" + verb(), "{}", true),
          spec.commandLine().getOut(),
          spec.commandLine().getErr());
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancels a queued or running build.")
  static final class Cancel extends BuildVerb {
    @Override
    String verb() {
      return "cancel";
    }
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = "Queues a new attempt of a finished build.")
  static final class Retry extends BuildVerb {
    @Override
    String verb() {
      return "retry";
    }
  }

  @Command(
      name = "trigger",
      mixinStandardHelpOptions = true,
      description =
          "Starts a pipeline on a ref (check: a proposed change; post/periodic: refs/heads/*;"
              + " release: a release tag).")
  static final class Trigger implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ServerOptions server;

    @Option(names = "--connection", defaultValue = "local", description = "Default: local.")
    String connection;

    @Option(names = "--project", required = true)
    String project;

    @Option(names = "--pipeline", required = true)
    String pipeline;

    @Option(names = "--ref", required = true, description = "e.g. refs/heads/main")
    String ref;

    @Override
    public Integer call() throws Exception {
      ObjectNode body =
          JSON.createObjectNode()
              .put("connection", connection)
              .put("project", project)
              .put("pipeline", pipeline)
              .put("ref", ref);
      return report(
          server.call("POST", "api/v1/trigger", body.toString(), true),
          spec.commandLine().getOut(),
          spec.commandLine().getErr());
    }
  }

  @Command(
      name = "builds",
      mixinStandardHelpOptions = true,
      description = "Lists recent builds, newest first.")
  static final class Builds implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ServerOptions server;

    @Option(names = "--project")
    String project;

    @Option(names = "--status")
    String status;

    @Option(names = "--limit", defaultValue = "20")
    int limit;

    @Override
    public Integer call() throws Exception {
      StringBuilder q = new StringBuilder("api/v1/builds?limit=" + limit);
      if (project != null) {
        q.append("&project=")
            .append(java.net.URLEncoder.encode(project, java.nio.charset.StandardCharsets.UTF_8));
      }
      if (status != null) {
        q.append("&status=")
            .append(java.net.URLEncoder.encode(status, java.nio.charset.StandardCharsets.UTF_8));
      }
      ServerOptions.Reply r = server.call("GET", q.toString(), null, false);
      if (r.status() >= 300) {
        return report(r, spec.commandLine().getOut(), spec.commandLine().getErr());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          String.format(
              "%-8s %-10s %-12s %-9s %-24s %-12s %s",
              "ID", "PIPELINE", "PROJECT", "CHANGE", "JOB", "STATUS", "DETAIL"));
      for (JsonNode b : JSON.readTree(r.body()).path("builds")) {
        String change =
            b.path("change").isNull()
                ? "-"
                : b.path("change").asText() + "/" + b.path("patchset").asText();
        out.println(
            String.format(
                "%-8s %-10s %-12s %-9s %-24s %-12s %s",
                b.path("id").asText(),
                b.path("pipeline").asText(),
                b.path("project").asText(),
                change.length() > 9 ? change.substring(0, 9) : change,
                b.path("job").isNull() ? "(config)" : b.path("job").asText(),
                b.path("status").asText(),
                b.path("detail").asText().lines().findFirst().orElse("")));
      }
      return 0;
    }
  }

  /** The gate queue verbs: dequeue, enqueue, promote a change. */
  abstract static class QueueVerb implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ServerOptions server;

    @Option(names = "--connection", required = true, description = "The Gerrit connection's name.")
    String connection;

    @Option(names = "--project", required = true)
    String project;

    @Option(names = "--change", required = true, description = "The change number.")
    String change;

    abstract String verb();

    @Override
    public Integer call() throws Exception {
      ObjectNode body =
          JSON.createObjectNode()
              .put("connection", connection)
              .put("project", project)
              .put("change", change);
      return report(
          server.call("POST", "api/v1/queues/" + verb(), body.toString(), true),
          spec.commandLine().getOut(),
          spec.commandLine().getErr());
    }
  }

  @Command(
      name = "dequeue",
      mixinStandardHelpOptions = true,
      description = "Removes a change from its gate queue.")
  static final class Dequeue extends QueueVerb {
    @Override
    String verb() {
      return "dequeue";
    }
  }

  @Command(
      name = "enqueue",
      mixinStandardHelpOptions = true,
      description = "Puts an approved change (back) into its gate queue.")
  static final class Enqueue extends QueueVerb {
    @Override
    String verb() {
      return "enqueue";
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = "Moves a queued change to the head of its gate queue.")
  static final class Promote extends QueueVerb {
    @Override
    String verb() {
      return "promote";
    }
  }
}
