package org.seakeeper.core.event;

import java.time.Instant;
import java.util.Optional;

/** An event as kept in the durable inbox. Immutable. */
public record EventRecord(
    long id, TriggerEvent event, Instant receivedAt, Optional<Instant> processedAt) {}
