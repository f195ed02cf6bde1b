package org.seakeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Tier;

/** Jobs in an operator-registered root filesystem see the image, not the host. */
class ImageRootfsTest {
  /** A tiny image: bash, cat and ls with the libraries ldd names, and a marker file. */
  static Path makeImage(Path root) throws IOException, InterruptedException {
    Set<String> files = new LinkedHashSet<>();
    for (String bin : List.of("/usr/bin/bash", "/usr/bin/cat", "/usr/bin/ls")) {
      files.add(bin);
      Process p = new ProcessBuilder("ldd", bin).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      Matcher m = Pattern.compile("(/\\S+)").matcher(out);
      while (m.find()) {
        files.add(m.group(1));
      }
    }
    for (String f : files) {
      Path real = Path.of(f).toRealPath();
      Path target = root.resolve(f.substring(1));
      Files.createDirectories(target.getParent());
      Files.copy(
          real, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }
    Files.createDirectories(root.resolve("bin"));
    Files.copy(
        root.resolve("usr/bin/bash"), root.resolve("bin/bash"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/os-release"), "ID=seakeeper-test-image\n");
    return root;
  }

  @Test
  void a_job_in_a_registered_image_sees_the_image_and_not_the_host() throws Exception {
    Path image = Files.createTempDirectory("sk-image");
    Files.setPosixFilePermissions(
        image, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    makeImage(image);
    try (SandboxFixture s =
        new SandboxFixture(
            SandboxSettings.DEFAULT_MEMORY, SandboxSettings.DEFAULT_PIDS, Map.of("tiny", image))) {
      ExecutionRequest r =
          new ExecutionRequest(
              "img" + ProcessHandle.current().pid(),
              "job",
              "cat /etc/os-release\n"
                  + "ls /usr/bin\n"
                  + "if [ -e /usr/bin/java ] || [ -e /usr/bin/git ]; then echo HOST_USR; fi\n"
                  + "echo ok > /workspace/out.txt\n"
                  + "cat /workspace/out.txt",
              Duration.ofSeconds(30),
              "tiny",
              Tier.UNTRUSTED,
              false,
              Map.of(),
              Checkout.directory(s.emptyDir.toString()),
              List.of());
      var o = s.run(r);
      assertThat(o.result().outcome()).as(o.text()).isInstanceOf(JobOutcome.Succeeded.class);
      assertThat(o.lines()).contains("ID=seakeeper-test-image", "ok").doesNotContain("HOST_USR");
      var unknown =
          s.run(
              new ExecutionRequest(
                  "img2" + ProcessHandle.current().pid(),
                  "job",
                  "true",
                  Duration.ofSeconds(30),
                  "missing",
                  Tier.UNTRUSTED,
                  false,
                  Map.of(),
                  Checkout.directory(s.emptyDir.toString()),
                  List.of()));
      assertThat(unknown.result().outcome()).isInstanceOf(JobOutcome.InfraError.class);
    } finally {
      Workspaces.delete(image);
    }
  }
}
