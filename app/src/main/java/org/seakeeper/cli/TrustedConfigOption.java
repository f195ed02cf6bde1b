package org.seakeeper.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.seakeeper.core.config.Problem;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.model.ServerConfig;

/** Loads {@code --config SERVER_CONFIG} for commands that resolve base jobs and images. */
final class TrustedConfigOption {
  /** The loaded server config with the context repo configs are checked in. */
  record Loaded(TrustedContext context, Optional<ServerConfig> server) {}

  private TrustedConfigOption() {}

  /** Offline defaults without a file; empty (after printing why) when the file is unusable. */
  static Optional<Loaded> load(Path file, PrintWriter err) {
    if (file == null) {
      return Optional.of(new Loaded(TrustedContext.offlineDefaults(), Optional.empty()));
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      err.println("seakeeper: cannot read server config " + file + ": " + e.getMessage());
      return Optional.empty();
    }
    ServerConfigParser.Result r = ServerConfigParser.parse(bytes);
    for (Problem p : r.problems()) {
      err.println(p.format(file.toString()));
    }
    if (r.config().isEmpty()) {
      err.println("seakeeper: the server config " + file + " has errors");
      return Optional.empty();
    }
    return Optional.of(new Loaded(r.trusted().orElseThrow(), r.config()));
  }
}
