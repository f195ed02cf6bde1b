package org.seakeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.seakeeper.testing.TestGit.git;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.DependencyCheckout;
import org.seakeeper.core.executor.ExecutionRequest;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Tier;

/**
 * A change's dependencies in other repositories appear beside the workspace, at $SEAKEEPER_DEPS, in
 * a real sandbox.
 */
class SandboxDependenciesTest {
  @Test
  void dependency_checkouts_appear_under_seakeeper_deps_at_their_commit() throws Exception {
    try (SandboxFixture f = new SandboxFixture()) {
      Path repo = Files.createDirectories(f.base.resolve("lib"));
      git(repo, "init", "-q", "--initial-branch=main", ".");
      Files.writeString(repo.resolve("lib.txt"), "v1\n");
      git(repo, "add", "lib.txt");
      git(repo, "commit", "-q", "-m", "v1");
      String v1 = git(repo, "rev-parse", "HEAD").strip();
      Files.writeString(repo.resolve("lib.txt"), "v2 from the change\n");
      git(repo, "commit", "-q", "-am", "the change depended on");
      String v2 = git(repo, "rev-parse", "HEAD").strip();
      assertThat(v1).isNotEqualTo(v2);
      ExecutionRequest r =
          f.request(
                  "cat \"$SEAKEEPER_DEPS/review/org/lib/lib.txt\"\n"
                      + "echo built > \"$SEAKEEPER_DEPS/review/org/lib/out.txt\"\n"
                      + "ls /workspace | wc -l",
                  Tier.UNTRUSTED,
                  false,
                  Duration.ofSeconds(60),
                  Checkout.directory(f.emptyDir.toString()))
              .withDependencies(
                  List.of(
                      new DependencyCheckout(
                          "review", "org/lib", Checkout.gitCommit(repo.toString(), v2))));
      SandboxFixture.Outcome o = f.run(r);
      assertThat(o.result().outcome()).as(o.text()).isInstanceOf(JobOutcome.Succeeded.class);
      assertThat(o.lines()).contains("v2 from the change", "0");
      SandboxFixture.Outcome none = f.untrusted("echo \"deps=${SEAKEEPER_DEPS:-unset}\"");
      assertThat(none.lines()).contains("deps=unset");
    }
  }
}
