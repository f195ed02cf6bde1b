package org.seakeeper.core.depcache;

import java.util.Locale;

/** A package ecosystem the dependency cache serves, each under its own path prefix. */
public enum Ecosystem {
  MAVEN,
  NPM,
  PYPI;

  /** The lower-case name used in paths and metric labels. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
