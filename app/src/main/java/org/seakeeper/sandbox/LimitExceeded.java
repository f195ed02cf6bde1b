package org.seakeeper.sandbox;

import java.io.IOException;

/**
 * What a job's change controls went past a limit of the sandbox (its commit's tree, its artifacts):
 * the job fails naming the limit ({@code JobOutcome.LimitExceeded}), it is never retried as an
 * infrastructure error. {@code getMessage()} names the limit.
 */
final class LimitExceeded extends IOException {
  LimitExceeded(String message) {
    super(message);
  }
}
