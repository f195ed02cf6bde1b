package org.seakeeper.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.seakeeper.core.config.Problem;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.config.TrustedContext;
import org.seakeeper.core.config.TrustedSections;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.scheduler.TrustedConfigSource;
import org.seakeeper.git.JGitRepoAccess;

/**
 * Loads {@code --config SERVER_CONFIG} for commands that resolve base jobs and images, with the
 * trusted config repo's merged file when one is declared (docs/contracts.md §2: as on the server).
 */
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
    TrustedContext context = r.trusted().orElseThrow();
    if (r.config().get().configRepo().isPresent()) {
      context = withConfigRepo(r.config().get(), r.sections().orElseThrow(), err).orElse(context);
    }
    return Optional.of(new Loaded(context, r.config()));
  }

  /**
   * The trusted context with the config repo's merged file, read as the server reads it (the tip of
   * its branch), so base jobs resolve as on the server. Empty (after a warning) when it cannot be
   * read here: a Gerrit project, or a file with errors.
   */
  private static Optional<TrustedContext> withConfigRepo(
      ServerConfig cfg, TrustedSections sections, PrintWriter err) {
    ServerConfig.ConfigRepo repo = cfg.configRepo().orElseThrow();
    ServerConfig.Connection c =
        cfg.connections().stream()
            .filter(x -> x.name().equals(repo.connection()))
            .findFirst()
            .orElseThrow();
    if (!"git".equals(c.type())) {
      err.println(
          "seakeeper: warning: the trusted config repo "
              + repo.project()
              + " is on connection "
              + c.name()
              + " ("
              + c.type()
              + "), which is not read here; only the server file's base jobs are known");
      return Optional.empty();
    }
    boolean[] ok = {true};
    TrustedConfigSource.Listener listener =
        new TrustedConfigSource.Listener() {
          @Override
          public void loaded(String commit, List<String> warnings) {
            warnings.forEach(w -> err.println("seakeeper: " + w));
          }

          @Override
          public void rejected(String commit, List<String> problems) {
            ok[0] = false;
            err.println(
                "seakeeper: warning: the trusted config repo's "
                    + repo.path()
                    + " at "
                    + commit
                    + " has errors; only the server file's base jobs are known:");
            problems.forEach(err::println);
          }
        };
    TrustedConfigSource source =
        new TrustedConfigSource(
            sections,
            Optional.of(repo),
            JGitRepoAccess.of(cfg.connections()),
            Optional.empty(),
            listener,
            org.seakeeper.core.secret.ConfigSecretOpener.PARSE_ONLY);
    source.load();
    return ok[0] ? Optional.of(source.current().context()) : Optional.empty();
  }
}
