package org.seakeeper.core.executor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.seakeeper.core.model.Tier;

/**
 * The one guard every executor goes through, and the only way to be an {@link Executor} (the
 * interface is sealed to this class). {@link #start} is final: it refuses a request of another tier
 * than the executor's ({@link TierMismatch}) and an untrusted request carrying secrets before
 * anything is made or run, and only otherwise hands the request to the backend's {@link #launch}. A
 * refusal is an infrastructure error with the reason, completed at once; {@link #launch} is never
 * called for it, so no workspace, process or thread exists for it.
 *
 * <p>Subclasses (the bubblewrap sandbox, the testkit fake, a Kubernetes backend) implement {@link
 * #launch} and stay thread-safe as {@link Executor} requires.
 */
public abstract non-sealed class GuardedExecutor implements Executor {
  /** Why every executor refuses an untrusted request that carries secrets. */
  public static final String UNTRUSTED_WITH_SECRETS =
      "refused: an untrusted request carries secrets, which the untrusted tier never gets";

  private final Optional<Tier> tier;

  /** An executor bound to {@code tier}'s pool: requests of another tier are refused. */
  protected GuardedExecutor(Tier tier) {
    this(Optional.of(tier));
  }

  /**
   * An executor bound to {@code tier}'s pool, or, when empty, serving every tier (only test fakes
   * that do not look at tiers do that). Secrets for the untrusted tier are refused either way.
   */
  protected GuardedExecutor(Optional<Tier> tier) {
    this.tier = Objects.requireNonNull(tier);
  }

  /** Why an executor bound to {@code tier} (empty: any) must refuse {@code request}, if it must. */
  public static Optional<String> refusal(Optional<Tier> tier, ExecutionRequest request) {
    if (tier.isPresent() && request.tier() != tier.get()) {
      return Optional.of(TierMismatch.message(tier.get(), request));
    }
    if (request.untrustedWithSecrets()) {
      // The scheduler never grants secrets to the untrusted tier; refusing here too means a bug
      // there still cannot hand a secret to untrusted code (defence in depth).
      return Optional.of(UNTRUSTED_WITH_SECRETS);
    }
    return Optional.empty();
  }

  @Override
  public final Execution start(ExecutionRequest request, OutputSink output) {
    Optional<String> why = refusal(tier, request);
    if (why.isPresent()) {
      refused(request, why.get());
      return new Refused(why.get());
    }
    return launch(request, output);
  }

  /**
   * Starts a request that passed the guard (its tier is this executor's, and it carries no secret
   * it may not have); the contract of {@link Executor#start} otherwise.
   */
  protected abstract Execution launch(ExecutionRequest request, OutputSink output);

  /** Told of each refused request, before its result completes; nothing by default. */
  protected void refused(ExecutionRequest request, String reason) {}

  /** A refused execution: already ended with an infrastructure error; nothing to cancel. */
  private record Refused(String reason) implements Execution {
    @Override
    public CompletionStage<Result> result() {
      return CompletableFuture.completedFuture(
          new Result(new JobOutcome.InfraError(reason), Duration.ZERO, List.of()));
    }

    @Override
    public void cancel() {}
  }
}
