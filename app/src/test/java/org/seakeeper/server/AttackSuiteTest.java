package org.seakeeper.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.seakeeper.server.ServerFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.model.Tier;
import org.seakeeper.sandbox.HostUser;
import org.seakeeper.sandbox.HostUsers;
import org.seakeeper.sandbox.SandboxSettings;

/**
 * The attack suite (issue 6): a change pushed for review on the local git connection runs, as
 * its untrusted check job, {@code attack.sh} — dozens of attempts to read a secret and to reach
 * the network — through the real server (a separate JVM with a canary in its environment) and
 * real bubblewrap, while a trusted post job of the same project holds canaries in its workspace
 * and environment and stays alive. Every attempt must be blocked, no canary may appear in the
 * attacker's log, and no listener may hear from it. The same secret reads from a trusted post
 * job of another branch (which has the host's network) find nothing either.
 *
 * <p>Positive controls make each attempt meaningful: the host reads every canary, the tier user
 * reads the canaries placed where it could, the trusted job (with network) reaches the listener
 * in the test's own network namespace, and the same script run on the host outside the sandbox
 * leaks through every attempt marked {@code control}.
 *
 * <p>Needs root (tier users, {@code ip netns}) and python3; skipped with the reason otherwise.
 */
@Tag("slow")
class AttackSuiteTest {
  static final Pattern ATTEMPT = Pattern.compile("ATTEMPT ((read|net)\\.\\S+) (BLOCKED|LEAKED) ?(.*)");
  static final Pattern DECLARED = Pattern.compile("^(?:read_file|list_dir|hunt|py|tcp) ((?:read|net)\\.\\S+) (control|-)", Pattern.MULTILINE);

