package org.seakeeper.core.scheduler;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.model.Glob;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.model.RefNames;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.model.Tier;

/**
 * Decides, from an event alone, which pipeline it starts and in which tier (docs/contracts.md §1):
 * the connection, project, full ref name, pipeline and (for the gate) approvals, never anything
 * inside the change. Names are matched whole, so a branch named like a tag ({@code
 * refs/heads/v1.0}), a tag named like a branch ({@code refs/tags/main}) or a change for a tag
 * ({@code refs/for/refs/tags/v1}) gets only what its own namespace gets:
 *
 * <ul>
 *   <li>{@code post}, trusted: an update of {@code refs/heads/<branch>} of a served project,
 *       matching the protected refs (default every branch);
 *   <li>{@code periodic}, trusted: a protected branch's head, by the trusted cron;
 *   <li>{@code release}, privileged: a new {@code refs/tags/<tag>} whose whole name matches the
 *       trusted pattern and is printable ASCII;
 *   <li>{@code check}, untrusted: a proposed change ({@code refs/changes/...} in Gerrit, {@code
 *       refs/for/...} locally), a {@code recheck} of one, or a manual check;
 *   <li>{@code gate}, trusted: only through the gate entry rule (approvals and a passed check),
 *       never from a ref or a manual trigger.
 * </ul>
 *
 * Anything else starts nothing and says why. Immutable and thread-safe.
 */
public final class TierPolicy {
  private final Glob releaseTags;
  private final List<Glob> protectedRefs;
  private final BiPredicate<String, String> served;
  private final Map<Tier, Boolean> network;

  /** Every branch of a served project: the default protected refs. */
  public static final List<Glob> ALL_BRANCHES = List.of(Glob.of("refs/heads/**"));

  /**
   * @param releaseTags tag names (after {@code refs/tags/}) that start {@code release}
   * @param protectedRefs full ref globs of the branches whose updates start trusted pipelines
   * @param served whether a (connection, project) is served by this server
   * @param network whether jobs of a tier get a network; untrusted never does, whatever is given
   */
  public TierPolicy(
      Glob releaseTags,
      List<Glob> protectedRefs,
      BiPredicate<String, String> served,
      Map<Tier, Boolean> network) {
    this.releaseTags = releaseTags;
    this.protectedRefs = List.copyOf(protectedRefs);
    this.served = served;
    Map<Tier, Boolean> n = new EnumMap<>(Tier.class);
    for (Tier t : Tier.values()) {
      n.put(t, t != Tier.UNTRUSTED && network.getOrDefault(t, t.networkByDefault()));
    }
    this.network = Map.copyOf(n);
  }

  /** The same policy with another release tag pattern (the trusted config repo may change it). */
  public TierPolicy withReleaseTags(Glob tags) {
    return tags.text().equals(releaseTags.text())
        ? this
        : new TierPolicy(tags, protectedRefs, served, network);
  }

  /** The defaults of an empty trusted config, with this release tag pattern. */
  public static TierPolicy defaults(Glob releaseTags) {
    return new TierPolicy(releaseTags, ALL_BRANCHES, (c, p) -> true, Map.of());
  }

  /** What an event starts. */
  public sealed interface Decision {
    /** Run {@code trigger}'s pipeline in {@code tier}. */
    record Start(Trigger trigger, Tier tier) implements Decision {}

    /** The event starts nothing by its nature (an abandon, a vote, a deleted ref). */
    record Nothing() implements Decision {}

    /** The event could have started something but is refused; the reason goes to the server log. */
    record Refused(String why) implements Decision {}

    /** Why the event was refused, or empty when it was not. */
    default Optional<String> refusal() {
      return this instanceof Refused r ? Optional.of(r.why()) : Optional.empty();
    }
  }

  /** Finds the commit a ref points to now (for periodic runs); empty when it does not exist. */
  @FunctionalInterface
  public interface Heads {
    Optional<String> head(RepoRef repo, String ref);
  }

  /** The tier a pipeline runs in: fixed, never configurable by a repo (docs/contracts.md §1). */
  public static Tier tierOf(PipelineName pipeline) {
    return switch (pipeline) {
      case CHECK -> Tier.UNTRUSTED;
      case GATE, POST, PERIODIC -> Tier.TRUSTED;
      case RELEASE -> Tier.PRIVILEGED;
    };
  }

