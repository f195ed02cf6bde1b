package org.seakeeper.core.gate;

/** What the gate works through: speculative merges and submits. Immutable holder. */
public record GatePorts(Merger merger, ReviewSystem review) {
  /** No gate: local connections offer none (contracts §4). */
  public static final GatePorts NONE =
      new GatePorts((connection, project, branch, changes) -> {
        throw new IllegalStateException("no merger configured for " + connection);
      }, ReviewSystem.NONE);
}
