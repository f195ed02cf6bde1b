package org.seakeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Tier;

/**
 * Attacks on the sandbox baseline (docs/contracts.md §7) with real bubblewrap. Each test names the
 * claim of THREAT_MODEL.md it proves; each attack has a positive control where one is possible, so
 * a broken test cannot pass by accident.
 */
class SandboxSecurityTest {
  private static SandboxFixture sandbox;

  @BeforeAll
  static void start() throws IOException {
    sandbox = new SandboxFixture();
  }

  @AfterAll
  static void stop() throws IOException {
    sandbox.close();
  }

  private static boolean succeeded(SandboxFixture.Outcome o) {
    return o.result().outcome() instanceof JobOutcome.Succeeded;
  }

  @Test
  void positive_control_a_job_using_only_its_workspace_passes() throws Exception {
    var o =
        sandbox.untrusted(
            "mkdir -p out/sub && echo data > out/sub/f && cat out/sub/f && test \"$PWD\" ="
                + " /workspace && test \"$FROM_JOB\" = yes && touch /tmp/scratch");
    assertThat(o.result().outcome()).as(o.text()).isInstanceOf(JobOutcome.Succeeded.class);
    assertThat(o.lines()).contains("data");
    assertThat(o.result().artifacts()).containsExactly("out/sub/f");
  }

