package org.seakeeper.depcache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.seakeeper.core.depcache.UpstreamUrls;

/**
 * Fetches one URL from an upstream into a file, with the JDK's HttpClient: connect and response
 * timeouts, a stall timeout and an overall deadline on the body, a size cap, no compression asked
 * for (files are kept byte-identical), and redirects followed by hand only within the URL's own
 * origin (scheme, host and port): a redirect anywhere else is refused before any request goes
 * there. Digests are computed while the bytes stream to disk.
 */
final class UpstreamClient {
  private static final int MAX_REDIRECTS = 5;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final Duration downloadTimeout;
  private final ScheduledExecutorService timer;

  /** What a fetch came to. */
  sealed interface Result {}

  /** A complete 200 response, in {@code file}, with the digests asked for. */
  record Ok(long size, Map<String, byte[]> digests, URI finalUrl) implements Result {}

  /** The upstream says the file does not exist (404 or 410). */
  record NotFound(URI url) implements Result {}

  /** Anything else: the reason names the upstream. */
  record Failed(String reason) implements Result {}

  UpstreamClient(
      Duration connectTimeout,
      Duration requestTimeout,
      Duration downloadTimeout,
      ScheduledExecutorService timer) {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    this.requestTimeout = requestTimeout;
    this.downloadTimeout = downloadTimeout;
    this.timer = timer;
  }

  /**
   * GETs {@code url} into {@code file} (overwritten), accepting {@code accept}, at most {@code
   * maxBytes}, computing the {@code algorithms}' digests.
   */
  Result get(URI url, String accept, long maxBytes, Path file, List<String> algorithms) {
    String origin = UpstreamUrls.origin(url);
    URI current = url;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest request =
          HttpRequest.newBuilder(current)
              .GET()
              .timeout(requestTimeout)
              .header("Accept", accept)
              .header("User-Agent", "seakeeper-dependency-cache")
              .build();
      HttpResponse<InputStream> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        return new Failed(host(url) + ": " + describe(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Failed(host(url) + ": interrupted");
      }
      int status = response.statusCode();
      if (status >= 300 && status < 400 && status != 304) {
        close(response.body());
        String location = response.headers().firstValue("Location").orElse(null);
        if (location == null) {
          return new Failed(host(url) + ": redirect " + status + " without a Location");
        }
        URI next;
        try {
          next = current.resolve(new URI(location.strip()));
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
          return new Failed(host(url) + ": redirect to an invalid URL");
        }
        if (!UpstreamUrls.sameOrigin(next, origin)) {
          return new Failed(
              host(url)
                  + ": refused a redirect to another host ("
                  + UpstreamUrls.origin(next)
                  + ")");
        }
        current = next;
        continue;
      }
      if (status == 404 || status == 410) {
        close(response.body());
        return new NotFound(current);
      }
      if (status != 200) {
        close(response.body());
        return new Failed(host(url) + ": HTTP " + status + " for " + current.getRawPath());
      }
      return body(response, current, maxBytes, file, algorithms);
    }
    return new Failed(host(url) + ": too many redirects");
  }

  private Result body(
      HttpResponse<InputStream> response,
      URI url,
      long maxBytes,
      Path file,
      List<String> algorithms) {
    OptionalLong declared = response.headers().firstValueAsLong("Content-Length");
    if (declared.isPresent() && declared.getAsLong() > maxBytes) {
      close(response.body());
      return new Failed(
          host(url) + ": " + declared.getAsLong() + " bytes is over the limit of " + maxBytes);
    }
    String encoding = response.headers().firstValue("Content-Encoding").orElse("identity");
    if (!encoding.equalsIgnoreCase("identity")) {
      close(response.body());
      return new Failed(host(url) + ": unasked-for Content-Encoding " + encoding);
    }
    Map<String, MessageDigest> digests = new LinkedHashMap<>();
    try {
      for (String a : algorithms) {
        digests.put(a, MessageDigest.getInstance(a));
      }
    } catch (NoSuchAlgorithmException e) {
      close(response.body());
      return new Failed("digest " + e.getMessage());
    }
    Thread reader = Thread.currentThread();
    AtomicLong lastProgress = new AtomicLong(System.nanoTime());
    long deadline = System.nanoTime() + downloadTimeout.toNanos();
    long stall = requestTimeout.toNanos();
    ScheduledFuture<?> watchdog =
        timer.scheduleAtFixedRate(
            () -> {
              long now = System.nanoTime();
              if (now - lastProgress.get() > stall || now > deadline) {
                reader.interrupt();
              }
            },
            100,
            100,
            TimeUnit.MILLISECONDS);
    long total = 0;
    String failure = null;
    try (InputStream in = response.body();
        OutputStream out = Files.newOutputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        total += n;
        if (total > maxBytes) {
          failure = "response over the limit of " + maxBytes + " bytes";
          break;
        }
        for (MessageDigest d : digests.values()) {
          d.update(buffer, 0, n);
        }
        out.write(buffer, 0, n);
        lastProgress.set(System.nanoTime());
      }
    } catch (IOException e) {
      failure =
          Thread.currentThread().isInterrupted()
              ? "download stalled or took too long"
              : "download cut: " + describe(e);
    } finally {
      watchdog.cancel(false);
      Thread.interrupted();
    }
    if (failure == null && declared.isPresent() && declared.getAsLong() != total) {
      failure = "got " + total + " of " + declared.getAsLong() + " bytes";
    }
    if (failure != null) {
      return new Failed(host(url) + ": " + failure);
    }
    Map<String, byte[]> done = new LinkedHashMap<>();
    digests.forEach((a, d) -> done.put(a, d.digest()));
    return new Ok(total, done, url);
  }

  private static String host(URI url) {
    return "upstream " + url.getScheme() + "://" + url.getRawAuthority();
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
  }

  private static void close(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
