package org.seakeeper.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the attack suite attacks: canary secrets planted where a secret could hide, listeners on the
 * host's loopback (IPv4, IPv6, UDP, abstract and path unix sockets) and a network namespace reached
 * only through a veth pair, with its own listeners. Everything it creates on the host (files
 * outside the test's temp dir, processes, the namespace) is removed by {@link #close()}.
 *
 * <p>To attack one more secret, plant it with {@link #canary(String, String)} (or {@link
 * #plantFile}) before the attack runs: the test then requires that its value never appears in the
 * attacker's log. Canary values start with {@code SKCANARY-} so the attack script can also
 * recognise them itself.
 */
final class AttackLab implements AutoCloseable {
  static final SecureRandom RANDOM = new SecureRandom();

  /** A planted secret: where it hides and its value. */
  record Canary(String name, String where, String value) {}

  final Path tmp;
  final String tag = HexFormat.of().formatHex(RANDOM.generateSeed(3));
  final Map<String, Canary> canaries = new LinkedHashMap<>();

  /** Key-value lines for the attack script's {@code attack.env}. */
  final Map<String, String> env = new LinkedHashMap<>();

  private final List<Path> hostFiles = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  final Path hostHits;
  final Path nsHits;
  final String netns = "skatk" + tag;
  private final String vethHost = "ska" + tag + "h";
  private final String vethNs = "ska" + tag + "n";
  private boolean netnsMade;

  AttackLab(Path tmp) {
    this.tmp = tmp;
    this.hostHits = tmp.resolve("host-listener-hits.txt");
    this.nsHits = tmp.resolve("netns-listener-hits.txt");
  }

  static String secret(String name) {
    return "SKCANARY-" + name + "-" + HexFormat.of().formatHex(RANDOM.generateSeed(12));
  }

  /** Records a secret planted elsewhere (an environment variable, a token, a secret store). */
  Canary canary(String name, String where) {
    Canary c = new Canary(name, where, secret(name));
    canaries.put(name, c);
    return c;
  }

  /** Records a secret whose value the test does not choose (e.g. the admin token). */
  void known(String name, String where, String value) {
    canaries.put(name, new Canary(name, where, value));
  }

  /**
   * Writes a canary into {@code file} with the given permissions; host files are removed at close.
   */
  Canary plantFile(String name, Path file, String perms) throws IOException {
    Canary c = canary(name, file.toString());
    Files.createDirectories(file.getParent());
    Files.writeString(file, c.value() + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
    if (!file.startsWith(tmp)) {
      hostFiles.add(file);
    }
    return c;
  }

  /**
   * Deletes {@code path} (a file or a directory tree) at close, e.g. a job's workspace left by a
   * failed run.
   */
  void removeAtClose(Path path) {
    hostFiles.add(path);
  }

  /**
   * At close, deletes the server's cached source snapshots (under {@code workRoot/snapshots} and
   * each tier's {@code workRoot/<tier>/snapshots}, kept for the server's life and left behind when
   * it is killed) of this run's commits, which hold canaries: recognised by the run's tag or a
   * canary value in their config or env file.
   */
  void sweepSnapshotsAtClose(Path workRoot) {
    snapshotRoot = workRoot;
  }

  private Path snapshotRoot;

  private void sweepSnapshots() {
    if (snapshotRoot == null) {
      return;
    }
    for (String sub :
        List.of("snapshots", "untrusted/snapshots", "trusted/snapshots", "privileged/snapshots")) {
      sweepSnapshots(snapshotRoot.resolve(sub));
    }
  }

  private void sweepSnapshots(Path root) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (java.util.stream.Stream<Path> dirs = Files.list(root)) {
      for (Path d : dirs.toList()) {
        StringBuilder text = new StringBuilder();
        for (String name : List.of(".seakeeper.yaml", "attack.env", "vault-file.txt")) {
          try {
            text.append(Files.readString(d.resolve(name)));
          } catch (IOException e) {
            // not there
          }
        }
        String t = text.toString();
        if (t.contains(tag) || canaries.values().stream().anyMatch(c -> t.contains(c.value()))) {
          org.seakeeper.sandbox.Workspaces.delete(d);
        }
      }
    } catch (IOException | RuntimeException e) {
      // best effort: the cache is root-only
    }
  }

  /** Starts the listener script with the given specs and returns the ports in order. */
  private List<Integer> listen(List<String> prefix, Path hits, String... specs) throws Exception {
    Path script = tmp.resolve("listener.py");
    if (!Files.exists(script)) {
      try (InputStream in = AttackLab.class.getResourceAsStream("/attack/listener.py")) {
        Files.write(script, in.readAllBytes());
      }
    }
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of("/usr/bin/python3", script.toString(), hits.toString()));
    cmd.addAll(List.of(specs));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    processes.add(p);
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    if (line == null || !line.startsWith("READY")) {
      throw new AssertionError(
          "listener did not start: " + line + " " + String.join("\n", r.lines().toList()));
    }
    List<Integer> ports = new ArrayList<>();
    for (String tok : line.substring(6).split(" ")) {
      int eq = tok.lastIndexOf('=');
      ports.add(eq < 0 ? -1 : Integer.parseInt(tok.substring(eq + 1)));
    }
    return ports;
  }

  /**
   * The network namespace {@code skatk<tag>} joined to the host by a veth pair: host side
   * 198.18.X.1/30, namespace side 198.18.X.2/30 and 169.254.X.2/30 (benchmark and link-local ranges
   * only), with TCP, UDP and UDP-53 listeners inside; a TCP listener on the host side too.
   */
  void network() throws Exception {
    int x = RANDOM.nextInt(256);
    int y = RANDOM.nextInt(64) * 4;
    String hostAddr = "198.18." + x + "." + (y + 1);
    String nsAddr = "198.18." + x + "." + (y + 2);
    String llHost = "169.254." + x + "." + (y + 1);
    String llNs = "169.254." + x + "." + (y + 2);
    sh("ip", "netns", "add", netns);
    netnsMade = true;
    sh("ip", "link", "add", vethHost, "type", "veth", "peer", "name", vethNs);
    sh("ip", "link", "set", vethNs, "netns", netns);
    sh("ip", "addr", "add", hostAddr + "/30", "dev", vethHost);
    sh("ip", "addr", "add", llHost + "/30", "dev", vethHost);
    sh("ip", "link", "set", vethHost, "up");
    sh("ip", "netns", "exec", netns, "ip", "addr", "add", nsAddr + "/30", "dev", vethNs);
    sh("ip", "netns", "exec", netns, "ip", "addr", "add", llNs + "/30", "dev", vethNs);
    sh("ip", "netns", "exec", netns, "ip", "link", "set", vethNs, "up");
    sh("ip", "netns", "exec", netns, "ip", "link", "set", "lo", "up");
    List<Integer> ns =
        listen(
            List.of("ip", "netns", "exec", netns),
            nsHits,
            "tcp:0.0.0.0:0",
            "udp:0.0.0.0:0",
            "udp:0.0.0.0:53");
    env.put("VETH_ADDR", nsAddr);
    env.put("VETH_LL_ADDR", llNs);
    env.put("VETH_TCP", ns.get(0).toString());
    env.put("VETH_UDP", ns.get(1).toString());
    env.put("VETH_HOST_ADDR", hostAddr);

    String abstractName = "seakeeper-attack-" + tag;
    Path unixPath = Path.of("/tmp/seakeeper-attack-" + tag + ".sock");
    hostFiles.add(unixPath);
    List<Integer> host =
        listen(
            List.of(),
            hostHits,
            "tcp:127.0.0.1:0",
            "tcp:::1:0",
            "udp:127.0.0.1:0",
            "udp:::1:0",
            "udp:127.0.0.1:0",
            "tcp:" + hostAddr + ":0",
            "abstract:" + abstractName,
            "unix:" + unixPath);
    Files.setPosixFilePermissions(unixPath, PosixFilePermissions.fromString("rwxrwxrwx"));
    env.put("LO4_TCP", host.get(0).toString());
    env.put("LO6_TCP", host.get(1).toString());
    env.put("LO4_UDP", host.get(2).toString());
    env.put("LO6_UDP", host.get(3).toString());
    env.put("LO4_DNS", host.get(4).toString());
    env.put("VETH_HOST_TCP", host.get(5).toString());
    env.put("ABSTRACT_NAME", abstractName);
    env.put("UNIX_PATH", unixPath.toString());
  }

  /** The lines the host's listeners recorded ("HIT spec first-line"). */
  List<String> hostHits() throws IOException {
    return Files.exists(hostHits) ? Files.readAllLines(hostHits) : List.of();
  }

  /** The lines the namespace's listeners recorded. */
  List<String> nsHits() throws IOException {
    return Files.exists(nsHits) ? Files.readAllLines(nsHits) : List.of();
  }

  /** The attack script's {@code attack.env}. */
  String envFile() {
    StringBuilder b = new StringBuilder();
    env.forEach((k, v) -> b.append(k).append("='").append(v).append("'\n"));
    return b.toString();
  }

  /**
   * Runs a command (as the test's user, on the host) and returns its output; fails on a non-zero
   * exit.
   */
  static String sh(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  /** Runs a command and returns its exit code and output, whatever they are. */
  static Result run(List<String> cmd, Path dir) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(300, TimeUnit.SECONDS);
    return new Result(p.exitValue(), out);
  }

  record Result(int code, String out) {}

  @Override
  public void close() {
    processes.forEach(
        p -> {
          p.destroyForcibly();
          try {
            p.waitFor(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    for (Path f : hostFiles) {
      try {
        if (Files.isDirectory(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          org.seakeeper.sandbox.Workspaces.delete(f);
        } else {
          Files.deleteIfExists(f);
        }
      } catch (IOException | RuntimeException e) {
        // best effort: a leftover canary file is harmless
      }
    }
    sweepSnapshots();
    if (netnsMade) {
      try {
        run(List.of("ip", "link", "del", vethHost), tmp);
        run(List.of("ip", "netns", "del", netns), tmp);
      } catch (Exception e) {
        // reported by the next run's `ip netns list`; nothing else depends on it
      }
    }
  }
}
