package org.seakeeper.artifact;

import java.util.Locale;
import java.util.Map;

/**
 * The media type an artifact is served with, from its file name. Only types a browser does not run
 * (never HTML or SVG): anything else is {@code application/octet-stream}. Stateless.
 */
final class MediaTypes {
  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("deb", "application/vnd.debian.binary-package"),
          Map.entry("rpm", "application/x-rpm"),
          Map.entry("jar", "application/java-archive"),
          Map.entry("zip", "application/zip"),
          Map.entry("tar", "application/x-tar"),
          Map.entry("gz", "application/gzip"),
          Map.entry("tgz", "application/gzip"),
          Map.entry("xz", "application/x-xz"),
          Map.entry("zst", "application/zstd"),
          Map.entry("json", "application/json"),
          Map.entry("jsonl", "application/jsonl"),
          Map.entry("txt", "text/plain"),
          Map.entry("log", "text/plain"),
          Map.entry("pdf", "application/pdf"));

  private MediaTypes() {}

  static String of(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return "application/octet-stream";
    }
    return BY_EXTENSION.getOrDefault(
        name.substring(dot + 1).toLowerCase(Locale.ROOT), "application/octet-stream");
  }
}
