package org.seakeeper.core.depcache;

import java.util.regex.Pattern;

/**
 * npm package names: {@code pkg} or {@code @scope/pkg}, each part starting with a letter or digit
 * and made of letters, digits, {@code .}, {@code _} and {@code -} (legacy names may have capitals),
 * 214 characters at most, as npm's own rules allow.
 */
public final class NpmNames {
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,213}");
  private static final Pattern VERSION =
      Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?");

  private NpmNames() {}

  /** Whether {@code part} is a valid scope or unscoped name (no {@code @}, no {@code /}). */
  public static boolean validPart(String part) {
    return PART.matcher(part).matches() && !part.contains("..");
  }

  /** Whether {@code name} is {@code pkg} or {@code @scope/pkg} with valid parts. */
  public static boolean valid(String name) {
    if (name.length() > 214) {
      return false;
    }
    if (name.startsWith("@")) {
      int slash = name.indexOf('/');
      return slash > 1
          && validPart(name.substring(1, slash))
          && validPart(name.substring(slash + 1));
    }
    return validPart(name);
  }

  /** Whether {@code version} is a semantic version (as npm tarball names carry it). */
  public static boolean validVersion(String version) {
    return version.length() <= 128 && VERSION.matcher(version).matches() && !version.contains("..");
  }

  /** The name without its scope: {@code pkg} for {@code @scope/pkg}. */
  public static String unscoped(String name) {
    return name.substring(name.indexOf('/') + 1);
  }

  /** The name as the registry's packument path spells it: {@code @scope%2fpkg}. */
  public static String encoded(String name) {
    return name.replace("/", "%2f");
  }
}
