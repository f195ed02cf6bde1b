package org.seakeeper.core.secret;

import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.Tier;

/**
 * Whether a build may have a secret (docs/contracts.md §1, §2). Pure and stateless. A secret is
 * granted only when all of these hold:
 *
 * <ul>
 *   <li>it is the build's own project's secret (same connection and project);
 *   <li>the build's tier is {@code trusted} or {@code privileged}: an {@code untrusted} build never
 *       gets one, whatever the scope says;
 *   <li>the job comes from merged config ({@code post}, {@code periodic}, {@code release}), or from
 *       approved config in {@code gate} and the secret's scope names {@code gate} explicitly;
 *       {@code check} (proposed config) never;
 *   <li>the build's pipeline is in the secret's scope.
 * </ul>
 */
public final class SecretPolicy {
  private SecretPolicy() {}

  /** What the policy looks at of a build; the tier is the one the server decided from the event. */
  public record BuildContext(String connection, String project, PipelineName pipeline, Tier tier) {}

  /** The answer: granted, or refused with a sentence saying why. */
  public sealed interface Decision {
    record Granted() implements Decision {}

    record Refused(String reason) implements Decision {}

    default boolean granted() {
      return this instanceof Granted;
    }
  }

  public static Decision decide(SecretBinding secret, BuildContext build) {
    if (!secret.connection().equals(build.connection())
        || !secret.project().equals(build.project())) {
      return new Decision.Refused(
          "it belongs to project "
              + secret.project()
              + " of connection "
              + secret.connection()
              + ", not to "
              + build.project()
              + " of "
              + build.connection());
    }
    if (build.tier() == Tier.UNTRUSTED) {
      return new Decision.Refused("the build runs in the untrusted tier, which never gets secrets");
    }
    if (build.pipeline() == PipelineName.CHECK) {
      return new Decision.Refused(
          "pipeline 'check' runs proposed config, which never gets secrets");
    }
    if (!secret.pipelines().contains(build.pipeline())) {
      String hint =
          build.pipeline() == PipelineName.GATE
              ? "; gate runs approved but unmerged code, so an admin must add 'gate' to the"
                  + " secret's pipelines explicitly"
              : "";
      return new Decision.Refused(
          "its pipelines are "
              + String.join(", ", secret.pipelineIds())
              + ", not "
              + build.pipeline().id()
              + hint);
    }
    return new Decision.Granted();
  }
}
