package org.seakeeper.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.seakeeper.core.config.Problem;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.sandbox.SandboxException;
import org.seakeeper.server.QuickStart;
import org.seakeeper.server.ServerRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code seakeeper server}: the long-running server. With {@code --config FILE} it serves what the
 * file says; without, it is the quick start: data under {@code ./data}, a demo repo, the UI on
 * http://127.0.0.1:8080 and a first build already running.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the Seakeeper server. Without --config: the quick start (data in ./data, a demo repo",
      "at ./data/repos/demo.git, the UI on http://127.0.0.1:8080/). Every config problem is listed",
      "and the server refuses to start (exit 2)."
    })
final class ServerCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The server config (docs/contracts.md §3).")
  Path config;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Quick start only: where data goes (default ./data).")
  Path dataDir = Path.of("data");

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Quick start only: the HTTP port (default 8080; 0 picks a free one).")
  int port = 8080;

  @Option(names = "--verbose", description = "Print details of unexpected errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    boolean quick = config == null;
    String yaml;
    String label;
    if (quick) {
      Path dd = dataDir.toAbsolutePath().normalize();
      yaml =
          QuickStart.configYaml(dd)
              .replace("port: 8080", "port: " + port)
              .replace(":8080/", ":" + port + "/");
      label = "(quick start)";
      QuickStart.createRepo(dd);
    } else {
      if (!Files.isRegularFile(config)) {
        err.println("seakeeper: no server config at " + config);
        return Main.USAGE;
      }
      yaml = Files.readString(config, StandardCharsets.UTF_8);
      label = config.toString();
    }
    ServerConfigParser.Result parsed =
        ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8));
    for (Problem p : parsed.problems()) {
      err.println(p.format(label));
    }
    if (parsed.config().isEmpty()) {
      err.println("seakeeper: the server config has errors; not starting");
      return Main.USAGE;
    }
    ServerConfig cfg = parsed.config().get();
    ServerRuntime rt;
    try {
      rt =
          ServerRuntime.start(
              cfg,
              parsed.sections().orElseThrow(),
              Clock.systemUTC(),
              new org.seakeeper.server.LogReporter());
    } catch (SandboxException e) {
      err.println("seakeeper: " + e.getMessage());
      return RunCommand.SANDBOX;
    } catch (IOException | RuntimeException e) {
      err.println("seakeeper: cannot start: " + e.getMessage());
      if (verbose) {
        e.printStackTrace(err);
      }
      return Main.USAGE;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  rt.close();
                  stopped.countDown();
                }));
    String url =
        cfg.http().publicUrl().replace(":" + cfg.http().port() + "/", ":" + rt.port() + "/");
    out.println("Seakeeper is running: " + url);
    out.println(
        "  admin token: "
            + rt.adminTokenFile()
            + " (send it as 'Authorization: Bearer ...' to change anything)");
    if (quick) {
      Path bare = dataDir.toAbsolutePath().normalize().resolve("repos/demo.git");
      if (!Files.exists(bare.resolve("refs/heads/main")) && !packedMain(bare)) {
        // The sample's post job `publish` declares the secret demo-token: set one, as an admin
        // would, through the API (docs/contracts.md §5), so the first build shows a secret handed
        // over.
        if (demoSecret(url, rt.adminTokenFile())) {
          out.println(
              "  a secret demo-token of project demo was set for its post job (seakeeper secrets"
                  + " set)");
        } else {
          err.println(
              "seakeeper: could not set the demo secret; the sample's publish job will say it is"
                  + " missing");
        }
        QuickStart.firstPush(dataDir.toAbsolutePath().normalize());
        out.println("  a first build of the demo repo is running: " + url + "builds");
      }
      out.println(
          "  demo repo: git clone "
              + bare
              + "  (push to main for post, to refs/for/main for check)");
    }
    out.println("Stop with Ctrl-C.");
    out.flush();
    stopped.await();
    return 0;
  }

  /** PUT /api/v1/secrets/local/demo/demo-token with a random value; false when refused. */
  private static boolean demoSecret(String url, Path tokenFile) {
    ServerOptions api = new ServerOptions();
    api.server = java.net.URI.create(url);
    api.tokenFile = tokenFile;
    try {
      byte[] random = new byte[16];
      new java.security.SecureRandom().nextBytes(random);
      String value = java.util.HexFormat.of().formatHex(random);
      return api.call(
                      "PUT",
                      "api/v1/secrets/local/" + QuickStart.PROJECT + "/demo-token",
                      "{\"value\": \"" + value + "\"}",
                      true)
                  .status()
              / 100
          == 2;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean packedMain(Path bare) throws IOException {
    Path packed = bare.resolve("packed-refs");
    return Files.exists(packed) && Files.readString(packed).contains("refs/heads/main");
  }
}
