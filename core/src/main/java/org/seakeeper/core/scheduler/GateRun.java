package org.seakeeper.core.scheduler;

import org.seakeeper.core.gate.ChangeRef;

/**
 * One test of a queued change: in {@code queue}, at the queue's {@code generation} for it, by the
 * gate buildset {@code buildsetId} ({@link GateCoordinator#MERGING} while its speculative state is
 * computed, -1 when the state has no gate jobs and the change passes on its check). Compared by
 * identity where a late answer must recognise the exact run it was for. Immutable.
 */
record GateRun(String queue, ChangeRef change, int generation, long buildsetId) {}
