package org.seakeeper.core.depcache;

import java.util.Locale;
import java.util.regex.Pattern;

/** PyPI project and file names: PEP 508 names, PEP 503 normalization, distribution file names. */
public final class PypiNames {
  private static final Pattern NAME =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9])?");
  private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+!-]{0,254}");
  private static final Pattern RUNS = Pattern.compile("[-_.]+");

  private PypiNames() {}

  /** Whether {@code name} is a valid project name (PEP 508). */
  public static boolean valid(String name) {
    return NAME.matcher(name).matches();
  }

  /** The PEP 503 normalized form: lower case, runs of {@code -_.} as one {@code -}. */
  public static String normalize(String name) {
    return RUNS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
  }

  /** Whether {@code file} is a plausible distribution file name (no path, no {@code ..}). */
  public static boolean validFile(String file) {
    return FILE.matcher(file).matches() && !file.contains("..");
  }
}
