package org.seakeeper.web;

import java.net.URI;
import java.util.Objects;

/**
 * The URLs the server hands out, all derived from the configured public URL (docs/contracts.md §3
 * {@code http.public_url}) so they stay right behind a reverse proxy with a path prefix.
 */
public final class Links {
  private final String base;
  private final String prefix;

  /**
   * @param publicUrl e.g. {@code https://ci.example.org/} or {@code https://example.org/ci}
   */
  public Links(URI publicUrl) {
    Objects.requireNonNull(publicUrl);
    if (!publicUrl.isAbsolute() || publicUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "public URL must be absolute, like http://host:port/: " + publicUrl);
    }
    String s = publicUrl.toString();
    int cut = s.indexOf('?') >= 0 ? s.indexOf('?') : s.indexOf('#');
    if (cut >= 0) {
      s = s.substring(0, cut);
    }
    this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    String path = publicUrl.getRawPath() == null ? "" : publicUrl.getRawPath();
    this.prefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** An absolute URL for a server path starting with {@code /}. */
  public String absolute(String path) {
    return base + path;
  }

  /** The path a browser on the public URL uses for a server path (adds the proxy prefix). */
  public String local(String path) {
    return prefix + path;
  }

  public String apiBuild(long id) {
    return absolute("/api/v1/builds/" + id);
  }

  public String apiLog(long id) {
    return absolute("/api/v1/builds/" + id + "/log");
  }

  public String webBuild(long id) {
    return absolute("/builds/" + id);
  }
}
