package org.seakeeper.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import org.seakeeper.core.config.ServerConfigParser;
import org.seakeeper.core.report.Reporter;

/**
 * A server for the crash test, run as a separate JVM: {@code halt} mode halts the JVM (as {@code
 * kill -9} would) at the first report, after the result was stored but before it was reported;
 * {@code record} mode appends each reported buildset id to a file.
 */
public final class CrashTestServer {
  private CrashTestServer() {}

  public static void main(String[] args) throws Exception {
    Path config = Path.of(args[0]);
    String mode = args[1];
    Path reports = Path.of(args[2]);
    var cfg = ServerConfigParser.parse(Files.readAllBytes(config)).config().orElseThrow();
    Reporter reporter =
        (entry, set, builds) -> {
          if (mode.equals("halt")) {
            Runtime.getRuntime().halt(137);
          }
          try {
            Files.writeString(
                reports,
                set.id() + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
          } catch (java.io.IOException e) {
            return false;
          }
          return true;
        };
    ServerRuntime rt = ServerRuntime.start(cfg, Clock.systemUTC(), reporter);
    System.out.println("READY " + rt.port());
    System.out.flush();
    Thread.currentThread().join();
  }
}
