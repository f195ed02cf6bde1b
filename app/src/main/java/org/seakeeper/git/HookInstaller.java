package org.seakeeper.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Installs Seakeeper's {@code reference-transaction} hook (resource {@code
 * git/reference-transaction}) into a hooks directory. Idempotent: our own hook is rewritten only
 * when its text changed. A hook that was there before and is not ours is kept working by chaining:
 * it is moved to {@code reference-transaction.user}, which our hook runs with the same arguments
 * and input. Stateless; callers serialise installs into the same directory.
 */
final class HookInstaller {
  static final String HOOK = "reference-transaction";
  static final String CHAINED = HOOK + ".user";
  static final String MARKER = "# seakeeper-reference-transaction-hook";

  private static final String SCRIPT = loadScript();

  private HookInstaller() {}

  /** What happened to the hooks directory. */
  enum Result {
    INSTALLED,
    UPDATED,
    UNCHANGED,
    CHAINED_EXISTING
  }

  /**
   * Makes {@code hooksDir/reference-transaction} our hook.
   *
   * @throws IOException when the directory cannot be written, or when a foreign hook is present and
   *     {@code reference-transaction.user} exists too (moving would lose one of them)
   */
  static Result install(Path hooksDir) throws IOException {
    Files.createDirectories(hooksDir);
    Path hook = hooksDir.resolve(HOOK);
    Result result = Result.INSTALLED;
    if (Files.exists(hook, LinkOption.NOFOLLOW_LINKS)) {
      if (isOurs(hook)) {
        if (Files.readString(hook, StandardCharsets.UTF_8).equals(SCRIPT)) {
          return Result.UNCHANGED;
        }
        result = Result.UPDATED;
      } else {
        Path chained = hooksDir.resolve(CHAINED);
        if (Files.exists(chained, LinkOption.NOFOLLOW_LINKS)) {
          throw new IOException(
              hook
                  + " is not Seakeeper's hook and "
                  + chained
                  + " exists too; merge them into "
                  + chained
                  + " and remove "
                  + hook);
        }
        Files.move(hook, chained, StandardCopyOption.ATOMIC_MOVE);
        result = Result.CHAINED_EXISTING;
      }
    }
    Path tmp = Files.createTempFile(hooksDir, "." + HOOK, ".tmp");
    try {
      Files.writeString(tmp, SCRIPT, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.move(tmp, hook, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return result;
  }

  private static boolean isOurs(Path hook) throws IOException {
    if (!Files.isRegularFile(hook, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    byte[] head = new byte[512];
    int n;
    try (InputStream in = Files.newInputStream(hook)) {
      n = in.readNBytes(head, 0, head.length);
    }
    return new String(head, 0, n, StandardCharsets.UTF_8).contains(MARKER);
  }

  /** The hook's text as shipped. */
  static String script() {
    return SCRIPT;
  }

  private static String loadScript() {
    try (InputStream in = HookInstaller.class.getResourceAsStream("/git/" + HOOK)) {
      if (in == null) {
        throw new IllegalStateException("resource /git/" + HOOK + " missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
