package org.seakeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.seakeeper.core.executor.JobOutcome;

/**
 * The host's toolchains start in a job on the host image (issue 12): each command that runs on this
 * host with the sandbox's {@code PATH} (only {@code /usr} and the top-level links into it) exits 0
 * in an untrusted job. A tool the machine lacks is skipped; {@code scripts/ensure-deps.sh --tests}
 * installs them all. {@code java} in {@code PATH} is Debian's default JDK through {@code
 * /etc/alternatives}; every JDK under {@code /usr/lib/jvm} runs by its full path.
 */
class SandboxToolchainsTest {
  private static SandboxFixture sandbox;

  @BeforeAll
  static void start() throws IOException {
    sandbox = new SandboxFixture();
  }

  @AfterAll
  static void stop() throws IOException {
    sandbox.close();
  }

  /** Whether {@code command} succeeds on the host with the sandbox's PATH and no environment. */
  private static boolean runsOnHost(String command) throws Exception {
    Path home = Files.createTempDirectory("sk-tool-home");
    try {
      ProcessBuilder pb =
          new ProcessBuilder("/bin/bash", "-c", command + " >/dev/null 2>&1")
              .directory(home.toFile())
              .redirectErrorStream(true);
      pb.environment().clear();
      pb.environment().put("PATH", BwrapCommand.PATH);
      pb.environment().put("HOME", home.toString());
      Process p = pb.start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } finally {
      Workspaces.delete(home);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "mvn -v",
        "java -version",
        "javac -version",
        "node --version",
        "npm --version",
        "python3 -m pip --version",
        "gcc --version",
        "make --version",
        "git --version",
        "printf 'int main(void){return 0;}' > t.c && gcc t.c -o t && ./t",
        "git init -q r && git -C r -c user.email=a@b -c user.name=a commit -q --allow-empty -m x"
      })
  void a_host_tool_starts_in_a_job(String command) throws Exception {
    String tool = command.startsWith("printf") ? "gcc" : command.split(" ")[0];
    assumeTrue(runsOnHost(command), tool + " is not installed on this machine (under /usr)");
    var o = sandbox.untrusted(command + "\necho EXIT=$?");
    assertThat(o.result().outcome()).as(o.text()).isInstanceOf(JobOutcome.Succeeded.class);
    // Maven ends its output with a colour reset and no newline: EXIT=0 ends that line.
    assertThat(o.lines()).as(o.text()).anyMatch(l -> l.endsWith("EXIT=0"));
  }

  @Test
  void every_jdk_under_usr_lib_jvm_runs_in_a_job() throws Exception {
    List<Path> jdks;
    Path jvm = Path.of("/usr/lib/jvm");
    assumeTrue(Files.isDirectory(jvm), "no JDK under /usr/lib/jvm");
    try (Stream<Path> s = Files.list(jvm)) {
      jdks =
          s.filter(p -> !Files.isSymbolicLink(p) && Files.isExecutable(p.resolve("bin/java")))
              .sorted()
              .toList();
    }
    assumeTrue(!jdks.isEmpty(), "no JDK under /usr/lib/jvm");
    StringBuilder script = new StringBuilder();
    for (Path j : jdks) {
      script.append(j).append("/bin/java -version 2>/dev/null && echo OK ").append(j).append('\n');
    }
    var o = sandbox.untrusted(script.toString());
    for (Path j : jdks) {
      assertThat(o.lines()).as(o.text()).contains("OK " + j);
    }
  }
}
