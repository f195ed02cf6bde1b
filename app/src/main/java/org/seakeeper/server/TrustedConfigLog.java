package org.seakeeper.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.seakeeper.core.scheduler.TrustedConfigSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to the trusted config repo goes to the server log, and the commit whose file is in
 * force is remembered in the data dir ({@code trusted-config/last-good}), so a restart with a
 * broken tip keeps that config rather than falling back to the server file alone. Thread-safe.
 */
final class TrustedConfigLog implements TrustedConfigSource.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(TrustedConfigLog.class);
  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40,64}");
  private final Path file;

  TrustedConfigLog(Path dataDir) {
    this.file = dataDir.resolve("trusted-config").resolve("last-good");
  }

  /** The commit remembered by the last run, if any (and well-formed). */
  Optional<String> remembered() {
    try {
      return Files.isRegularFile(file)
          ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
              .filter(s -> SHA.matcher(s).matches())
          : Optional.empty();
    } catch (IOException e) {
      LOG.warn("cannot read {}: {}", file, e.toString());
      return Optional.empty();
    }
  }

  @Override
  public synchronized void loaded(String commit, List<String> warnings) {
    LOG.info("trusted config repo: the file at {} is in force", commit);
    warnings.forEach(w -> LOG.warn("trusted config repo: {}", w));
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling("last-good.tmp");
      Files.writeString(tmp, commit + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("cannot remember the trusted config commit in {}: {}", file, e.toString());
    }
  }

  @Override
  public void rejected(String commit, List<String> problems) {
    LOG.error(
        "trusted config repo: the file at {} has errors; the last good trusted config stays in"
            + " force",
        commit);
    problems.forEach(p -> LOG.error("trusted config repo: {}", p));
  }
}
