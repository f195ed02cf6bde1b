package org.seakeeper.server;

import org.seakeeper.core.effect.Incidents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Writes what core handled without a verdict to the server log: an outage as one warning line (it
 * is retried), anything else with its stack trace (a bug or a broken adapter). The connection goes
 * into the MDC. Thread-safe.
 */
public final class LogIncidents implements Incidents {
  private static final Logger LOG = LoggerFactory.getLogger("org.seakeeper.incidents");

  @Override
  public void report(String connection, String context, Throwable error, boolean outage) {
    try (MDC.MDCCloseable c = MDC.putCloseable("connection", connection)) {
      if (outage) {
        LOG.warn("{}: connection {} did not answer: {}", context, connection, error.getMessage());
      } else {
        LOG.error("{}: unexpected failure (connection {})", context, connection, error);
      }
    }
  }
}
