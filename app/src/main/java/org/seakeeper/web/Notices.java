package org.seakeeper.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.seakeeper.web.Viewer.Notice;

/**
 * The outcome of a page's form, shown on the page it returns to: the form's route keeps the
 * sentence here and redirects with {@code ?notice=ID}; the page shows it only to the identity that
 * posted the form. A link someone else made shows nothing, so a page never displays a message an
 * outsider wrote. Kept in memory for {@link #TTL}, at most {@link #MAX} at once (the oldest go
 * first). Thread-safe.
 */
final class Notices {
  static final Duration TTL = Duration.ofMinutes(10);
  static final int MAX = 2000;

  private record Kept(String who, Notice notice, Instant at) {}

  private final Clock clock;
  private final Map<String, Kept> kept =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
          return size() > MAX;
        }
      };

  Notices(Clock clock) {
    this.clock = clock;
  }

  /** Keeps an outcome for {@code who} (an identity's {@code who()}); returns its id. */
  synchronized String put(String who, boolean ok, String message) {
    String id = Html.nonce();
    kept.put(id, new Kept(who, new Notice(ok, message), clock.instant()));
    return id;
  }

  /** The outcome {@code id} names, if it was kept for {@code who} and is still fresh. */
  synchronized Optional<Notice> find(String who, String id) {
    if (id == null || who == null) {
      return Optional.empty();
    }
    Kept k = kept.get(id);
    if (k == null || !k.who().equals(who)) {
      return Optional.empty();
    }
    if (k.at().plus(TTL).isBefore(clock.instant())) {
      kept.remove(id);
      return Optional.empty();
    }
    return Optional.of(k.notice());
  }

  /** {@code path} (a local path, maybe with a query or fragment) with {@code notice=ID} added. */
  static String with(String path, String id) {
    int hash = path.indexOf('#');
    String base = hash < 0 ? path : path.substring(0, hash);
    String fragment = hash < 0 ? "" : path.substring(hash);
    return base + (base.contains("?") ? "&" : "?") + "notice=" + id + fragment;
  }

  /** A notice as HTML (escaped), announced to screen readers. */
  static String html(Notice n) {
    return (n.ok()
            ? "<p id=\"notice\" class=\"notice ok\" role=\"status\">"
            : "<p id=\"notice\" class=\"notice refused\" role=\"alert\">")
        + Html.esc(n.message())
        + "</p>\n";
  }
}
