package org.seakeeper.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.Executor;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Tier;

class FakeExecutorContractTest extends ExecutorContract {
  @Override
  protected Executor executor(Tier tier) {
    return new FakeExecutor(tier);
  }

  @Override
  protected Checkout emptyCheckout() {
    return Checkout.directory("/nonexistent");
  }

  @Test
  void held_executions_wait_until_released() {
    FakeExecutor fake = new FakeExecutor().hold();
    var e = fake.start(request("true", Duration.ofSeconds(5)), l -> {});
    assertThat(e.result().toCompletableFuture()).isNotDone();
    assertThat(fake.heldJobs()).containsExactly("contract");
    fake.release("contract", new JobOutcome.Failed(2));
    assertThat(e.result().toCompletableFuture().join().outcome())
        .isEqualTo(new JobOutcome.Failed(2));
  }

  @Test
  void a_bound_fake_keeps_the_requests_it_refused_and_never_starts_them() {
    FakeExecutor fake = new FakeExecutor(Tier.TRUSTED).hold();
    var e = fake.start(request("true", Duration.ofSeconds(5), Tier.UNTRUSTED), l -> {});
    assertThat(e.result().toCompletableFuture().join().outcome())
        .isInstanceOf(JobOutcome.InfraError.class);
    assertThat(fake.started()).isEmpty();
    assertThat(fake.heldJobs()).isEmpty();
    assertThat(fake.refused()).hasSize(1);
  }

  @Test
  void cancel_completes_a_held_execution_as_cancelled() {
    FakeExecutor fake = new FakeExecutor().hold();
    var e = fake.start(request("true", Duration.ofSeconds(5)), new ArrayList<String>()::add);
    e.cancel();
    assertThat(e.result().toCompletableFuture().join().outcome())
        .isInstanceOf(JobOutcome.Cancelled.class);
    assertThat(fake.heldJobs()).isEmpty();
  }
}
