package org.seakeeper.sandbox;

/**
 * The sandbox cannot be used at all (bubblewrap missing or failing, no tier user). Carries a
 * message for people that says how to fix it.
 */
public final class SandboxException extends RuntimeException {
  public SandboxException(String message) {
    super(message);
  }

  public SandboxException(String message, Throwable cause) {
    super(message, cause);
  }
}
