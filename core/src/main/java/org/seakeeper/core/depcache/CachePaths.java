package org.seakeeper.core.depcache;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.seakeeper.core.depcache.CacheRequest.MavenFile;
import org.seakeeper.core.depcache.CacheRequest.MavenKind;
import org.seakeeper.core.depcache.CacheRequest.NpmPackument;
import org.seakeeper.core.depcache.CacheRequest.NpmTarball;
import org.seakeeper.core.depcache.CacheRequest.PypiFile;
import org.seakeeper.core.depcache.CacheRequest.PypiProject;

/**
 * The dependency cache's request grammar: which method and raw (still percent-encoded) path is a
 * request for what, or why it is refused. Only {@code GET} and {@code HEAD}; the raw path must be
 * plain: no percent-encoding (the one exception is npm's {@code @scope%2fname} packument path, the
 * form npm itself sends), no {@code ..} or {@code .} segment, no empty segment, no backslash, no
 * {@code ;} parameters, no {@code :}, and {@code @} only at the start of an npm scope. Then:
 *
 * <ul>
 *   <li>{@code /maven/G1/.../A/V/FILE} with FILE {@code A-V[-classifier].ext} (a released file or
 *       its checksum; {@code -SNAPSHOT} versions are refused), {@code /maven/G1/.../[A/]
 *       maven-metadata.xml} (and its checksums);
 *   <li>{@code /npm/NAME} or {@code /npm/@SCOPE/NAME} or {@code /npm/@SCOPE%2fNAME} (packument),
 *       {@code /npm/[@SCOPE/]NAME/-/NAME-VERSION.tgz} (tarball);
 *   <li>{@code /pypi/simple/PROJECT/} (a project page; the name is PEP 503-normalized) and {@code
 *       /pypi/files/PROJECT/FILE} (a file that page lists).
 * </ul>
 *
 * <p>The query string is never looked at: callers pass the path alone.
 */
