package org.seakeeper.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.seakeeper.core.model.Tier;

/**
 * Finds, and when running as root creates once, the unprivileged host user of each tier ({@code
 * seakeeper-untrusted}, {@code seakeeper-trusted}, {@code seakeeper-privileged}), so that jobs
 * never run as host root and tiers cannot read each other's workspaces. Thread-safe.
 */
public final class HostUsers {
  private final Map<Tier, HostUser> cache = new EnumMap<>(Tier.class);

  /** Whether this process runs as root (effective uid 0). */
  public static boolean isRoot() {
    return currentUid() == 0;
  }

  static int currentUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.split("\\s+")[2]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through: treat as unprivileged, the safe assumption for switching users
    }
    return -1;
  }

  public static String userName(Tier tier) {
    return "seakeeper-" + tier.id();
  }

  public synchronized HostUser forTier(Tier tier) {
    HostUser u = cache.get(tier);
    if (u == null) {
      u =
          isRoot()
              ? ensureSystemUser(userName(tier))
              : new HostUser(System.getProperty("user.name"), -1, -1, false);
      cache.put(tier, u);
    }
    return u;
  }

  private static HostUser ensureSystemUser(String name) {
    if (!exists(name)) {
      run(
          List.of(
              "useradd",
              "--system",
              "--no-create-home",
              "--home-dir",
              "/nonexistent",
              "--shell",
              "/usr/sbin/nologin",
              "--user-group",
              name),
          true);
    }
    int uid = Integer.parseInt(run(List.of("id", "-u", name), false).strip());
    int gid = Integer.parseInt(run(List.of("id", "-g", name), false).strip());
    if (uid == 0 || gid == 0) {
      throw new SandboxException(
          "host user " + name + " has uid or gid 0; jobs never run as root: fix /etc/passwd");
    }
    return new HostUser(name, uid, gid, true);
  }

  private static boolean exists(String name) {
    try {
      return new ProcessBuilder("id", "-u", name).redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException e) {
      throw new SandboxException(
          "cannot run 'id' to look up host user " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted while looking up host user " + name, e);
    }
  }

  private static String run(List<String> cmd, boolean tolerateExists) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int rc = p.waitFor();
      // useradd exits 9 when a concurrent Seakeeper created the user first
      if (rc != 0 && !(tolerateExists && rc == 9)) {
        throw new SandboxException(
            "'" + String.join(" ", cmd) + "' failed (exit " + rc + "): " + out.strip());
      }
      return out;
    } catch (IOException e) {
      throw new SandboxException(
          "cannot run '" + cmd.getFirst() + "' to create the tier users: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted while creating tier users", e);
    }
  }
}
