package org.seakeeper.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin token (docs/contracts.md §3 {@code admin_token_file}): created on first start, mode
 * 0600.
 */
public final class AdminToken {
  private AdminToken() {}

  /** Reads the token, creating the file with a new random token when it is missing. */
  public static String loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      String t = Files.readString(file).strip();
      if (t.length() < 16) {
        throw new IOException(
            "the admin token in "
                + file
                + " is shorter than 16 characters; delete the file to get a new one");
      }
      return t;
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    String token = HexFormat.of().formatHex(b);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, token + "\n");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return token;
  }
}