public final class CachePaths {
  private static final Pattern RAW = Pattern.compile("[A-Za-z0-9._~!$&'()*+,=@%/-]*");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]{0,199}");
  private static final List<String> CHECKSUMS = List.of("sha1", "md5", "sha256", "sha512");
  private static final String METADATA = "maven-metadata.xml";
  private static final int MAX_PATH = 1024;

  private CachePaths() {}

  /** The outcome of parsing: a request, or a refusal with the HTTP status and why. */
  public sealed interface Parsed {}

  /** A request the cache may serve. */
  public record Accepted(CacheRequest request) implements Parsed {}

  /**
   * A request the cache refuses without any upstream call; {@code ecosystem} when the prefix named
   * one (for the metric's label).
   */
  public record Refused(int status, String reason, Optional<Ecosystem> ecosystem)
      implements Parsed {}

  /**
   * Parses a request. {@code rawPath} is the request target's path exactly as sent (not decoded, no
   * query); {@code accept} the Accept header or null.
   */
  public static Parsed parse(String method, String rawPath, String accept) {
    Optional<Ecosystem> ecosystem = ecosystemOf(rawPath);
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      return new Refused(405, "only GET and HEAD are served", ecosystem);
    }
    if (rawPath == null || !rawPath.startsWith("/") || rawPath.length() > MAX_PATH) {
      return new Refused(400, "not an origin-form path", ecosystem);
    }
    if (!RAW.matcher(rawPath).matches()) {
      return new Refused(400, "characters outside the path grammar", ecosystem);
    }
    if (ecosystem.isEmpty()) {
      return new Refused(404, "not under /maven/, /npm/ or /pypi/", ecosystem);
    }
    String rest = rawPath.substring(ecosystem.get().label().length() + 2);
    Parsed parsed =
        switch (ecosystem.get()) {
          case MAVEN -> maven(rest);
          case NPM -> npm(rest, accept);
          case PYPI -> pypi(rest);
        };
    return parsed;
  }

  private static Optional<Ecosystem> ecosystemOf(String rawPath) {
    if (rawPath == null) {
      return Optional.empty();
    }
    for (Ecosystem e : Ecosystem.values()) {
      if (rawPath.startsWith("/" + e.label() + "/")) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  private static Refused refused(Ecosystem e, String reason) {
    return new Refused(400, reason, Optional.of(e));
  }

  private static boolean plainSegments(List<String> segments) {
    for (String s : segments) {
      if (!SEGMENT.matcher(s).matches() || s.contains("..")) {
        return false;
      }
    }
    return true;
  }

  private static Parsed maven(String rest) {
    if (rest.contains("%") || rest.contains("@")) {
      return refused(Ecosystem.MAVEN, "percent-encoding or @ in a Maven path");
    }
    List<String> segs = List.of(rest.split("/", -1));
    if (segs.size() > 40 || !plainSegments(segs)) {
      return refused(Ecosystem.MAVEN, "a segment outside the Maven path grammar");
    }
    String file = segs.getLast();
    String base = file;
    String checksum = null;
    int dot = file.lastIndexOf('.');
    if (dot > 0 && CHECKSUMS.contains(file.substring(dot + 1))) {
      checksum = file.substring(dot + 1);
      base = file.substring(0, dot);
    }
    if (base.equals(METADATA)) {
      if (segs.size() < 2) {
        return refused(Ecosystem.MAVEN, "maven-metadata.xml outside a group");
      }
      if (segs.get(segs.size() - 2).endsWith("-SNAPSHOT")) {
        return new Refused(404, "SNAPSHOT versions are not served", Optional.of(Ecosystem.MAVEN));
      }
      return new Accepted(
          new MavenFile(rest, checksum == null ? MavenKind.METADATA : MavenKind.METADATA_CHECKSUM));
    }
    if (segs.size() < 4) {
      return refused(Ecosystem.MAVEN, "not GROUP/ARTIFACT/VERSION/FILE");
    }
    String artifact = segs.get(segs.size() - 3);
    String version = segs.get(segs.size() - 2);
    if (version.endsWith("-SNAPSHOT")) {
      return new Refused(404, "SNAPSHOT versions are not served", Optional.of(Ecosystem.MAVEN));
    }
    String prefix = artifact + "-" + version;
    if (!base.startsWith(prefix)
        || base.length() == prefix.length()
        || (base.charAt(prefix.length()) != '.' && base.charAt(prefix.length()) != '-')
        || base.endsWith(".")) {
      return refused(Ecosystem.MAVEN, "file name is not ARTIFACT-VERSION[-CLASSIFIER].EXT");
    }
    return new Accepted(
        new MavenFile(rest, checksum == null ? MavenKind.ARTIFACT : MavenKind.CHECKSUM));
  }

  private static Parsed npm(String rest, String accept) {
    boolean abbreviated =
        accept != null
            && accept.toLowerCase(Locale.ROOT).contains("application/vnd.npm.install-v1+json");
    // npm asks for a scoped packument as /@scope%2fname: the only percent-encoding accepted.
    String path = rest;
    if (path.startsWith("@")) {
      int enc = path.toLowerCase(Locale.ROOT).indexOf("%2f");
      int slash = path.indexOf('/');
      if (enc > 0 && (slash < 0 || enc < slash)) {
        path = path.substring(0, enc) + "/" + path.substring(enc + 3);
        if (path.contains("/-/")) {
          return refused(Ecosystem.NPM, "an encoded scope only names a packument");
        }
      }
    }
    if (path.contains("%")) {
      return refused(Ecosystem.NPM, "percent-encoding in an npm path");
    }
    List<String> segs = List.of(path.split("/", -1));
    int nameLength = path.startsWith("@") ? 2 : 1;
    if (segs.size() < nameLength) {
      return refused(Ecosystem.NPM, "no package name");
    }
    String name = String.join("/", segs.subList(0, nameLength));
    if (!NpmNames.valid(name)) {
      return refused(Ecosystem.NPM, "not an npm package name");
    }
    List<String> tail = segs.subList(nameLength, segs.size());
    if (tail.isEmpty()) {
      return new Accepted(new NpmPackument(name, abbreviated));
    }
    if (tail.size() == 2 && tail.get(0).equals("-")) {
      String file = tail.get(1);
      String prefix = NpmNames.unscoped(name) + "-";
      if (file.startsWith(prefix) && file.endsWith(".tgz")) {
        String version = file.substring(prefix.length(), file.length() - ".tgz".length());
        if (NpmNames.validVersion(version)) {
          return new Accepted(new NpmTarball(name, version));
        }
      }
      return refused(Ecosystem.NPM, "not NAME-VERSION.tgz");
    }
    return refused(Ecosystem.NPM, "not a packument or a tarball path");
  }

  private static Parsed pypi(String rest) {
    if (rest.contains("%") || rest.contains("@")) {
      return refused(Ecosystem.PYPI, "percent-encoding or @ in a PyPI path");
    }
    List<String> segs = List.of(rest.split("/", -1));
    if (segs.size() >= 2 && segs.get(0).equals("simple")) {
      if (segs.size() == 2 && segs.get(1).isEmpty()) {
        return new Refused(404, "the root index is not served", Optional.of(Ecosystem.PYPI));
      }
      boolean slash = segs.size() == 3 && segs.get(2).isEmpty();
      if ((segs.size() == 2 || slash) && PypiNames.valid(segs.get(1))) {
        return new Accepted(new PypiProject(PypiNames.normalize(segs.get(1))));
      }
      return refused(Ecosystem.PYPI, "not a project name");
    }
    if (segs.size() == 3 && segs.get(0).equals("files")) {
      String project = segs.get(1);
      String file = segs.get(2);
      if (PypiNames.valid(project)
          && project.equals(PypiNames.normalize(project))
          && PypiNames.validFile(file)) {
        return new Accepted(new PypiFile(project, file));
      }
      return refused(Ecosystem.PYPI, "not PROJECT/FILE");
    }
    return refused(Ecosystem.PYPI, "not under /pypi/simple/ or /pypi/files/");
  }
}