  @TempDir Path tmp;
  private Process server;

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void an_untrusted_change_reads_no_secret_and_reaches_no_network_while_a_trusted_job_holds_canaries() throws Exception {
    assumeTrue(HostUsers.isRoot(), "the attack suite needs root: tier users and a network namespace");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) && Files.isExecutable(Path.of("/usr/sbin/ip")), "needs /usr/bin/python3 and iproute2");
    String script = resource("/attack/attack.sh");
    Map<String, Boolean> declared = declared(script);

    try (AttackLab lab = new AttackLab(tmp)) {
      lab.network();
      Path[] r = repo(tmp);
      Path bare = r[0];
      Path work = r[1];
      push(work, bare, "refs/heads/main", "jobs:\n  noop: {run: \"true\"}\npipelines:\n  check: [noop]\n", "base", false);

      // Canaries where a secret could hide, on the host.
      Path etc = Files.createDirectories(tmp.resolve("etc-seakeeper"));
      Path config = etc.resolve("server.yaml");
      Path dataDir = tmp.resolve("data");
      Path workRoot = SandboxSettings.defaultWorkRoot();
      lab.sweepSnapshotsAtClose(workRoot);
      AttackLab.Canary inConfig = lab.canary("server-config", config.toString());
      int port = freePort();
      Files.writeString(config, config(tmp, bare, port) + "# deploy key: " + inConfig.value() + "\n");
      lab.plantFile("data-dir-file", dataDir.resolve("canary-secret.txt"), "rw-------");
      lab.plantFile("key-file", etc.resolve("secrets.key"), "rw-------");
      List<AttackLab.Canary> tierReadable = List.of(
          lab.plantFile("host-tmp", Path.of("/tmp/sk-canary-" + lab.tag + ".txt"), "rw-r--r--"),
          lab.plantFile("host-dev-shm", Path.of("/dev/shm/sk-canary-" + lab.tag + ".txt"), "rw-r--r--"),
          lab.plantFile("host-var-tmp", Path.of("/var/tmp/sk-canary-" + lab.tag + ".txt"), "rw-r--r--"),
          lab.plantFile("work-root", workRoot.resolve("sk-canary-" + lab.tag + ".txt"), "rw-r--r--"));
      AttackLab.Canary inEnv = lab.canary("server-environment", "SEAKEEPER_ATTACK_CANARY in the server process's environment");

      server = startServer(config, inEnv.value());
      Path tokenFile = dataDir.resolve("admin-token");
      String token = Files.readString(tokenFile).strip();
      lab.known("admin-token", tokenFile.toString(), token);

      // Another build: a trusted post job (another branch) holding canaries, kept alive.
      AttackLab.Canary vaultEnv = lab.canary("trusted-job-environment", "a variable of a running trusted job, also in its workspace");
      AttackLab.Canary vaultFile = lab.canary("other-ref-file", "a file on another branch, in a running trusted job's workspace");
      pushVault(bare, vaultEnv.value(), vaultFile.value(), lab.env.get("VETH_ADDR"), lab.env.get("VETH_TCP"));
      JsonNode keeper = awaitBuilds(port, b -> b.stream().anyMatch(x -> x.get("job").asText().equals("keeper") && x.get("status").asText().equals("running")), Duration.ofSeconds(120))
          .stream().filter(x -> x.get("job").asText().equals("keeper")).findFirst().orElseThrow();
      Path vaultTxt = awaitFile(workRoot.resolve("trusted"), "vault.txt", vaultEnv.value());
      lab.removeAtClose(vaultTxt.getParent().getParent());
      awaitLine(lab, "CONTROL trusted-job");

      // Another untrusted build: a check job of another change, run by the attacker's own tier user.
      String base = git(work, "rev-parse", "HEAD");
      AttackLab.Canary victimEnv = lab.canary("same-tier-job-environment", "a variable of a running check job of another change, also in its workspace");
      push(work, bare, "refs/for/main", VICTIM.formatted(victimEnv.value()), "victim", false);
      git(work, "reset", "-q", "--hard", base);
      JsonNode victim = awaitBuilds(port, b -> b.stream().anyMatch(x -> x.get("job").asText().equals("victim") && x.get("status").asText().equals("running")), Duration.ofSeconds(120))
          .stream().filter(x -> x.get("job").asText().equals("victim")).findFirst().orElseThrow();
      Path victimTxt = awaitFile(workRoot.resolve("untrusted"), "victim.txt", victimEnv.value());
      lab.removeAtClose(victimTxt.getParent().getParent());

      // Positive controls on the host: every canary is there to be found.
      for (AttackLab.Canary c : lab.canaries.values()) {
        if (c.where().startsWith("/") && Files.isRegularFile(Path.of(c.where()))) {
          assertThat(Files.readString(Path.of(c.where()))).as("host reads %s", c.name()).contains(c.value());
        }
      }
      assertThat(environ(server.pid())).as("the server's environment holds its canary").contains(inEnv.value());
      assertThat(anyEnviron(vaultEnv.value())).as("a running process (the trusted job) holds the job's canary in its environment").isTrue();
      assertThat(Files.readString(vaultTxt)).contains(vaultEnv.value());
      assertThat(anyEnviron(victimEnv.value())).as("the other check job holds its canary in its environment").isTrue();
      HostUser untrusted = new HostUsers().forTier(Tier.UNTRUSTED);
      Map<String, String> tierUserReads = new LinkedHashMap<>();
      tierReadable.forEach(c -> tierUserReads.put(c.where(), c.value()));
      tierUserReads.put(victimTxt.toString(), victimEnv.value());
      for (Map.Entry<String, String> e : tierUserReads.entrySet()) {
        AttackLab.Result read = AttackLab.run(List.of("/usr/bin/setpriv", "--reuid=" + untrusted.uid(), "--regid=" + untrusted.gid(), "--clear-groups", "/bin/cat", e.getKey()), tmp);
        assertThat(read.out()).as("the untrusted tier's user reads %s on the host", e.getKey()).contains(e.getValue());
      }
      assertThat(AttackLab.sh("/usr/bin/python3", "-c", "import socket,sys; s=socket.create_connection((sys.argv[1], int(sys.argv[2])), 3); s.sendall(b'CONTROL host\\n'); print(s.recv(64))", lab.env.get("VETH_ADDR"), lab.env.get("VETH_TCP")))
          .as("the host reaches the listener in the network namespace").contains("HELLO-FROM-LISTENER");
      List<String> nsBaseline = lab.nsHits();

      // The attack: a change pushed for review whose check job runs attack.sh.
      lab.env.putAll(Map.of("SERVER_PORT", Integer.toString(port), "DATA_DIR", dataDir.toString(), "DATA_CANARY", dataDir.resolve("canary-secret.txt").toString(),
          "TOKEN_FILE", tokenFile.toString(), "CONFIG_FILE", config.toString(), "KEY_FILE", etc.resolve("secrets.key").toString(), "WORK_ROOT", workRoot.toString(),
          "REPO_PATH", bare.toString(), "VAULT_REF", "refs/heads/vault"));
      lab.env.putAll(Map.of("TMP_CANARY", tierReadable.get(0).where(), "SHM_CANARY", tierReadable.get(1).where(), "VARTMP_CANARY", tierReadable.get(2).where(), "WORKROOT_CANARY", tierReadable.get(3).where()));
      Files.writeString(work.resolve("attack.sh"), script);
      Files.writeString(work.resolve("attack.env"), lab.envFile());
      push(work, bare, "refs/for/main", "jobs:\n  attack: {run: \"bash attack.sh sandbox\", timeout: 10m}\npipelines:\n  check: [attack]\n", "attack", true);
      List<JsonNode> builds = awaitBuilds(port, b -> b.stream().anyMatch(x -> x.get("job").asText().equals("attack") && !List.of("queued", "running").contains(x.get("status").asText())), Duration.ofMinutes(8));
      JsonNode attack = builds.stream().filter(x -> x.get("job").asText().equals("attack")).findFirst().orElseThrow();
      String keeperStatus = status(builds, keeper);
      String victimStatus = status(builds, victim);
      String log = get(port, "/api/v1/builds/" + attack.get("id").asText() + "/log").body();

      List<String> failures = verdict(attack, "check", "untrusted", log, declared.keySet(), lab);
      if (!keeperStatus.equals("running") || !victimStatus.equals("running")) {
        failures.add("the jobs holding canaries were not alive during the whole attack: trusted " + keeperStatus + ", same tier " + victimStatus);
      }
      Map<String, String[]> results = attempts(log);
      long reads = results.keySet().stream().filter(k -> k.startsWith("read.")).count();
      long nets = results.keySet().stream().filter(k -> k.startsWith("net.")).count();
      if (reads < 30 || nets < 20) {
        failures.add("too few attempts: " + reads + " secret reads (need 30), " + nets + " network (need 20)");
      }
      lab.hostHits().forEach(h -> failures.add("a host listener heard from the sandbox: " + h));
      lab.nsHits().stream().filter(h -> !nsBaseline.contains(h)).forEach(h -> failures.add("the namespace's listener heard from the sandbox: " + h));
      assertThat(failures).as("attack log:\n" + log).isEmpty();

      // A trusted job (post of another branch, with the host's network) reads none either.
      push(work, bare, "refs/heads/trusted-attack", "jobs:\n  trusted-attack: {run: \"bash attack.sh reads-only\", timeout: 10m}\npipelines:\n  post: [trusted-attack]\n", "trusted attack", false);
      JsonNode trustedAttack = awaitBuilds(port, b -> b.stream().anyMatch(x -> x.get("job").asText().equals("trusted-attack") && !List.of("queued", "running").contains(x.get("status").asText())), Duration.ofMinutes(8))
          .stream().filter(x -> x.get("job").asText().equals("trusted-attack")).findFirst().orElseThrow();
      String trustedLog = get(port, "/api/v1/builds/" + trustedAttack.get("id").asText() + "/log").body();
      Set<String> readIds = new LinkedHashSet<>(declared.keySet().stream().filter(k -> k.startsWith("read.")).toList());
      assertThat(verdict(trustedAttack, "post", "trusted", trustedLog, readIds, lab)).as("trusted attack log:\n" + trustedLog).isEmpty();

      // The same script on the host, outside the sandbox: every control attempt leaks there.
      Path control = Files.createDirectories(tmp.resolve("control"));
      Files.writeString(control.resolve("attack.sh"), script);
      Files.writeString(control.resolve("attack.env"), lab.envFile());
      String hostLog = AttackLab.run(List.of("/bin/bash", "attack.sh", "host-control"), control).out();
      Map<String, String[]> onHost = attempts(hostLog);
      List<String> notLeaked = declared.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey)
          .filter(id -> !onHost.containsKey(id) || !onHost.get(id)[0].equals("LEAKED")).toList();
      assertThat(notLeaked).as("control attempts that did not leak on the host (so they prove nothing):\n" + hostLog).isEmpty();
      assertThat(lab.hostHits()).as("the host listeners record what reaches them").isNotEmpty();

      for (JsonNode holder : List.of(keeper, victim)) {
        assertThat(post(port, "/api/v1/builds/" + holder.get("id").asText() + "/cancel", token, "{}").statusCode()).isBetween(200, 299);
      }
      awaitBuilds(port, b -> Stream.of(keeper, victim).allMatch(h -> status(b, h).equals("cancelled")), Duration.ofSeconds(60));
    }
  }

  /**
   * What went wrong in one attack run: the build's pipeline, tier or status, tools missing in the
   * sandbox, attempts that reported nothing, leaks, and canaries anywhere in the log.
   */
  static List<String> verdict(JsonNode build, String pipeline, String tier, String log, Set<String> expected, AttackLab lab) {
    List<String> failures = new ArrayList<>();
    if (!build.get("tier").asText().equals(tier) || !build.get("pipeline").asText().equals(pipeline)) {
      failures.add("the attack ran as " + build.get("pipeline") + "/" + build.get("tier") + ", not " + pipeline + "/" + tier);
    }
    if (!build.get("status").asText().equals("success") || !log.contains("ATTEMPTS DONE")) {
      failures.add("the attack script did not finish (status " + build.get("status") + ")");
    }
    Matcher tools = Pattern.compile("TOOLS (.*)").matcher(log);
    List<String> inSandbox = tools.find() ? List.of(tools.group(1).strip().split(" ")) : List.of();
    for (String t : List.of("bash", "python3", "curl", "git", "getent", "ip", "timeout", "grep")) {
      boolean onHost = Files.isExecutable(Path.of("/usr/bin", t)) || Files.isExecutable(Path.of("/usr/sbin", t));
      if (onHost && !inSandbox.contains(t)) {
        failures.add("'" + t + "' is on the host's /usr but not in the sandbox: the attempts using it proved nothing");
      }
    }
    Map<String, String[]> results = attempts(log);
    if (!results.keySet().equals(expected)) {
      Set<String> missing = new LinkedHashSet<>(expected);
      missing.removeAll(results.keySet());
      failures.add("attempts that reported nothing: " + missing);
    }
    results.forEach((id, res) -> {
      if (res[0].equals("LEAKED")) {
        failures.add("LEAKED " + id + ": " + res[1]);
      }
    });
    for (AttackLab.Canary c : lab.canaries.values()) {
      if (log.contains(c.value())) {
        failures.add("canary '" + c.name() + "' (" + c.where() + ") appears in the attacker's log");
      }
    }
    return failures;
  }

  /** The attempt ids the script declares, each with whether it is a host control. */
  static Map<String, Boolean> declared(String script) {
    Map<String, Boolean> out = new LinkedHashMap<>();
    Matcher m = DECLARED.matcher(script);
    while (m.find()) {
      if (out.put(m.group(1), m.group(2).equals("control")) != null) {
        throw new AssertionError("attempt declared twice: " + m.group(1));
      }
    }
    return out;
  }

  /** Attempt id to {outcome, detail}, from a log. */
  static Map<String, String[]> attempts(String log) {
    Map<String, String[]> out = new LinkedHashMap<>();
    for (String line : log.split("\n")) {
      Matcher m = ATTEMPT.matcher(line);
      if (m.find()) {
        out.put(m.group(1), new String[] {m.group(3), m.group(4)});
      }
    }
    return out;
  }

  private Process startServer(Path config, String canary) throws Exception {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"), CrashTestServer.class.getName(), config.toString(), "record", tmp.resolve("reports.txt").toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SEAKEEPER_ATTACK_CANARY", canary);
    Process p = pb.start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    StringBuilder seen = new StringBuilder();
    String line;
    while (System.nanoTime() < end && (line = r.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.startsWith("READY")) {
        Thread.ofVirtual().start(() -> r.lines().forEach(l -> {}));
        return p;
      }
    }
    p.destroyForcibly();
    throw new AssertionError("the server did not start:\n" + seen);
  }

  static final String VICTIM =
      """
      jobs:
        victim:
          timeout: 15m
          variables: {VICTIM_VAR: "%s"}
          run: |
            echo "$VICTIM_VAR" > victim.txt
            sleep 900
      pipelines:
        check: [victim]
      """;

  private static String status(List<JsonNode> builds, JsonNode build) {
    return builds.stream().filter(x -> x.get("id").asText().equals(build.get("id").asText())).findFirst().orElseThrow().get("status").asText();
  }

  /** Pushes an unrelated branch {@code vault} whose post job holds canaries and then waits. */
  private void pushVault(Path bare, String envCanary, String fileCanary, String vethAddr, String vethPort) throws Exception {
    Path vault = Files.createDirectories(tmp.resolve("vault"));
    git(vault, "init", "-q", "--initial-branch=vault", ".");
    Files.writeString(vault.resolve("vault-file.txt"), fileCanary + "\n");
    Files.writeString(vault.resolve(".seakeeper.yaml"),
        """
        jobs:
          keeper:
            timeout: 15m
            variables: {VAULT_VAR: "%s"}
            run: |
              echo "$VAULT_VAR" > vault.txt
              cp vault-file.txt /tmp/vault-copy.txt
              if exec 3<>/dev/tcp/%s/%s; then echo "CONTROL trusted-job" >&3; head -n1 <&3; exec 3>&-; else echo "the trusted job has no route to the namespace"; fi
              sleep 900
        pipelines:
          post: [keeper]
        """.formatted(envCanary, vethAddr, vethPort));
    git(vault, "add", "-A");
    git(vault, "commit", "-q", "-m", "vault");
    git(vault, "push", "-q", bare.toString(), "HEAD:refs/heads/vault");
  }

  private static Path awaitFile(Path root, String name, String content) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      try (Stream<Path> s = Files.find(root, 3, (p, a) -> p.getFileName().toString().equals(name))) {
        for (Path p : s.toList()) {
          if (Files.readString(p).contains(content)) {
            return p;
          }
        }
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        // a workspace appeared or vanished while we looked
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the trusted job's workspace file " + name + " never appeared under " + root);
  }

  private static void awaitLine(AttackLab lab, String text) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      if (lab.nsHits().stream().anyMatch(h -> h.contains(text))) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("positive control failed: the trusted job (with network) did not reach the namespace's listener");
  }

  private static String environ(long pid) throws Exception {
    return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8);
  }

  private static boolean anyEnviron(String value) throws Exception {
    try (Stream<Path> s = Files.list(Path.of("/proc"))) {
      for (Path p : s.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
        try {
          if (new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8).contains(value)) {
            return true;
          }
        } catch (java.io.IOException e) {
          // the process ended
        }
      }
    }
    return false;
  }

  private static String resource(String name) throws Exception {
    try (InputStream in = AttackSuiteTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
