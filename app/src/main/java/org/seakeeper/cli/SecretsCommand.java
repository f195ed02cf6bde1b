package org.seakeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.secret.SecretBinding;
import org.seakeeper.secrets.SecretAdmin;
import org.seakeeper.secrets.SecretKeys;
import org.seakeeper.store.JdbiStore;
import org.seakeeper.store.StoreException;
import org.seakeeper.store.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code seakeeper secrets set|list|delete} (docs/contracts.md §5): through the running server's
 * API when one answers at the config's {@code public_url} (H2 is locked while the server runs),
 * else directly in the store named by {@code --config}. Values are read from standard input and
 * never printed. {@code seakeeper secrets encrypt} prints an entry for the trusted config repo's
 * {@code secrets:} list, encrypted to the server's public key. Exit codes: 0 done, 1 refused, 2
 * usage error.
 */
@Command(
    name = "secrets",
    mixinStandardHelpOptions = true,
    description = "Sets, lists and deletes the secrets jobs may read from $SEAKEEPER_SECRETS/NAME.",
    subcommands = {
      SecretsCommand.Set.class,
      SecretsCommand.List.class,
      SecretsCommand.Delete.class,
      SecretsCommand.Encrypt.class
    })
final class SecretsCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What the direct path works on: the store and its secret admin, closed after use. */
  private interface Direct {
    int run(SecretAdmin admin, PrintWriter out, PrintWriter err);
  }

  /** Shared by the three verbs: the server's API first, the store when no server answers. */
  abstract static class Verb implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ServerOptions server;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    /**
     * Calls the API; when nothing answers and --config names a store, runs {@code direct} on it
     * instead.
     */
    int viaServerOrStore(String method, String path, String body, Direct direct) throws Exception {
      ServerOptions.Reply r;
      try {
        if (!server.tokenReadable()) {
          server.call("GET", "healthz", null, false); // no server (NoServer): no token needed
        }
        r = server.call(method, path, body, true);
      } catch (ServerOptions.NoServer e) {
        return directly(e.getMessage(), direct);
      }
      return handle(r);
    }

    abstract int handle(ServerOptions.Reply r) throws IOException;

    private int directly(String why, Direct direct) throws IOException {
      if (server.config == null) {
        err()
            .println(
                "seakeeper: " + why + "; pass --config SERVER_CONFIG to use the store directly");
        return Main.USAGE;
      }
      ServerConfigParser.Result parsed =
          ServerConfigParser.parse(Files.readAllBytes(server.config));
      if (parsed.config().isEmpty()) {
        parsed.problems().forEach(p -> err().println(p.format(server.config.toString())));
        return Main.USAGE;
      }
      ServerConfig cfg = parsed.config().get();
      org.seakeeper.secrets.KeyFileSealer sealer;
      try {
        sealer = SecretKeys.sealer(cfg);
      } catch (IOException e) {
        err().println("seakeeper: " + e.getMessage());
        return Main.USAGE;
      }
      try (JdbiStore store = Stores.open(cfg.store(), Path.of(cfg.dataDir()))) {
        return direct.run(
            new SecretAdmin(cfg, store.secrets(sealer, Clock.systemUTC())), out(), err());
      } catch (StoreException e) {
        err()
            .println(
                "seakeeper: no server answers and "
                    + e.getMessage()
                    + " (is a server running at another address? pass --server)");
        return 1;
      } catch (RuntimeException e) {
        err().println("seakeeper: " + e.getMessage());
        return 1;
      }
    }

    static String slotPath(String connection, String project, String name) {
      String p =
          Arrays.stream(project.split("/", -1))
              .map(SecretsCommand::enc)
              .collect(Collectors.joining("/"));
      return "api/v1/secrets/" + enc(connection) + "/" + p + "/" + enc(name);
    }

    String connection(String given) throws IOException {
      if (given != null) {
        return given;
      }
      return server.config().map(SecretAdmin::defaultConnection).orElse("local");
    }

    static int outcome(SecretAdmin.Outcome o, PrintWriter out, PrintWriter err, String note) {
      if (o.ok()) {
        out.println(o.message() + note);
        return 0;
      }
      err.println("seakeeper: refused (" + o.error() + "): " + o.message());
      return 1;
    }
  }

  /** The slot a verb works on: {@code [--connection NAME] PROJECT NAME}. */
  static final class Slot {
    @Option(
        names = "--connection",
        paramLabel = "NAME",
        description =
            "The project's connection (default: the config's only connection, else local).")
    String connection;

    @Parameters(index = "0", paramLabel = "PROJECT")
    String project;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;
  }

  /**
   * What {@code set} and {@code encrypt} take besides the slot: the scope, and the value on
   * standard input.
   */
  static final class Value {
    @Option(
        names = "--pipelines",
        paramLabel = "LIST",
        description =
            "Where the secret is offered, e.g. post,release (default: post,periodic,release; gate"
                + " only when listed; never check).")
    String pipelines;

    InputStream stdin = System.in;

    /** The scope given, or the default; problems of the list go to {@code problems}. */
    java.util.Set<org.seakeeper.core.model.PipelineName> scope(java.util.List<String> problems) {
      return pipelines == null
          ? SecretBinding.DEFAULT_SCOPE
          : SecretBinding.parsePipelines(pipelines, problems);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static final String DIRECT = " (no server answered: written to the store directly)";

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Sets secret NAME of PROJECT to the value on standard input (one trailing newline is"
            + " dropped).",
        "Jobs of PROJECT that declare it read it from $SEAKEEPER_SECRETS/NAME, in the pipelines of"
            + " its scope."
      })
  static final class Set extends Verb {
    @Mixin Slot slot;
    @Mixin Value input;

    @Override
    public Integer call() throws Exception {
      byte[] value = stripOneNewline(input.stdin.readAllBytes());
      if (value.length == 0) {
        err()
            .println(
                "seakeeper: the value on standard input is empty (pipe it in: seakeeper secrets set"
                    + " ... < FILE)");
        return Main.USAGE;
      }
      String conn = connection(slot.connection);
      String project = slot.project;
      String name = slot.name;
      java.util.List<String> problems = new java.util.ArrayList<>();
      java.util.Set<org.seakeeper.core.model.PipelineName> scope = input.scope(problems);
      problems.addAll(SecretBinding.problems(conn, project, name, scope));
      if (!problems.isEmpty()) {
        err().println("seakeeper: " + String.join("; ", problems));
        return Main.USAGE;
      }
      ObjectNode body =
          ClientCommands.JSON
              .createObjectNode()
              .put("value_base64", Base64.getEncoder().encodeToString(value));
      if (input.pipelines != null) {
        ArrayNode list = body.putArray("pipelines");
        scope.stream().sorted().forEach(p -> list.add(p.id()));
      }
      try {
        return viaServerOrStore(
            "PUT",
            slotPath(conn, project, name),
            body.toString(),
            (admin, out, err) ->
                outcome(
                    admin.set(conn, project, name, Optional.ofNullable(input.pipelines), value),
                    out,
                    err,
                    DIRECT));
      } finally {
        Arrays.fill(value, (byte) 0);
      }
    }

    @Override
    int handle(ServerOptions.Reply r) throws IOException {
      return ClientCommands.report(r, out(), err());
    }

    static byte[] stripOneNewline(byte[] b) {
      int n = b.length;
      if (n > 0 && b[n - 1] == '\n') {
        n--;
        if (n > 0 && b[n - 1] == '\r') {
          n--;
        }
      }
      return n == b.length ? b : Arrays.copyOf(b, n);
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists secret names and their pipelines (never values).")
  static final class List extends Verb {
    @Option(
        names = "--project",
        paramLabel = "PROJECT",
        description = "Only this project's secrets.")
    String project;

    @Override
    public Integer call() throws Exception {
      String q = "api/v1/secrets" + (project == null ? "" : "?project=" + enc(project));
      return viaServerOrStore(
          "GET",
          q,
          null,
          (admin, out, err) -> {
            print(
                admin.list(Optional.ofNullable(project)).stream()
                    .map(
                        b ->
                            new String[] {
                              b.connection(),
                              b.project(),
                              b.name(),
                              String.join(",", b.pipelineIds())
                            })
                    .toList(),
                out);
            return 0;
          });
    }

    @Override
    int handle(ServerOptions.Reply r) throws IOException {
      if (r.status() >= 300) {
        return ClientCommands.report(r, out(), err());
      }
      java.util.List<String[]> rows = new java.util.ArrayList<>();
      for (JsonNode s : ClientCommands.JSON.readTree(r.body()).path("secrets")) {
        java.util.List<String> p = new java.util.ArrayList<>();
        s.path("pipelines").forEach(x -> p.add(x.asText()));
        rows.add(
            new String[] {
              s.path("connection").asText(),
              s.path("project").asText(),
              s.path("name").asText(),
              String.join(",", p)
            });
      }
      print(rows, out());
      return 0;
    }

    private static void print(java.util.List<String[]> rows, PrintWriter out) {
      out.println(
          String.format("%-12s %-20s %-24s %s", "CONNECTION", "PROJECT", "NAME", "PIPELINES"));
      rows.forEach(r -> out.println(String.format("%-12s %-20s %-24s %s", (Object[]) r)));
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes secret NAME of PROJECT.")
  static final class Delete extends Verb {
    @Mixin Slot slot;

    @Override
    public Integer call() throws Exception {
      String conn = connection(slot.connection);
      String project = slot.project;
      String name = slot.name;
      return viaServerOrStore(
          "DELETE",
          slotPath(conn, project, name),
          null,
          (admin, out, err) -> outcome(admin.delete(conn, project, name), out, err, DIRECT));
    }

    @Override
    int handle(ServerOptions.Reply r) throws IOException {
      return ClientCommands.report(r, out(), err());
    }
  }

  @Command(
      name = "encrypt",
      mixinStandardHelpOptions = true,
      description = {
        "Encrypts the value on standard input (one trailing newline is dropped) to the server's"
            + " public key for secret NAME of PROJECT,",
        "and prints the entry to paste under 'secrets:' in the trusted config repo's file. Only the"
            + " server can decrypt it, and only for",
        "exactly this connection, project, name and pipelines. The key comes from the server's key"
            + " file when --config names one that",
        "exists here, else from the server (GET /api/v1/secrets/public-key at --server or the"
            + " config's public_url); with --config and",
        "no server answering, the key pair is made beside the secrets key file (first use)."
      })
  static final class Encrypt implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ServerOptions server;
    @Mixin Slot slot;
    @Mixin Value input;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      byte[] value = Set.stripOneNewline(input.stdin.readAllBytes());
      try {
        if (value.length == 0) {
          err.println(
              "seakeeper: the value on standard input is empty (pipe it in: seakeeper secrets"
                  + " encrypt ... < FILE)");
          return Main.USAGE;
        }
        if (value.length > org.seakeeper.core.secret.SecretValue.MAX_BYTES) {
          err.println(
              "seakeeper: the value has "
                  + value.length
                  + " bytes; a secret holds at most "
                  + org.seakeeper.core.secret.SecretValue.MAX_BYTES);
          return Main.USAGE;
        }
        Optional<ServerConfig> cfg = Optional.empty();
        if (server.config != null) {
          ServerConfigParser.Result parsed =
              ServerConfigParser.parse(Files.readAllBytes(server.config));
          if (parsed.config().isEmpty()) {
            parsed.problems().forEach(p -> err.println(p.format(server.config.toString())));
            err.println("seakeeper: the server config " + server.config + " has errors");
            return Main.USAGE;
          }
          cfg = parsed.config();
        }
        String conn =
            slot.connection != null
                ? slot.connection
                : cfg.map(SecretAdmin::defaultConnection).orElse("local");
        java.util.List<String> problems = new java.util.ArrayList<>();
        java.util.Set<org.seakeeper.core.model.PipelineName> scope = input.scope(problems);
        problems.addAll(SecretBinding.problems(conn, slot.project, slot.name, scope));
        if (!problems.isEmpty()) {
          err.println("seakeeper: " + String.join("; ", problems));
          return Main.USAGE;
        }
        java.security.PublicKey key;
        try {
          key = publicKey(cfg, err);
        } catch (IOException | org.seakeeper.secrets.SecretSealer.SealException e) {
          err.println("seakeeper: " + e.getMessage());
          return 1;
        }
        SecretBinding b = new SecretBinding(conn, slot.project, slot.name, scope);
        byte[] sealed = org.seakeeper.secrets.ConfigSecretCipher.encrypt(key, b, value);
        spec.commandLine()
            .getOut()
            .print(org.seakeeper.secrets.ConfigSecretCipher.yamlEntry(b, sealed));
        spec.commandLine().getOut().flush();
        err.println(
            "seakeeper: paste this entry under 'secrets:' in the trusted config repo's file (key "
                + org.seakeeper.secrets.ServerKey.idText(key)
                + ")");
        return 0;
      } finally {
        Arrays.fill(value, (byte) 0);
      }
    }

    /**
     * The key file when --config names one that exists here; else the server's; else (with
     * --config, no server) a new key pair.
     */
    private java.security.PublicKey publicKey(Optional<ServerConfig> cfg, PrintWriter err)
        throws IOException, InterruptedException {
      if (server.server == null
          && cfg.isPresent()
          && Files.isReadable(SecretKeys.serverKeyFile(cfg.get(), System.getenv()))) {
        return SecretKeys.serverKey(cfg.get()).publicKey();
      }
      try {
        ServerOptions.Reply r = server.call("GET", "api/v1/secrets/public-key", null, false);
        if (r.status() != 200) {
          throw new IOException(
              "the server answered " + r.status() + " for its public key: " + r.body().strip());
        }
        return org.seakeeper.secrets.RsaKeyFile.parsePublicPem(r.body());
      } catch (ServerOptions.NoServer e) {
        if (server.server != null || cfg.isEmpty()) {
          throw new IOException(
              e.getMessage()
                  + (cfg.isEmpty()
                      ? "; or pass --config SERVER_CONFIG to use the server's key file here"
                      : ""));
        }
        org.seakeeper.secrets.RsaKeyFile k = SecretKeys.serverKey(cfg.get());
        java.security.PublicKey pub = k.publicKey();
        err.println(
            "seakeeper: no server answered: made the server's key pair at "
                + k.file()
                + " (keep it with the secrets key file, outside data_dir)");
        return pub;
      }
    }
  }
}
