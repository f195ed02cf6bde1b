package org.seakeeper.gerrit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Gerrit sites for tests: {@code init --batch --dev} takes several seconds, so it runs once per
 * build into {@code target/gerrit-site-template} (under a file lock, marked complete by a file
 * written last) and each test class copies that. Stateless.
 */
final class GerritSites {
  private static final String DONE = "seakeeper-template-complete";

  private GerritSites() {}

  /** The initialised template site, made now when missing or incomplete. */
  static Path template(String java, String classpath) throws Exception {
    Path t = GerritServer.TEMPLATE;
    Files.createDirectories(t.getParent());
    try (FileChannel ch =
            FileChannel.open(
                t.resolveSibling("gerrit-site-template.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      if (Files.exists(t.resolve(DONE))) {
        return t;
      }
      delete(t);
      Path log = t.resolveSibling("gerrit-init.log");
      Process p =
          new ProcessBuilder(
                  List.of(
                      java,
                      "-cp",
                      classpath,
                      "com.google.gerrit.launcher.GerritLauncher",
                      "init",
                      "--batch",
                      "--dev",
                      "--no-auto-start",
                      "-d",
                      t.toString()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("gerrit init took over 180 s:\n" + GerritServer.tail(log));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "gerrit init failed (" + p.exitValue() + "):\n" + GerritServer.tail(log));
      }
      Files.writeString(t.resolve(DONE), "ok\n");
      return t;
    }
  }

  /** Copies a site (files, directories and symbolic links as they are). */
  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path src : files.toList()) {
        Path dst = to.resolve(from.relativize(src).toString());
        if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(dst);
        } else {
          Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
    Files.deleteIfExists(to.resolve(DONE));
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
