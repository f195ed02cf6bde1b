package org.seakeeper.core.gate;

/** What the gate works through: speculative merges, submits and dependencies. Immutable holder. */
public record GatePorts(Merger merger, ReviewSystem review, ChangeResolver changes) {
  /** No gate: local connections offer none (docs/contracts.md §4). */
  public static final GatePorts NONE =
      new GatePorts(
          (repo, branch, changes) -> {
            throw new IllegalStateException("no merger configured for " + repo.connection());
          },
          ReviewSystem.NONE,
          ChangeResolver.NONE);

  /** A gate whose changes have no dependencies to resolve. */
  public GatePorts(Merger merger, ReviewSystem review) {
    this(merger, review, ChangeResolver.NONE);
  }
}