  /** Whether jobs of {@code tier} get a network. Untrusted: never. */
  public boolean network(Tier tier) {
    return network.get(tier);
  }

  public Glob releaseTags() {
    return releaseTags;
  }

  /** Decides what {@code event} starts; {@code heads} resolves a periodic run's branch. */
  public Decision decide(TriggerEvent event, Heads heads) {
    if (event instanceof TriggerEvent.Embargoed x) {
      // Only the admin API creates these (EmbargoService, which checked that the source connection
      // serves the project), on the reserved connection `embargoed`: privileged release.
      return new Decision.Start(
          new Trigger(
              PipelineName.RELEASE,
              x.connection(),
              x.project(),
              x.ref(),
              x.commit(),
              Trigger.branchOf(x.baseRef()),
              Optional.empty(),
              Optional.empty(),
              Optional.empty()),
          Tier.PRIVILEGED);
    }
    if (!served.test(event.connection(), event.project())) {
      return new Decision.Refused(
          "project "
              + RefNames.printable(event.project())
              + " is not served by connection "
              + RefNames.printable(event.connection()));
    }
    return switch (event) {
      case TriggerEvent.RefUpdated r -> refUpdated(r);
      case TriggerEvent.ChangeProposed c ->
          proposed(
              PipelineName.CHECK,
              c.connection(),
              c.project(),
              c.ref(),
              c.commit(),
              c.branch(),
              c.change(),
              c.patchset(),
              c.owner());
      case TriggerEvent.Recheck c ->
          proposed(
              PipelineName.CHECK,
              c.connection(),
              c.project(),
              c.ref(),
              c.commit(),
              c.branch(),
              c.change(),
              c.patchset(),
              c.owner());
      case TriggerEvent.Periodic p -> periodic(p, heads);
      case TriggerEvent.Manual m -> manual(m);
      case TriggerEvent.ChangeAbandoned a -> new Decision.Nothing();
      case TriggerEvent.ApprovalsChanged a ->
          new Decision.Nothing(); // the gate entry rule decides (GateCoordinator)
      case TriggerEvent.Embargoed x -> throw new IllegalStateException("handled above");
    };
  }

  private Decision refUpdated(TriggerEvent.RefUpdated r) {
    if (r.newCommit().isBlank() || r.newCommit().equals(Trigger.ZEROS)) {
      return new Decision.Nothing();
    }
    Optional<String> bad = RefNames.problem(r.ref());
    if (bad.isPresent()) {
      return new Decision.Refused(bad.get() + "; it starts nothing");
    }
    if (r.ref().startsWith(RefNames.HEADS)) {
      return branch(PipelineName.POST, r.connection(), r.project(), r.ref(), r.newCommit());
    }
    if (r.ref().startsWith(RefNames.TAGS)) {
      return tag(r.connection(), r.project(), r.ref(), r.newCommit());
    }
    return new Decision.Refused(
        "ref "
            + RefNames.printable(r.ref())
            + " is neither a branch (refs/heads/...) nor a tag (refs/tags/...); it starts nothing");
  }

  private Decision branch(
      PipelineName pipeline, String connection, String project, String ref, String commit) {
    Optional<String> bad = RefNames.shortNameProblem(ref, RefNames.HEADS);
    if (bad.isPresent()) {
      return new Decision.Refused(bad.get() + "; " + pipeline.id() + " does not run on it");
    }
    if (protectedRefs.stream().noneMatch(g -> g.matches(ref))) {
      return new Decision.Refused(
          "branch "
              + RefNames.printable(ref)
              + " is not a protected ref "
              + protectedRefs
              + "; "
              + pipeline.id()
              + " does not run on it");
    }
    String branch = ref.substring(RefNames.HEADS.length());
    return new Decision.Start(
        new Trigger(
            pipeline,
            connection,
            project,
            ref,
            commit,
            Optional.of(branch),
            Optional.empty(),
            Optional.empty(),
            Optional.empty()),
        tierOf(pipeline));
  }

