package org.seakeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code seakeeper artifacts list|get|promote} (docs/contracts.md §10) through the running server.
 * Exit codes as every client command (docs/contracts.md §5): 0 done, 1 refused, 2 usage error.
 */
@Command(
    name = "artifacts",
    mixinStandardHelpOptions = true,
    description = "Lists, downloads and promotes the artifacts the server keeps.",
    subcommands = {
      ArtifactsCommand.ListArtifacts.class,
      ArtifactsCommand.Get.class,
      ArtifactsCommand.Promote.class
    })
final class ArtifactsCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists kept artifacts, newest first (of one build with --build).")
  static final class ListArtifacts implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ServerOptions server;

    @Option(names = "--project")
    String project;

    @Option(names = "--build", paramLabel = "BUILD_ID")
    Long build;

    @Option(names = "--limit", defaultValue = "50")
    int limit;

    @Override
    public Integer call() throws Exception {
      String path =
          build != null
              ? "api/v1/builds/" + build + "/artifacts"
              : "api/v1/artifacts?limit="
                  + limit
                  + (project == null
                      ? ""
                      : "&project="
                          + java.net.URLEncoder.encode(
                              project, java.nio.charset.StandardCharsets.UTF_8));
      ServerOptions.Reply r = server.call("GET", path, (String) null, false);
      PrintWriter out = spec.commandLine().getOut();
      if (r.status() >= 300) {
        return ClientCommands.report(r, out, spec.commandLine().getErr());
      }
      out.println(
          String.format(
              "%-64s %10s %-7s %-10s %-10s %-4s %s",
              "SHA256", "SIZE", "BUILD", "PIPELINE", "TIER", "PROV", "PATH"));
      for (JsonNode a : ClientCommands.JSON.readTree(r.body()).path("artifacts")) {
        out.println(
            String.format(
                "%-64s %10d %-7s %-10s %-10s %-4s %s",
                a.path("sha256").asText(),
                a.path("size").asLong(),
                a.path("build").asText(build == null ? "" : String.valueOf(build)),
                a.path("pipeline").asText(),
                a.path("tier").asText(),
                a.path("provenance_url").isNull() ? "no" : "yes",
                a.path("path").asText()));
      }
      return 0;
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description =
          "Downloads an artifact (checked against its digest) and, with --provenance, its signed"
              + " provenance.")
  static final class Get implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ServerOptions server;

    @Parameters(paramLabel = "SHA256")
    String sha256;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Where to write it (default: ./SHA256).")
    Path output;

    @Option(
        names = "--provenance",
        paramLabel = "FILE",
        description = "Also write the provenance envelope here (FILE.intoto.jsonl).")
    Path provenance;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      Path target = output != null ? output : Path.of(sha256);
      URI base = server.base();
      String b = base.toString().endsWith("/") ? base.toString() : base + "/";
      Path tmp =
          Files.createTempFile(target.toAbsolutePath().getParent(), ".seakeeper-get-", ".part");
      try {
        HttpResponse<Path> r =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(b + "api/v1/artifacts/" + sha256))
                        .timeout(Duration.ofHours(1))
                        .build(),
                    HttpResponse.BodyHandlers.ofFile(tmp));
        if (r.statusCode() != 200) {
          return ClientCommands.report(
              new ServerOptions.Reply(r.statusCode(), Files.readString(tmp)),
              spec.commandLine().getOut(),
              err);
        }
        String got = VerifyCommand.sha256(tmp);
        if (!got.equals(sha256)) {
          err.println("seakeeper: refused: the download's SHA-256 is " + got + ", not " + sha256);
          return 1;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      } catch (java.net.ConnectException e) {
        err.println("seakeeper: no Seakeeper server answers at " + b + " (pass --server)");
        return Main.USAGE;
      } finally {
        Files.deleteIfExists(tmp);
      }
      spec.commandLine().getOut().println("wrote " + target);
      if (provenance != null) {
        ServerOptions.Reply p =
            server.call("GET", "api/v1/artifacts/" + sha256 + "/provenance", (String) null, false);
        if (p.status() != 200) {
          return ClientCommands.report(p, spec.commandLine().getOut(), err);
        }
        Files.writeString(provenance, p.body());
        spec.commandLine().getOut().println("wrote " + provenance);
      }
      return 0;
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description =
          "Promotes an artifact into a channel (needs the admin token); promoting an earlier"
              + " digest is a rollback.")
  static final class Promote implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ServerOptions server;

    @Parameters(paramLabel = "SHA256")
    String sha256;

    @Option(names = "--channel", required = true)
    String channel;

    @Override
    public Integer call() throws Exception {
      String body = ClientCommands.JSON.createObjectNode().put("channel", channel).toString();
      return ClientCommands.report(
          server.call("POST", "api/v1/artifacts/" + sha256 + "/promote", body, true),
          spec.commandLine().getOut(),
          spec.commandLine().getErr());
    }
  }
}
