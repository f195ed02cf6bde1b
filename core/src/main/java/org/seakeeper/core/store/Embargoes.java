package org.seakeeper.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The embargo marks (see {@link Embargo}), inside a transaction. Who sees hidden builds is decided
 * by {@link BuildQueries#publicView()}, which reads these marks.
 */
public interface Embargoes {
  /** Stores a new mark; its event must already be in the inbox. Ids are unique. */
  void add(Embargo embargo);

  Optional<Embargo> get(String id);

  /** Every mark, newest submission first. */
  List<Embargo> all();

  /** Makes the builds public; false when there is no such mark or it was already published. */
  boolean publish(String id, Instant at);

  /** The buildsets its event started, oldest first. */
  List<Long> buildsets(String id);
}
