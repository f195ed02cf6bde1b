package org.seakeeper.core.depcache;

import java.net.URI;
import java.util.Locale;
import org.seakeeper.core.depcache.CacheRequest.MavenFile;
import org.seakeeper.core.depcache.CacheRequest.NpmPackument;
import org.seakeeper.core.depcache.CacheRequest.NpmTarball;
import org.seakeeper.core.depcache.CacheRequest.PypiProject;

/**
 * Canonical upstream URLs, built from a configured base and a parsed, grammar-checked name: the
 * host is always the configured upstream's, whatever the client sent.
 */
public final class UpstreamUrls {
  private UpstreamUrls() {}

  /** {@code base} with exactly one trailing slash. */
  public static URI base(URI base) {
    String s = base.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return URI.create(s + "/");
  }

  /** The file's URL on one Maven repository. */
  public static URI maven(URI repository, MavenFile file) {
    return URI.create(base(repository) + file.path());
  }

  /** The packument's URL on the npm registry ({@code @scope%2fname} for a scoped package). */
  public static URI npm(URI registry, NpmPackument packument) {
    return URI.create(base(registry) + NpmNames.encoded(packument.name()));
  }

  /** The tarball's URL on the npm registry: {@code NAME/-/FILE}, never the packument's host. */
  public static URI npm(URI registry, NpmTarball tarball) {
    return URI.create(base(registry) + tarball.name() + "/-/" + tarball.fileName());
  }

  /** The project page's URL on the simple index. */
  public static URI pypi(URI index, PypiProject project) {
    return URI.create(base(index) + project.project() + "/");
  }

  /**
   * {@code scheme://host:port} of a URL, lower case, with the scheme's default port spelled out.
   */
  public static String origin(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    if (port < 0) {
      port = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    return scheme + "://" + host + ":" + port;
  }

  /** Whether {@code uri} is an http(s) URL with a host, no user info, on {@code origin}. */
  public static boolean sameOrigin(URI uri, String origin) {
    return uri.isAbsolute()
        && uri.getRawUserInfo() == null
        && uri.getHost() != null
        && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
        && origin(uri).equals(origin);
  }
}
