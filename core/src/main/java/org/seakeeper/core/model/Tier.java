package org.seakeeper.core.model;

/**
 * How much a build is trusted, decided by the server from the event and never by the change.
 *
 * <ul>
 *   <li>{@link #UNTRUSTED}: code nobody with merge rights approved (check). No secrets, no network.
 *   <li>{@link #TRUSTED}: approved or merged code (gate, post, periodic).
 *   <li>{@link #PRIVILEGED}: releases and embargoed security fixes.
 * </ul>
 */
public enum Tier {
  UNTRUSTED,
  TRUSTED,
  PRIVILEGED;

  /** The lower-case name used in config files, APIs and user names. */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Whether jobs of this tier get a network by default. */
  public boolean networkByDefault() {
    return this != UNTRUSTED;
  }
}
