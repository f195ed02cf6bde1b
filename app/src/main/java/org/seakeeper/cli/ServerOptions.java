package org.seakeeper.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.model.ServerConfig;
import picocli.CommandLine.Option;

/**
 * Options and HTTP calls shared by the commands that talk to a running server (docs/contracts.md
 * §5): {@code --server URL} (default: the config's public_url, else http://127.0.0.1:8080/) and
 * {@code --token-file FILE}: a personal API token or the admin token (default: the config's
 * admin_token_file, else ./data/admin-token).
 */
final class ServerOptions {
  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "The server's URL (default: public_url of --config, else http://127.0.0.1:8080/).")
  URI server;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "A personal API token or the admin token (default: admin_token_file of --config, else"
              + " ./data/admin-token).")
  Path tokenFile;

  @Option(
      names = "--config",
      paramLabel = "SERVER_CONFIG",
      description = "Read the defaults above from this server config.")
  Path config;

  /** Nothing listens at the server's URL. */
  static final class NoServer extends IOException {
    private static final long serialVersionUID = 1L;

    NoServer(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The parsed {@code --config}, or empty when none was given. */
  Optional<ServerConfig> config() throws IOException {
    return cfg();
  }

  /** A response: status code and body. */
  record Reply(int status, String body) {}

  private Optional<ServerConfig> cfg() throws IOException {
    if (config == null) {
      return Optional.empty();
    }
    return ServerConfigParser.parse(Files.readAllBytes(config)).config();
  }

  URI base() throws IOException {
    if (server != null) {
      return server;
    }
    return URI.create(cfg().map(c -> c.http().publicUrl()).orElse("http://127.0.0.1:8080/"));
  }

  /** Whether the admin token file can be read (it is made when a server first starts). */
  boolean tokenReadable() throws IOException {
    return Files.isReadable(tokenPath());
  }

  private Path tokenPath() throws IOException {
    Path f = tokenFile;
    if (f == null) {
      f =
          cfg()
              .map(
                  c ->
                      c.adminTokenFile() != null
                          ? Path.of(c.adminTokenFile())
                          : Path.of(c.dataDir(), "admin-token"))
              .orElse(Path.of("data", "admin-token"));
    }
    return f;
  }

  String token() throws IOException {
    Path f = tokenPath();
    if (!Files.isReadable(f)) {
      throw new IOException("cannot read the admin token at " + f + " (pass --token-file)");
    }
    return Files.readString(f).strip();
  }

  Reply call(String method, String path, String jsonBody, boolean auth)
      throws IOException, InterruptedException {
    byte[] body =
        "POST".equals(method) || "PUT".equals(method)
            ? (jsonBody == null ? "{}" : jsonBody).getBytes(java.nio.charset.StandardCharsets.UTF_8)
            : null;
    return call(method, path, body, "application/json", auth);
  }

  /** A call with a body of any type ({@code body} null for GET). */
  Reply call(String method, String path, byte[] body, String contentType, boolean auth)
      throws IOException, InterruptedException {
    URI base = base();
    String b = base.toString().endsWith("/") ? base.toString() : base + "/";
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(b + path)).timeout(Duration.ofSeconds(60));
    if (auth) {
      req.header("Authorization", "Bearer " + token());
    }
    switch (method) {
      case "POST", "PUT" ->
          req.header("Content-Type", contentType)
              .method(
                  method,
                  HttpRequest.BodyPublishers.ofByteArray(body == null ? new byte[0] : body));
      case "DELETE" -> req.DELETE();
      default -> req.GET();
    }
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (java.net.ConnectException e) {
      throw new NoServer(
          "no Seakeeper server answers at " + b + " (is it running? pass --server)", e);
    }
  }
}