  private Decision tag(String connection, String project, String ref, String commit) {
    Optional<String> bad = RefNames.shortNameProblem(ref, RefNames.TAGS);
    if (bad.isPresent()) {
      return new Decision.Refused(bad.get() + "; release does not run on it");
    }
    String name = ref.substring(RefNames.TAGS.length());
    if (!RefNames.ascii(name)) {
      return new Decision.Refused(
          "tag "
              + RefNames.printable(ref)
              + " is not printable ASCII; release tags must be, so no tag can look like another");
    }
    if (!releaseTags.matches(name)) {
      return new Decision.Refused(
          "tag "
              + RefNames.printable(ref)
              + " does not match the release pattern "
              + releaseTags
              + "; it starts nothing");
    }
    return new Decision.Start(
        new Trigger(
            PipelineName.RELEASE,
            connection,
            project,
            ref,
            commit,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty()),
        Tier.PRIVILEGED);
  }

  private Decision proposed(
      PipelineName pipeline,
      String connection,
      String project,
      String ref,
      String commit,
      String branch,
      String change,
      String patchset,
      Optional<String> owner) {
    Optional<String> bad = proposalProblem(ref);
    if (bad.isPresent()) {
      return new Decision.Refused(bad.get());
    }
    return new Decision.Start(
        new Trigger(
            pipeline,
            connection,
            project,
            ref,
            commit,
            Optional.of(branch),
            Optional.of(change),
            Optional.of(patchset),
            owner),
        Tier.UNTRUSTED);
  }

  private static Optional<String> proposalProblem(String ref) {
    Optional<String> bad = RefNames.problem(ref);
    if (bad.isPresent()) {
      return Optional.of(bad.get() + "; check does not run on it");
    }
    boolean proposal =
        (ref.startsWith(RefNames.FOR) && ref.length() > RefNames.FOR.length())
            || (ref.startsWith(RefNames.CHANGES) && ref.length() > RefNames.CHANGES.length());
    return proposal
        ? Optional.empty()
        : Optional.of(
            "check runs on a proposed change (refs/for/... or refs/changes/...), not "
                + RefNames.printable(ref));
  }

  private Decision periodic(TriggerEvent.Periodic p, Heads heads) {
    String ref = RefNames.HEADS + p.branch();
    Optional<String> bad = RefNames.problem(ref);
    if (bad.isPresent()) {
      return new Decision.Refused(bad.get() + "; periodic does not run on it");
    }
    Optional<String> head = heads.head(new RepoRef(p.connection(), p.project()), ref);
    if (head.isEmpty()) {
      return new Decision.Refused(
          "periodic: " + p.project() + " has no branch " + RefNames.printable(ref));
    }
    return branch(PipelineName.PERIODIC, p.connection(), p.project(), ref, head.get());
  }

  private Decision manual(TriggerEvent.Manual m) {
    Optional<String> mismatch = refMismatch(m.pipeline(), m.ref());
    if (mismatch.isPresent()) {
      return new Decision.Refused("manual trigger refused: " + mismatch.get());
    }
    return switch (m.pipeline()) {
      case POST, PERIODIC -> branch(m.pipeline(), m.connection(), m.project(), m.ref(), m.commit());
      case RELEASE -> tag(m.connection(), m.project(), m.ref(), m.commit());
      case CHECK ->
          new Decision.Start(
              new Trigger(
                  PipelineName.CHECK,
                  m.connection(),
                  m.project(),
                  m.ref(),
                  m.commit(),
                  Trigger.branchOf(m.ref()),
                  m.change(),
                  m.patchset(),
                  Optional.empty()),
              Tier.UNTRUSTED);
      case GATE -> new Decision.Refused("gate is entered by approval, not by a manual trigger");
    };
  }

  /** Whether a manual trigger's ref fits the pipeline (docs/contracts.md §1), else why not. */
  public Optional<String> refMismatch(PipelineName pipeline, String ref) {
    Optional<String> bad = RefNames.problem(ref);
    if (bad.isPresent()) {
      return bad;
    }
    return switch (pipeline) {
      case CHECK -> proposalProblem(ref);
      case GATE -> Optional.of("gate is entered by approval, not by a manual trigger");
      case POST, PERIODIC ->
          ref.startsWith(RefNames.HEADS)
              ? branch(pipeline, "", "", ref, "").refusal()
              : Optional.of(
                  pipeline.id()
                      + " runs on a branch (refs/heads/...), not "
                      + RefNames.printable(ref));
      case RELEASE ->
          ref.startsWith(RefNames.TAGS)
              ? tag("", "", ref, "").refusal()
              : Optional.of(
                  "release runs on a tag matching "
                      + releaseTags
                      + " (refs/tags/...), not "
                      + RefNames.printable(ref));
    };
  }
}
