package org.seakeeper.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.seakeeper.core.secret.SecretValue;

/**
 * Hands an execution's secrets to bubblewrap through named pipes, so no value is ever written to a
 * disk, an argument list or an environment: one FIFO per secret in a private ({@code 0700})
 * temporary directory of the server's user; a thread writes each value into its pipe once the
 * launcher opened it (as a file descriptor bubblewrap reads with {@code --ro-bind-data}). A FIFO
 * holds no data on disk: the bytes pass through the kernel's pipe buffer. Not thread-safe; one per
 * execution.
 */
final class SecretPipes implements AutoCloseable {
  private final Path dir;
  private final List<Path> fifos = new ArrayList<>();
  private final List<Thread> writers = new ArrayList<>();

  private SecretPipes(Path dir) {
    this.dir = dir;
  }

  /** Creates one FIFO per secret (in the secrets' order) and starts the writers. */
  static SecretPipes open(String id, Map<String, SecretValue> secrets) throws IOException {
    if (secrets.isEmpty()) {
      return new SecretPipes(null);
    }
    SecretPipes p = new SecretPipes(Files.createTempDirectory("seakeeper-secrets-"));
    try {
      int i = 0;
      for (SecretValue v : secrets.values()) {
        Path fifo = p.dir.resolve(Integer.toString(i++));
        mkfifo(fifo);
        p.fifos.add(fifo);
        p.writers.add(
            Thread.ofPlatform()
                .name("sandbox-secret-" + id + "-" + i)
                .daemon()
                .start(() -> write(fifo, v)));
      }
      return p;
    } catch (IOException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /** The FIFOs the launcher opens, in order, as file descriptors. */
  List<Path> fifos() {
    return List.copyOf(fifos);
  }

  private static void mkfifo(Path fifo) throws IOException {
    Process m =
        new ProcessBuilder("mkfifo", "-m", "600", fifo.toString())
            .redirectErrorStream(true)
            .start();
    try {
      String out =
          new String(m.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .strip();
      if (m.waitFor() != 0) {
        throw new IOException("cannot make a pipe for the job's secrets: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making a pipe for the job's secrets", e);
    }
  }

  /** Opening blocks until the launcher opens the other end; the value fits the pipe's buffer. */
  private static void write(Path fifo, SecretValue v) {
    byte[] b = v.bytes();
    try (OutputStream o = Files.newOutputStream(fifo)) {
      o.write(b);
    } catch (IOException e) {
      // the launcher is gone; bubblewrap reports the missing data
    } finally {
      java.util.Arrays.fill(b, (byte) 0);
    }
  }

  /**
   * Unblocks writers whose pipe was never opened (the launcher failed early) and removes the FIFOs.
   */
  @Override
  public void close() {
    for (int i = 0; i < writers.size(); i++) {
      Thread w = writers.get(i);
      if (w.isAlive()) {
        try (InputStream in = Files.newInputStream(fifos.get(i))) {
          in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
          // nothing more to do
        }
      }
      try {
        w.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      if (dir != null) {
        Workspaces.delete(dir);
      }
    } catch (IOException e) {
      // an empty directory of FIFOs in the temporary directory: harmless
    }
  }
}
