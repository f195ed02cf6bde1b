package org.seakeeper.secrets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.seakeeper.core.model.ServerConfig;

/**
 * Where the secrets key file is: {@code secrets.key_file} of the server config, else {@code
 * $XDG_CONFIG_HOME/seakeeper/secrets.key}, else {@code ~/.config/seakeeper/secrets.key}. It must
 * lie outside {@code data_dir}, so a copy of the data directory (a backup, a stolen disk image, a
 * leaked database) never carries the key to its own values. Stateless.
 */
public final class SecretKeys {
  private SecretKeys() {}

  /** The key file of {@code cfg} (absolute, normalized), resolved against {@code env}. */
  public static Path keyFile(ServerConfig cfg, Map<String, String> env) {
    if (cfg.secrets().keyFile().isPresent()) {
      return Path.of(cfg.secrets().keyFile().get()).toAbsolutePath().normalize();
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base =
        xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("seakeeper/secrets.key").toAbsolutePath().normalize();
  }

  /** The sealer of {@code cfg}, after checking that its key file is outside {@code data_dir}. */
  public static KeyFileSealer sealer(ServerConfig cfg) throws IOException {
    Path key = keyFile(cfg, System.getenv());
    Path data = Path.of(cfg.dataDir()).toAbsolutePath().normalize();
    if (inside(key, data)) {
      throw new IOException(
          "the secrets key file "
              + key
              + " is inside data_dir "
              + data
              + "; put it elsewhere (secrets: {key_file: PATH}), so the data directory never"
              + " carries its own key");
    }
    return new KeyFileSealer(key);
  }

  /**
   * The file of the server's key pair for the trusted config repo's secrets ({@link RsaKeyFile}):
   * beside the secrets key file, named after it ({@code secrets.key} gives {@code
   * secrets.key.rsa.pem}), so it is outside {@code data_dir} as well.
   */
  public static Path serverKeyFile(ServerConfig cfg, Map<String, String> env) {
    Path key = keyFile(cfg, env);
    return key.resolveSibling(key.getFileName() + ".rsa.pem");
  }

  /** The server's key pair of {@code cfg} (checked outside {@code data_dir} like the key file). */
  public static RsaKeyFile serverKey(ServerConfig cfg) throws IOException {
    Path file = serverKeyFile(cfg, System.getenv());
    Path data = Path.of(cfg.dataDir()).toAbsolutePath().normalize();
    if (inside(file, data)) {
      throw new IOException(
          "the server's key file "
              + file
              + " is inside data_dir "
              + data
              + "; put the secrets key file elsewhere (secrets: {key_file: PATH}): the server's key"
              + " file lies beside it");
    }
    return new RsaKeyFile(file);
  }

  /** Whether {@code file} is {@code dir} or below it, following symbolic links where they exist. */
  public static boolean inside(Path file, Path dir) throws IOException {
    return real(file).startsWith(real(dir));
  }

  /** The path with its longest existing prefix resolved to the real path. */
  private static Path real(Path p) throws IOException {
    Path existing = p;
    Path rest = Path.of("");
    while (existing != null && !Files.exists(existing)) {
      rest = existing.getFileName().resolve(rest);
      existing = existing.getParent();
    }
    return existing == null ? p : existing.toRealPath().resolve(rest).normalize();
  }
}
