package org.seakeeper.core.depcache;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A digest an ecosystem publishes for a file: the JDK algorithm name ({@code SHA-512}, ...) and the
 * expected bytes. Parsed from npm's SRI {@code dist.integrity} or hex {@code shasum}, Maven's
 * checksum sidecars and PyPI's {@code #sha256=} fragments.
 */
public record Digest(String algorithm, byte[] expected) {
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

  public Digest {
    expected = expected.clone();
  }

  @Override
  public byte[] expected() {
    return expected.clone();
  }

  /** The expected value as lower-case hex. */
  public String hex() {
    return HexFormat.of().formatHex(expected);
  }

  /** Whether {@code actual} (the bytes' digest with {@link #algorithm()}) is the expected one. */
  public boolean matches(byte[] actual) {
    return java.security.MessageDigest.isEqual(expected, actual);
  }

  /** The hex length of a digest with this checksum file extension ({@code sha1}, ...). */
  private static int hexLength(String algorithm) {
    return switch (algorithm) {
      case "SHA-1" -> 40;
      case "MD5" -> 32;
      case "SHA-256" -> 64;
      case "SHA-384" -> 96;
      case "SHA-512" -> 128;
      default -> -1;
    };
  }

  /** The JDK name of a checksum file extension: {@code sha1} → {@code SHA-1}. */
  public static Optional<String> algorithmOfExtension(String extension) {
    return switch (extension.toLowerCase(Locale.ROOT)) {
      case "sha1" -> Optional.of("SHA-1");
      case "md5" -> Optional.of("MD5");
      case "sha256" -> Optional.of("SHA-256");
      case "sha512" -> Optional.of("SHA-512");
      default -> Optional.empty();
    };
  }

  /** A hex digest of the algorithm's length, or empty. */
  public static Optional<Digest> hex(String algorithm, String hex) {
    if (hex == null || hex.length() != hexLength(algorithm) || !HEX.matcher(hex).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new Digest(algorithm, HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT))));
  }

  /**
   * A Maven checksum sidecar's content: the hex digest, possibly followed by white space and a file
   * name (as some tools write it).
   */
  public static Optional<Digest> mavenSidecar(String algorithm, String content) {
    String trimmed = content.strip();
    int space = indexOfWhitespace(trimmed);
    return hex(algorithm, space < 0 ? trimmed : trimmed.substring(0, space));
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The strongest digest of an npm {@code dist.integrity} (SRI: space-separated {@code
   * alg-base64}), else of {@code shasum} (hex SHA-1), else empty.
   */
  public static Optional<Digest> npm(String integrity, String shasum) {
    Digest best = null;
    int bestRank = 0;
    if (integrity != null) {
      for (String part : integrity.strip().split("\\s+")) {
        int dash = part.indexOf('-');
        if (dash <= 0) {
          continue;
        }
        String alg = part.substring(0, dash).toLowerCase(Locale.ROOT);
        String value = part.substring(dash + 1);
        int q = value.indexOf('?');
        if (q >= 0) {
          value = value.substring(0, q);
        }
        int rank;
        String name;
        switch (alg) {
          case "sha512" -> {
            rank = 4;
            name = "SHA-512";
          }
          case "sha384" -> {
            rank = 3;
            name = "SHA-384";
          }
          case "sha256" -> {
            rank = 2;
            name = "SHA-256";
          }
          default -> {
            continue;
          }
        }
        byte[] bytes;
        try {
          bytes = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
          continue;
        }
        if (bytes.length * 2 == hexLength(name) && rank > bestRank) {
          best = new Digest(name, bytes);
          bestRank = rank;
        }
      }
    }
    if (best != null) {
      return Optional.of(best);
    }
    return shasum == null ? Optional.empty() : hex("SHA-1", shasum.strip());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d
        && d.algorithm.equals(algorithm)
        && java.util.Arrays.equals(d.expected, expected);
  }

  @Override
  public int hashCode() {
    return algorithm.hashCode() * 31 + java.util.Arrays.hashCode(expected);
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex();
  }
}
