package org.seakeeper.core.store;

import java.time.Instant;
import org.seakeeper.core.model.Grant;

/** A role an admin granted through the API (docs/contracts.md §9), with who and when. */
public record StoredGrant(long id, Grant grant, String by, Instant at) {}
