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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
 * The attack suite (issue 6): a change pushed for review on the local git connection runs, as its
 * untrusted check job, {@code attack.sh} — dozens of attempts to read a secret and to reach the
 * network — through the real server (a separate JVM with a canary in its environment) and real
 * bubblewrap, while a trusted post job and a check job of another change hold canaries in their
 * workspaces and environments and stay alive. Every attempt must be blocked, no canary may appear
 * in the attacker's log, and no listener may hear from it. The same secret reads from a trusted
 * post job of another branch and from a privileged release job of a tag (both with the host's
 * network) find nothing either.
 *
 * <p>Positive controls make each attempt meaningful: the host reads every canary, the tier user
 * reads the canaries placed where it could, the trusted job (with network) reaches the listener in
 * the test's own network namespace, and the same script run on the host outside the sandbox leaks
 * through every attempt marked {@code control}.
 *
 * <p>Needs root (tier users, {@code ip netns}) and python3; skipped with the reason otherwise.
 */
@Tag("slow")
class AttackSuiteTest {
  @TempDir Path tmp;
  private Process server;
  private AttackLab lab;
  private String script;
  private Map<String, Boolean> declared;
  private Path bare;
  private Path work;
  private Path workRoot;
  private int port;
  private String token;
  private List<AttackLab.Canary> tierReadable;
  private AttackLab.Canary inEnv;
  private JsonNode keeper;
  private static final String SECRET_NAME = "deploy-token";
  private AttackLab.Canary projectSecret;
  private JsonNode victim;
  private final Map<String, String> tierUserReads = new LinkedHashMap<>();

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void
      an_untrusted_change_reads_no_secret_and_reaches_no_network_while_a_trusted_job_holds_canaries()
          throws Exception {
    assumeTrue(
        HostUsers.isRoot(), "the attack suite needs root: tier users and a network namespace");
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/python3"))
            && Files.isExecutable(Path.of("/usr/sbin/ip")),
        "needs /usr/bin/python3 and iproute2");
    script = resource("/attack/attack.sh");
    declared = AttackLog.declared(script);
    try (AttackLab l = new AttackLab(tmp)) {
      lab = l;
      lab.network();
      plantCanariesAndStartTheServer();
      startJobsHoldingCanaries();
      assertEveryCanaryIsThereToBeFound();
      attackFromACheckJob();
      attackFromATrustedJob();
      attackFromAPrivilegedJob();
      assertTheScriptLeaksOnTheHost();
      for (JsonNode holder : List.of(keeper, victim)) {
        assertThat(
                post(port, "/api/v1/builds/" + holder.get("id").asText() + "/cancel", token, "{}")
                    .statusCode())
            .isBetween(200, 299);
      }
      awaitBuilds(
          port,
          b -> Stream.of(keeper, victim).allMatch(h -> status(b, h).equals("cancelled")),
          Duration.ofSeconds(60));
    }
  }

  /** Canaries where a secret could hide on the host, then the server as its own process. */
  private void plantCanariesAndStartTheServer() throws Exception {
    Path[] r = repo(tmp);
    bare = r[0];
    work = r[1];
    push(
        work,
        bare,
        "refs/heads/main",
        "jobs:\n  noop: {run: \"true\"}\npipelines:\n  check: [noop]\n",
        "base",
        false);
    Path etc = Files.createDirectories(tmp.resolve("etc-seakeeper"));
    Path config = etc.resolve("server.yaml");
    Path dataDir = tmp.resolve("data");
    workRoot = SandboxSettings.defaultWorkRoot();
    lab.sweepSnapshotsAtClose(workRoot);
    AttackLab.Canary inConfig = lab.canary("server-config", config.toString());
    port = freePort();
    Path keyFile = etc.resolve("secrets.key");
    Files.writeString(
        config,
        config(tmp, bare, port)
            + "secrets: {key_file: "
            + keyFile
            + "}\n# deploy key: "
            + inConfig.value()
            + "\n");
    lab.plantFile("data-dir-file", dataDir.resolve("canary-secret.txt"), "rw-------");
    // A real project secret, set as an admin would before the server starts; only the trusted
    // `keeper` job declares it (positive control: it logs the value's SHA-256).
    projectSecret =
        lab.canary(
            "project-secret",
            "project demo's secret "
                + SECRET_NAME
                + " (secrets set), declared by the trusted keeper job");
    setSecret(config, projectSecret.value());
    lab.known("key-file", keyFile.toString(), Files.readString(keyFile).strip());
    Path tlsPrivate = Path.of("/etc/ssl/private");
    if (!Files.isDirectory(tlsPrivate)) {
      lab.removeAtClose(Files.createDirectories(tlsPrivate));
    }
    lab.plantFile(
        "host-tls-private-key", tlsPrivate.resolve("sk-canary-" + lab.tag + ".key"), "rw-------");
    tierReadable =
        List.of(
            lab.plantFile("host-tmp", Path.of("/tmp/sk-canary-" + lab.tag + ".txt"), "rw-r--r--"),
            lab.plantFile(
                "host-dev-shm", Path.of("/dev/shm/sk-canary-" + lab.tag + ".txt"), "rw-r--r--"),
            lab.plantFile(
                "host-var-tmp", Path.of("/var/tmp/sk-canary-" + lab.tag + ".txt"), "rw-r--r--"),
            lab.plantFile(
                "work-root", workRoot.resolve("sk-canary-" + lab.tag + ".txt"), "rw-r--r--"));
    tierReadable.forEach(c -> tierUserReads.put(c.where(), c.value()));
    inEnv =
        lab.canary(
            "server-environment", "SEAKEEPER_ATTACK_CANARY in the server process's environment");

    server = startServer(config, inEnv.value());
    Path tokenFile = dataDir.resolve("admin-token");
    token = Files.readString(tokenFile).strip();
    lab.known("admin-token", tokenFile.toString(), token);
    // The provenance signing key the server made beside the secrets key (outside data_dir): its
    // private half is the canary (one base64 line of PKCS#8), the file counts as leaked if read.
    Path provenanceKey = etc.resolve("provenance.key");
    String pem = Files.readString(provenanceKey);
    String privateBody =
        pem.substring(
                pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27,
                pem.indexOf("-----END PRIVATE KEY-----"))
            .strip();
    assertThat(privateBody).hasSizeGreaterThan(40);
    lab.known("provenance-key", provenanceKey.toString(), privateBody);
    lab.env.put("PROVENANCE_KEY_FILE", provenanceKey.toString());

    lab.env.putAll(
        Map.of(
            "SERVER_PORT",
            Integer.toString(port),
            "DATA_DIR",
            dataDir.toString(),
            "DATA_CANARY",
            dataDir.resolve("canary-secret.txt").toString(),
            "TOKEN_FILE",
            tokenFile.toString(),
            "CONFIG_FILE",
            config.toString(),
            "KEY_FILE",
            etc.resolve("secrets.key").toString(),
            "WORK_ROOT",
            workRoot.toString(),
            "REPO_PATH",
            bare.toString(),
            "VAULT_REF",
            "refs/heads/vault"));
    lab.env.putAll(
        Map.of(
            "TMP_CANARY",
            tierReadable.get(0).where(),
            "SHM_CANARY",
            tierReadable.get(1).where(),
            "VARTMP_CANARY",
            tierReadable.get(2).where(),
            "WORKROOT_CANARY",
            tierReadable.get(3).where()));
  }

  /**
   * Other builds holding canaries, kept alive while the attack runs: a trusted post job of an
   * unrelated branch (which also proves, with its network, that the namespace is reachable), and a
   * check job of another change, run by the attacker's own tier user.
   */
  private void startJobsHoldingCanaries() throws Exception {
    AttackLab.Canary vaultEnv =
        lab.canary(
            "trusted-job-environment",
            "a variable of a running trusted job, also in its workspace");
    AttackLab.Canary vaultFile =
        lab.canary(
            "other-ref-file", "a file on another branch, in a running trusted job's workspace");
    pushVault(vaultEnv.value(), vaultFile.value());
    keeper = awaitRunning("keeper");
    String sha =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(
                        projectSecret.value().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String keeperLog = "";
    while (System.nanoTime() < until && !keeperLog.contains("SECRET-SHA " + sha)) {
      keeperLog = get(port, "/api/v1/builds/" + keeper.get("id").asText() + "/log").body();
      Thread.sleep(200);
    }
    assertThat(keeperLog)
        .as("the trusted job that declares the project secret reads it (positive control)")
        .contains("SECRET-SHA " + sha)
        .doesNotContain(projectSecret.value());
    Path vaultTxt = awaitFile(workRoot.resolve("trusted"), "vault.txt", vaultEnv.value());
    lab.removeAtClose(vaultTxt.getParent().getParent());
    awaitNamespaceHit("CONTROL trusted-job");

    String base = git(work, "rev-parse", "HEAD");
    AttackLab.Canary victimEnv =
        lab.canary(
            "same-tier-job-environment",
            "a variable of a running check job of another change, also in its workspace");
    push(work, bare, "refs/for/main", VICTIM.formatted(victimEnv.value()), "victim", false);
    git(work, "reset", "-q", "--hard", base);
    victim = awaitRunning("victim");
    Path victimTxt = awaitFile(workRoot.resolve("untrusted"), "victim.txt", victimEnv.value());
    lab.removeAtClose(victimTxt.getParent().getParent());
    tierUserReads.put(victimTxt.toString(), victimEnv.value());

    assertThat(anyEnviron(vaultEnv.value()))
        .as("the trusted job holds its canary in its environment")
        .isTrue();
    assertThat(anyEnviron(victimEnv.value()))
        .as("the other check job holds its canary in its environment")
        .isTrue();
  }

  /** Positive controls: outside the sandbox every canary and the namespace can be reached. */
  private void assertEveryCanaryIsThereToBeFound() throws Exception {
    for (AttackLab.Canary c : lab.canaries.values()) {
      if (c.where().startsWith("/") && Files.isRegularFile(Path.of(c.where()))) {
        assertThat(Files.readString(Path.of(c.where())))
            .as("host reads %s", c.name())
            .contains(c.value());
      }
    }
    assertThat(
            new String(
                Files.readAllBytes(Path.of("/proc/" + server.pid() + "/environ")),
                StandardCharsets.UTF_8))
        .as("the server's environment holds its canary")
        .contains(inEnv.value());
    HostUser untrusted = new HostUsers().forTier(Tier.UNTRUSTED);
    for (Map.Entry<String, String> e : tierUserReads.entrySet()) {
      AttackLab.Result read =
          AttackLab.run(
              List.of(
                  "/usr/bin/setpriv",
                  "--reuid=" + untrusted.uid(),
                  "--regid=" + untrusted.gid(),
                  "--clear-groups",
                  "/bin/cat",
                  e.getKey()),
              tmp);
      assertThat(read.out())
          .as("the untrusted tier's user reads %s on the host", e.getKey())
          .contains(e.getValue());
    }
    assertThat(
            AttackLab.sh(
                "/usr/bin/python3",
                "-c",
                "import socket,sys; s=socket.create_connection((sys.argv[1], int(sys.argv[2])), 3);"
                    + " s.sendall(b'CONTROL host\\n"
                    + "'); print(s.recv(64))",
                lab.env.get("VETH_ADDR"),
                lab.env.get("VETH_TCP")))
        .as("the host reaches the listener in the network namespace")
        .contains("HELLO-FROM-LISTENER");
  }

  /** The attack: a change pushed for review whose check job runs every attempt. */
  private void attackFromACheckJob() throws Exception {
    List<String> nsBaseline = lab.nsHits();
    Files.writeString(work.resolve("attack.sh"), script);
    Files.writeString(work.resolve("attack.env"), lab.envFile());
    Map<Path, String> before = plantedFiles();
    push(
        work,
        bare,
        "refs/for/main",
        "jobs:\n"
            + "  attack: {run: \"bash attack.sh sandbox\", timeout: 10m, artifacts: [\"out/**\"]}\n"
            + "pipelines:\n"
            + "  check: [attack]\n",
        "attack",
        true);
    List<JsonNode> builds = awaitEnded("attack");
    JsonNode attack =
        builds.stream()
            .filter(x -> x.get("job").asText().equals("attack"))
            .findFirst()
            .orElseThrow();
    String log = get(port, "/api/v1/builds/" + attack.get("id").asText() + "/log").body();

    List<String> failures =
        AttackLog.verdict(attack, "check", "untrusted", log, declared.keySet(), lab);
    if (!status(builds, keeper).equals("running") || !status(builds, victim).equals("running")) {
      failures.add(
          "the jobs holding canaries were not alive during the whole attack: trusted "
              + status(builds, keeper)
              + ", same tier "
              + status(builds, victim));
    }
    Set<String> ids = AttackLog.attempts(log).keySet();
    long reads = ids.stream().filter(k -> k.startsWith("read.")).count();
    long nets = ids.stream().filter(k -> k.startsWith("net.")).count();
    if (reads < 30 || nets < 20) {
      failures.add(
          "too few attempts: " + reads + " secret reads (need 30), " + nets + " network (need 20)");
    }
    if (!log.contains("DEPUTY links planted")) {
      failures.add("the attack planted no links for the server to follow");
    }
    failures.addAll(deputyFailures(before));
    lab.hostHits().forEach(h -> failures.add("a host listener heard from the sandbox: " + h));
    lab.nsHits().stream()
        .filter(h -> !nsBaseline.contains(h))
        .forEach(h -> failures.add("the namespace's listener heard from the sandbox: " + h));
    assertThat(failures).as("attack log:\n" + log).isEmpty();
  }

  /** Every planted canary file with its mode, owner and content. */
  private Map<Path, String> plantedFiles() throws Exception {
    Map<Path, String> out = new LinkedHashMap<>();
    for (AttackLab.Canary c : lab.canaries.values()) {
      Path p = Path.of(c.where());
      if (c.where().startsWith("/") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        out.put(
            p,
            java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                + " "
                + Files.getOwner(p)
                + " "
                + Files.readString(p));
      }
    }
    return out;
  }

  /**
   * The server (root) followed none of the job's links: no canary in any collected artifact, no
   * link among them, and every planted file still there with its mode, owner and content.
   */
  private List<String> deputyFailures(Map<Path, String> before) throws Exception {
    List<String> failures = new ArrayList<>();
    awaitWorkspaceDeleted();
    Path artifacts = tmp.resolve("data").resolve("artifacts");
    boolean collected = false;
    if (Files.isDirectory(artifacts)) {
      try (Stream<Path> s = Files.walk(artifacts)) {
        for (Path p : s.toList()) {
          if (Files.isSymbolicLink(p)) {
            failures.add("a link was collected as an artifact: " + p);
          } else if (Files.isRegularFile(p)) {
            String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
            collected |= text.contains("ARTIFACT-COLLECTED");
            lab.canaries.values().stream()
                .filter(c -> text.contains(c.value()))
                .forEach(
                    c ->
                        failures.add(
                            "LEAKED deputy.artifacts: canary '"
                                + c.name()
                                + "' collected as "
                                + p));
          }
        }
      }
    }
    if (!collected) {
      failures.add(
          "positive control: the job's plain artifact out/collected.txt was not collected, so the"
              + " link checks prove nothing");
    }
    Map<Path, String> after = plantedFiles();
    before.forEach(
        (p, state) -> {
          if (!state.equals(after.get(p))) {
            failures.add(
                "deputy.cleanup: the server changed a planted file through the job's links: "
                    + p
                    + " was '"
                    + state
                    + "', now '"
                    + after.get(p)
                    + "'");
          }
        });
    return failures;
  }

  /** Waits until the server deleted the attack's workspace (it does so in the background). */
  private void awaitWorkspaceDeleted() throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      boolean left;
      try (Stream<Path> s =
          Files.find(
              workRoot,
              6,
              (p, a) ->
                  p.getFileName().toString().equals("attack.env")
                      && java.util.stream.StreamSupport.stream(
                              workRoot.relativize(p).spliterator(), false)
                          .noneMatch(x -> x.toString().equals("snapshots")))) {
        left =
            s.anyMatch(
                p -> {
                  try {
                    return Files.readString(p).contains(lab.tag);
                  } catch (java.io.IOException e) {
                    return false;
                  }
                });
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        left = true;
      }
      if (!left) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the server never deleted the attack's workspace");
  }

  /** A trusted job (post of another branch, with the host's network) reads no secret either. */
  private void attackFromATrustedJob() throws Exception {
    push(
        work,
        bare,
        "refs/heads/trusted-attack",
        "jobs:\n"
            + "  trusted-attack: {run: \"bash attack.sh reads-only\", timeout: 10m}\n"
            + "pipelines:\n"
            + "  post: [trusted-attack]\n",
        "trusted attack",
        false);
    JsonNode attack =
        awaitEnded("trusted-attack").stream()
            .filter(x -> x.get("job").asText().equals("trusted-attack"))
            .findFirst()
            .orElseThrow();
    String log = get(port, "/api/v1/builds/" + attack.get("id").asText() + "/log").body();
    Set<String> readIds =
        new LinkedHashSet<>(declared.keySet().stream().filter(k -> k.startsWith("read.")).toList());
    assertThat(AttackLog.verdict(attack, "post", "trusted", log, readIds, lab))
        .as("trusted attack log:\n" + log)
        .isEmpty();
  }

  /**
   * A privileged job (the release pipeline of a tag matching the trusted pattern, {@code v*}: with
   * the host's network and its own tier user) reads no secret either: the same reads as the trusted
   * job, among them the provenance signing key by path and through {@code /proc/1/root} (C96).
   */
  private void attackFromAPrivilegedJob() throws Exception {
    push(
        work,
        bare,
        "refs/tags/v9.0",
        "jobs:\n"
            + "  privileged-attack: {run: \"bash attack.sh reads-only\", timeout: 10m}\n"
            + "pipelines:\n"
            + "  release: [privileged-attack]\n",
        "privileged attack",
        false);
    JsonNode attack =
        awaitEnded("privileged-attack").stream()
            .filter(x -> x.get("job").asText().equals("privileged-attack"))
            .findFirst()
            .orElseThrow();
    String log = get(port, "/api/v1/builds/" + attack.get("id").asText() + "/log").body();
    Set<String> readIds =
        new LinkedHashSet<>(declared.keySet().stream().filter(k -> k.startsWith("read.")).toList());
    assertThat(readIds).contains("read.provenance-key-file", "read.proc1-root-provenance-key");
    assertThat(AttackLog.verdict(attack, "release", "privileged", log, readIds, lab))
        .as("privileged attack log:\n" + log)
        .isEmpty();
  }

  /** The same script on the host, outside the sandbox: every control attempt leaks there. */
  private void assertTheScriptLeaksOnTheHost() throws Exception {
    Path control = Files.createDirectories(tmp.resolve("control"));
    Files.writeString(control.resolve("attack.sh"), script);
    Files.writeString(control.resolve("attack.env"), lab.envFile());
    String hostLog =
        AttackLab.run(List.of("/bin/bash", "attack.sh", "host-control"), control).out();
    Map<String, AttackLog.Outcome> onHost = AttackLog.attempts(hostLog);
    List<String> notLeaked =
        declared.entrySet().stream()
            .filter(Map.Entry::getValue)
            .map(Map.Entry::getKey)
            .filter(id -> !onHost.containsKey(id) || !onHost.get(id).leaked())
            .toList();
    assertThat(notLeaked)
        .as("control attempts that did not leak on the host (so they prove nothing):\n" + hostLog)
        .isEmpty();
    assertThat(lab.hostHits()).as("the host listeners record what reaches them").isNotEmpty();
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

  /** Pushes an unrelated branch {@code vault} whose post job holds canaries and then waits. */
  private void pushVault(String envCanary, String fileCanary) throws Exception {
    Path vault = Files.createDirectories(tmp.resolve("vault"));
    git(vault, "init", "-q", "--initial-branch=vault", ".");
    Files.writeString(vault.resolve("vault-file.txt"), fileCanary + "\n");
    Files.writeString(
        vault.resolve(".seakeeper.yaml"),
        """
        jobs:
          keeper:
            timeout: 15m
            secrets: [%s]
            variables: {VAULT_VAR: "%s"}
            run: |
              echo "SECRET-SHA $(sha256sum < "$SEAKEEPER_SECRETS/%s" | cut -d' ' -f1)"
              echo "$VAULT_VAR" > vault.txt
              cp vault-file.txt /tmp/vault-copy.txt
              if exec 3<>/dev/tcp/%s/%s; then echo "CONTROL trusted-job" >&3; head -n1 <&3; exec 3>&-; else echo "the trusted job has no route to the namespace"; fi
              sleep 900
        pipelines:
          post: [keeper]
        """
            .formatted(
                SECRET_NAME,
                envCanary,
                SECRET_NAME,
                lab.env.get("VETH_ADDR"),
                lab.env.get("VETH_TCP")));
    git(vault, "add", "-A");
    git(vault, "commit", "-q", "-m", "vault");
    git(vault, "push", "-q", bare.toString(), "HEAD:refs/heads/vault");
  }

  /** {@code seakeeper secrets set} straight into the store (the server is not running yet). */
  private static void setSecret(Path config, String value) {
    Cli set =
        cli(value + "\n", "secrets", "set", "--config", config.toString(), "demo", SECRET_NAME);
    assertThat(set.code()).as("secrets set: " + set.out() + set.err()).isZero();
  }

  private Process startServer(Path config, String canary) throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            CrashTestServer.class.getName(),
            config.toString(),
            "record",
            tmp.resolve("reports.txt").toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SEAKEEPER_ATTACK_CANARY", canary);
    Process p = pb.start();
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
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

  private JsonNode awaitRunning(String job) throws Exception {
    return awaitBuilds(
            port,
            b ->
                b.stream()
                    .anyMatch(
                        x ->
                            x.get("job").asText().equals(job)
                                && x.get("status").asText().equals("running")),
            Duration.ofSeconds(120))
        .stream()
        .filter(x -> x.get("job").asText().equals(job))
        .findFirst()
        .orElseThrow();
  }

  private List<JsonNode> awaitEnded(String job) throws Exception {
    return awaitBuilds(
        port,
        b ->
            b.stream()
                .anyMatch(
                    x ->
                        x.get("job").asText().equals(job)
                            && !List.of("queued", "running").contains(x.get("status").asText())),
        Duration.ofMinutes(8));
  }

  private static String status(List<JsonNode> builds, JsonNode build) {
    return builds.stream()
        .filter(x -> x.get("id").asText().equals(build.get("id").asText()))
        .findFirst()
        .orElseThrow()
        .get("status")
        .asText();
  }

  private static Path awaitFile(Path root, String name, String content) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      try (Stream<Path> s =
          Files.find(root, 5, (p, a) -> p.getFileName().toString().equals(name))) {
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
    throw new AssertionError(
        "the workspace file " + name + " of a job holding canaries never appeared under " + root);
  }

  private void awaitNamespaceHit(String text) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      if (lab.nsHits().stream().anyMatch(h -> h.contains(text))) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "positive control failed: the trusted job (with network) did not reach the namespace's"
            + " listener");
  }

  private static boolean anyEnviron(String value) throws Exception {
    try (Stream<Path> s = Files.list(Path.of("/proc"))) {
      for (Path p : s.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
        try {
          if (new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8)
              .contains(value)) {
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
