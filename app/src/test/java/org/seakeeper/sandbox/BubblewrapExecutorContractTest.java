package org.seakeeper.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.model.Tier;
import org.seakeeper.testkit.ExecutorContract;

/** The bubblewrap executor passes the same contract as the testkit fake. */
class BubblewrapExecutorContractTest extends ExecutorContract {
  private static SandboxFixture fixture;

  @BeforeAll
  static void start() throws IOException {
    fixture = new SandboxFixture();
  }

  @AfterAll
  static void stop() throws IOException {
    fixture.close();
  }

  @Override
  protected Executor executor(Tier tier) {
    return fixture.executors.get(tier);
  }

  /** Workspaces, /etc copies and artifacts of every tier live under the fixture's base. */
  @Override
  protected Optional<Path> workDirectory(Tier tier) {
    return Optional.of(fixture.base);
  }

  @Override
  protected Checkout emptyCheckout() {
    return Checkout.directory(fixture.emptyDir.toString());
  }
}