  @Test
  void untrusted_job_cannot_connect_to_a_listener_on_host_loopback() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(300);
      int port = listener.getLocalPort();
      String attack = "exec 3<>/dev/tcp/127.0.0.1/" + port + " && echo CONNECTED";
      var o = sandbox.untrusted(attack);
      assertThat(o.lines()).doesNotContain("CONNECTED");
      assertThat(succeeded(o)).isFalse();
      assertThat(acceptedAConnection(listener)).isFalse();
      // Positive control: the same script with a network (trusted tier) does reach the listener.
      var control =
          sandbox.run(
              sandbox.request(
                  attack,
                  Tier.TRUSTED,
                  true,
                  Duration.ofSeconds(30),
                  Checkout.directory(sandbox.emptyDir.toString())));
      assertThat(control.lines()).as(control.text()).contains("CONNECTED");
      assertThat(acceptedAConnection(listener)).isTrue();
    }
  }

  private static boolean acceptedAConnection(ServerSocket listener) throws IOException {
    try (var s = listener.accept()) {
      return s != null;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  @Test
  void untrusted_job_has_no_network_interface_but_loopback_and_cannot_resolve_names()
      throws Exception {
    var o =
        sandbox.untrusted(
            "cat /proc/net/dev; if getent hosts seakeeper-probe.example; then echo RESOLVED; fi;"
                + " test ! -e /etc/resolv.conf && echo NO_RESOLV");
    assertThat(o.text()).doesNotContain("RESOLVED").contains("NO_RESOLV").contains("lo:");
    assertThat(
            o.lines().stream()
                .filter(l -> l.contains(":") && !l.contains("|"))
                .map(l -> l.strip().split(":")[0])
                .collect(Collectors.toSet()))
        .containsExactly("lo");
  }

  @Test
  void job_cannot_write_outside_its_workspace() throws Exception {
    Path hostTmpMarker = Path.of("/tmp/seakeeper-escape-" + ProcessHandle.current().pid());
    var o =
        sandbox.untrusted(
            "for f in /usr/escape /etc/escape /escape /bin/escape /opt-escape; do if touch $f"
                + " 2>/dev/null; then echo WROTE $f; fi; done\n"
                + "echo x > "
                + hostTmpMarker
                + "\n"
                + "echo done");
    assertThat(o.lines()).as(o.text()).contains("done").noneMatch(l -> l.startsWith("WROTE"));
    assertThat(hostTmpMarker).as("/tmp inside is a private tmpfs").doesNotExist();
    assertThat(Path.of("/usr/escape")).doesNotExist();
    assertThat(Path.of("/escape")).doesNotExist();
  }

  @Test
  void job_cannot_see_host_processes() throws Exception {
    Process host = new ProcessBuilder("sleep", "61").start();
    try {
      var o =
          sandbox.untrusted(
              "ls /proc | grep -E '^[0-9]+$' | wc -l; if [ -e /proc/"
                  + host.pid()
                  + " ]; then echo SEES_HOST_PID; fi; if grep -l 'sle[e]p' /proc/[0-9]*/cmdline"
                  + " 2>/dev/null | grep -q .; then echo SEES_SLEEP; fi");
      assertThat(succeeded(o)).as(o.text()).isTrue();
      assertThat(o.text()).doesNotContain("SEES_HOST_PID").doesNotContain("SEES_SLEEP");
      assertThat(Integer.parseInt(o.lines().getFirst().strip())).isLessThan(10);
    } finally {
      host.destroyForcibly();
    }
  }

  @Test
  void job_cannot_read_a_root_only_host_file() throws Exception {
    assumeTrue(Files.exists(Path.of("/etc/shadow")), "the host has /etc/shadow");
    var o =
        sandbox.untrusted(
            "if cat /etc/shadow; then echo READ_SHADOW; fi; if cat /proc/1/root/etc/shadow; then"
                + " echo READ_VIA_PROC; fi; echo checked");
    assertThat(o.text())
        .contains("checked")
        .doesNotContain("READ_SHADOW")
        .doesNotContain("READ_VIA_PROC")
        .doesNotContain("root:");
  }

  @Test
  void job_cannot_create_a_user_namespace_and_has_no_capabilities() throws Exception {
    var o =
        sandbox.untrusted(
            "if unshare --user --map-root-user true 2>/dev/null; then echo NEW_USERNS; fi; grep"
                + " CapEff /proc/self/status; id -u");
    assertThat(o.text())
        .as(o.text())
        .doesNotContain("NEW_USERNS")
        .contains("CapEff:\t0000000000000000");
    assertThat(o.lines().getLast().strip()).isNotEqualTo("0");
  }

  @Test
  void environment_is_cleared_to_what_seakeeper_sets() throws Exception {
    var o = sandbox.untrusted("env | cut -d= -f1 | sort");
    Set<String> names = Set.copyOf(o.lines());
    assertThat(names).contains("PATH", "HOME", "CI", "SEAKEEPER_JOB", "FROM_JOB");
    assertThat(names)
        .allMatch(
            n ->
                Set.of(
                        "PATH",
                        "HOME",
                        "USER",
                        "LOGNAME",
                        "LANG",
                        "TERM",
                        "CI",
                        "SEAKEEPER",
                        "SEAKEEPER_JOB",
                        "SEAKEEPER_BUILD",
                        "SEAKEEPER_TIER",
                        "SEAKEEPER_WORKSPACE",
                        "SEAKEEPER_SECRETS",
                        "FROM_JOB",
                        "PWD",
                        "SHLVL",
                        "_",
                        "OLDPWD")
                    .contains(n));
    assertThat(
            System.getenv().keySet().stream()
                .filter(
                    k ->
                        !Set.of(
                                "PATH", "HOME", "USER", "LOGNAME", "LANG", "TERM", "PWD", "SHLVL",
                                "_", "OLDPWD", "CI")
                            .contains(k))
                .filter(names::contains))
        .isEmpty();
  }

  @Test
  void job_variables_cannot_override_the_tier_seakeeper_announces() throws Exception {
    var r =
        new org.seakeeper.core.executor.ExecutionRequest(
            "tv" + ProcessHandle.current().pid(),
            "job",
            "echo tier=$SEAKEEPER_TIER ci=$CI",
            Duration.ofSeconds(30),
            "host",
            Tier.UNTRUSTED,
            false,
            Map.of("SEAKEEPER_TIER", "privileged", "CI", "false"),
            Checkout.directory(sandbox.emptyDir.toString()),
            java.util.List.of());
    assertThat(sandbox.run(r).lines()).contains("tier=untrusted ci=true");
  }

  @Test
  void nothing_a_job_started_outlives_it() throws Exception {
    String marker = "31" + (ProcessHandle.current().pid() % 1000) + ".5";
    var o =
        sandbox.untrusted(
            "(sleep "
                + marker
                + " &) ; setsid sleep "
                + marker
                + " & nohup sleep "
                + marker
                + " >/dev/null 2>&1 & disown; echo started");
    assertThat(o.lines()).contains("started");
    TimeUnit.MILLISECONDS.sleep(200);
    assertThat(
            ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("sleep " + marker)))
        .isEmpty();
  }

  @Test
  void a_job_is_killed_at_its_timeout_with_its_whole_process_tree() throws Exception {
    String marker = "32" + (ProcessHandle.current().pid() % 1000) + ".5";
    long start = System.nanoTime();
    var o =
        sandbox.run(
            sandbox.request(
                "sleep " + marker + " & sleep " + marker,
                Tier.UNTRUSTED,
                false,
                Duration.ofSeconds(1),
                Checkout.directory(sandbox.emptyDir.toString())));
    assertThat(o.result().outcome()).isEqualTo(new JobOutcome.TimedOut(Duration.ofSeconds(1)));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    assertThat(
            ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("sleep " + marker)))
        .isEmpty();
  }

  @Test
  void cancel_kills_a_running_job() throws Exception {
    var e =
        sandbox.executor.start(
            sandbox.request(
                "echo up; sleep 50",
                Tier.UNTRUSTED,
                false,
                Duration.ofSeconds(60),
                Checkout.directory(sandbox.emptyDir.toString())),
            l -> {});
    TimeUnit.MILLISECONDS.sleep(500);
    e.cancel();
    CompletableFuture<?> f = e.result().toCompletableFuture();
    assertThat(e.result().toCompletableFuture().get(15, TimeUnit.SECONDS).outcome())
        .isInstanceOf(JobOutcome.Cancelled.class);
    assertThat(f).isDone();
  }

  @Test
  void jobs_run_as_the_tiers_unprivileged_host_user_when_seakeeper_is_root() throws Exception {
    assumeTrue(HostUsers.isRoot(), "tier users are created only when running as root");
    var o = sandbox.untrusted("id -u");
    int uid = Integer.parseInt(o.lines().getLast().strip());
    assertThat(uid).isNotZero();
    Process p = new ProcessBuilder("id", "-u", HostUsers.userName(Tier.UNTRUSTED)).start();
    assertThat(new String(p.getInputStream().readAllBytes()).strip())
        .isEqualTo(Integer.toString(uid));
    var trusted =
        sandbox.run(
            sandbox.request(
                "id -u",
                Tier.TRUSTED,
                false,
                Duration.ofSeconds(30),
                Checkout.directory(sandbox.emptyDir.toString())));
    assertThat(trusted.lines().getLast().strip())
        .isNotEqualTo(Integer.toString(uid))
        .isNotEqualTo("0");
  }

  @Test
  void memory_and_pids_limits_apply_where_cgroups_allow() throws Exception {
    assumeTrue(HostUsers.isRoot(), "cgroup limits need root (or a delegated cgroup)");
    try (SandboxFixture small = new SandboxFixture(64L << 20, 64, Map.of())) {
      var mem =
          small.untrusted("x=$(head -c 300000000 /dev/zero | tr '\\0' a); echo survived ${#x}");
      if (!small.warnings.isEmpty()) {
        assertThat(small.warnings).allMatch(w -> w.contains("not applied"));
        return;
      }
      assertThat(mem.text()).doesNotContain("survived");
      assertThat(succeeded(mem)).isFalse();
      var pids =
          small.untrusted("for i in $(seq 200); do sleep 5 & done 2>&1 | head -3; echo spawned");
      assertThat(pids.text()).containsAnyOf("Resource temporarily unavailable", "retry");
    }
  }

  @Test
  void each_job_starts_from_a_fresh_workspace() throws Exception {
    Path src = Files.createDirectory(sandbox.base.resolve("src-" + System.nanoTime()));
    Files.writeString(src.resolve("file.txt"), "original\n");
    Checkout c = Checkout.directory(src.toString());
    var first =
        sandbox.run(
            sandbox.request(
                "echo changed > file.txt; touch leftover",
                Tier.UNTRUSTED,
                false,
                Duration.ofSeconds(30),
                c));
    assertThat(succeeded(first)).as(first.text()).isTrue();
    var second =
        sandbox.run(
            sandbox.request("cat file.txt; ls", Tier.UNTRUSTED, false, Duration.ofSeconds(30), c));
    assertThat(second.lines()).contains("original").doesNotContain("leftover");
    assertThat(Files.readString(src.resolve("file.txt"))).isEqualTo("original\n");
    // The untrusted executor's own work root, and in it the per-execution directories of its tier.
    assertThat(Files.list(sandbox.workRoot.resolve("untrusted").resolve("untrusted")).toList())
        .as("workspaces are removed")
        .isEmpty();
  }
}
