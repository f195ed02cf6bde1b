package org.seakeeper.depcache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.seakeeper.core.depcache.CacheRequest;
import org.seakeeper.core.depcache.CacheRequest.MavenFile;
import org.seakeeper.core.depcache.CacheRequest.NpmPackument;
import org.seakeeper.core.depcache.CacheRequest.NpmTarball;
import org.seakeeper.core.depcache.CacheRequest.PypiFile;
import org.seakeeper.core.depcache.CacheRequest.PypiProject;
import org.seakeeper.core.depcache.Digest;
import org.seakeeper.core.depcache.PypiIndex;
import org.seakeeper.core.depcache.UpstreamUrls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-through: a request is answered from the store when it holds a usable copy (any copy of a
 * released file; an index or metadata younger than the TTL), else fetched from the upstream,
 * verified, committed and then answered from the store. Concurrent requests for one key share one
 * upstream fetch. When the upstream fails, a stale copy is served if there is one. A download that
 * does not match the digest the ecosystem publishes is discarded, logged and counted.
 */
final class ReadThrough {
  private static final Logger LOG = LoggerFactory.getLogger("org.seakeeper.depcache");
  private static final long SIDECAR_MAX = 1024;
  private static final String NPM_ABBREVIATED =
      "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8";

  private final DependencyCacheConfig config;
  private final FileStore store;
  private final UpstreamClient upstream;
  private final CacheMetrics metrics;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, CompletableFuture<Outcome>> inflight = new ConcurrentHashMap<>();
  private final Map<String, Instant> notFound = new ConcurrentHashMap<>();

  /** Who asks: the listener's tier and budget; what the request cost. */
  static final class Asker {
    final boolean trusted;
    final Budget budget;
    final String label;
    boolean missed;

    Asker(boolean trusted, Budget budget, String label) {
      this.trusted = trusted;
      this.budget = budget;
      this.label = label;
    }
  }

  /** The answer to one request. */
  sealed interface Answer {}

  /** A cached copy, opened: serve it, then close it. */
  record Found(FileStore.Opened file) implements Answer {}

  /** An HTTP error to send: status, message, and the metric result it counts as. */
  record Problem(int status, String message, String result) implements Answer {}

  /** What one upstream fetch came to. */
  private sealed interface Outcome {}

  private record Stored() implements Outcome {}

  private record Gone() implements Outcome {}

  private record Failed(int status, String reason) implements Outcome {}

  /** The upstream published something the cache cannot use. */
  private static final class UpstreamProblem extends IOException {
    UpstreamProblem(String message) {
      super(message);
    }
  }

  ReadThrough(
      DependencyCacheConfig config,
      FileStore store,
      UpstreamClient upstream,
      CacheMetrics metrics,
      Clock clock) {
    this.config = config;
    this.store = store;
    this.upstream = upstream;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The cached copy of {@code request}, fetched first if need be. */
  Answer obtain(CacheRequest request, Asker who) {
    return obtain(request, who, false);
  }

  private Answer obtain(CacheRequest request, Asker who, boolean refresh) {
    String key = request.storeKey();
    boolean stale = false;
    try {
      Optional<FileStore.Opened> cached = store.open(key, who.trusted);
      if (cached.isPresent()) {
        FileStore.Opened copy = cached.get();
        if (!request.mutable() || (!refresh && fresh(copy.fetchedAt()))) {
          return new Found(copy);
        }
        copy.close();
        stale = true;
      }
    } catch (IOException e) {
      return new Problem(500, "cache read failed: " + e.getMessage(), "error");
    }
    Instant absentUntil = notFound.get(key);
    if (!stale && !refresh && absentUntil != null && clock.instant().isBefore(absentUntil)) {
      return new Problem(404, "not found upstream", "miss");
    }
    if (!who.budget.tryMiss()) {
      LOG.warn("{}: miss budget spent, refused {}", who.label, key);
      return stale
          ? reopen(request, who, "serving a stale copy: the miss budget is spent")
          : new Problem(429, "this job's budget of cache misses is spent", "refused");
    }
    who.missed = true;
    Outcome outcome = singleFlight(request, who);
    return switch (outcome) {
      case Stored s -> reopen(request, who, null);
      case Gone g -> {
        notFound.put(key, clock.instant().plus(config.metadataTtl()));
        if (stale) {
          try {
            store.remove(key);
          } catch (IOException e) {
            LOG.warn("could not drop {}: {}", key, e.getMessage());
          }
        }
        yield new Problem(404, "not found upstream", "miss");
      }
      case Failed f -> {
        if (stale) {
          LOG.warn("{}; serving the stale copy of {}", f.reason(), key);
          yield reopen(request, who, f.reason());
        }
        LOG.warn("{} failed: {}", key, f.reason());
        yield new Problem(f.status(), f.reason(), "error");
      }
    };
  }

  private Answer reopen(CacheRequest request, Asker who, String whyStale) {
    try {
      Optional<FileStore.Opened> copy = store.open(request.storeKey(), who.trusted);
      if (copy.isPresent()) {
        return new Found(copy.get());
      }
    } catch (IOException e) {
      return new Problem(500, "cache read failed: " + e.getMessage(), "error");
    }
    return new Problem(
        502, whyStale == null ? "evicted before it could be served" : whyStale, "error");
  }

  private boolean fresh(Instant fetchedAt) {
    return clock.instant().isBefore(fetchedAt.plus(config.metadataTtl()));
  }

  private Outcome singleFlight(CacheRequest request, Asker who) {
    String key = request.storeKey();
    CompletableFuture<Outcome> mine = new CompletableFuture<>();
    CompletableFuture<Outcome> running = inflight.putIfAbsent(key, mine);
    if (running != null) {
      try {
        return running.get(
            config.downloadTimeout().plus(config.requestTimeout().multipliedBy(8)).toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Failed(503, "interrupted");
      } catch (ExecutionException | TimeoutException e) {
        return new Failed(504, "waiting for another request's download of " + key + " timed out");
      }
    }
    Outcome outcome = new Failed(500, "internal error fetching " + key);
    try {
      outcome = fetch(request, who);
    } catch (RuntimeException e) {
      LOG.error("fetching {} failed", key, e);
    } finally {
      inflight.remove(key, mine);
      mine.complete(outcome);
    }
    return outcome;
  }

  private Outcome fetch(CacheRequest request, Asker who) {
    try {
      return switch (request) {
        case MavenFile f -> maven(f, who);
        case NpmPackument p -> npmPackument(p, who);
        case NpmTarball t -> npmTarball(t, who);
        case PypiProject p -> pypiProject(p, who);
        case PypiFile f -> pypiFile(f, who);
      };
    } catch (UpstreamProblem e) {
      LOG.warn("{}", e.getMessage());
      return new Failed(502, e.getMessage());
    } catch (FileStore.CacheFullException e) {
      LOG.warn("cache full: {}", e.getMessage());
      return new Failed(507, "the dependency cache is full: " + e.getMessage());
    } catch (IOException e) {
      LOG.warn("storing {} failed: {}", request.storeKey(), e.getMessage());
      return new Failed(500, "the dependency cache could not store the file: " + e.getMessage());
    }
  }

  // ---- Maven ----

  private Outcome maven(MavenFile file, Asker who) throws IOException {
    List<String> errors = new ArrayList<>();
    for (URI repository : config.maven()) {
      URI url = UpstreamUrls.maven(repository, file);
      Outcome outcome =
          switch (file.kind()) {
            case ARTIFACT -> mavenArtifact(file, url, who);
            case METADATA -> mavenMetadata(file, url, who);
            case CHECKSUM, METADATA_CHECKSUM -> mavenSidecar(file, url, who);
          };
      switch (outcome) {
        case Gone g -> {}
        case Failed f -> errors.add(f.reason());
        case Stored s -> {
          return s;
        }
      }
    }
    return errors.isEmpty() ? new Gone() : new Failed(502, String.join("; ", errors));
  }

  private Outcome mavenArtifact(MavenFile file, URI url, Asker who) throws IOException {
    Path body = store.newTemp();
    Path sidecar = store.newTemp();
    try {
      UpstreamClient.Result r =
          upstream.get(
              url, "*/*", config.maxResponseBytes(), body, List.of("SHA-1", "SHA-256", "SHA-512"));
      if (!(r instanceof UpstreamClient.Ok ok)) {
        return notOk(r);
      }
      charge(who, file, ok.size());
      for (String extension : List.of("sha1", "sha256", "sha512")) {
        String algorithm = Digest.algorithmOfExtension(extension).orElseThrow();
        UpstreamClient.Result s =
            upstream.get(URI.create(url + "." + extension), "*/*", SIDECAR_MAX, sidecar, List.of());
        if (s instanceof UpstreamClient.NotFound) {
          continue;
        }
        if (!(s instanceof UpstreamClient.Ok sok)) {
          return notOk(s);
        }
        charge(who, file, sok.size());
        Optional<Digest> expected =
            Digest.mavenSidecar(algorithm, Files.readString(sidecar, StandardCharsets.ISO_8859_1));
        if (expected.isEmpty()) {
          return new Failed(502, url + "." + extension + " is not a checksum");
        }
        if (!expected.get().matches(ok.digests().get(algorithm))) {
          return mismatch(file, url, expected.get());
        }
        Instant now = clock.instant();
        store.commit(file.storeKey(), body, who.trusted, now);
        store.commit(file.sidecar(extension).storeKey(), sidecar, who.trusted, now);
        return new Stored();
      }
      return new Failed(502, url + " has no published checksum (.sha1, .sha256, .sha512)");
    } finally {
      Files.deleteIfExists(body);
      Files.deleteIfExists(sidecar);
    }
  }

  private Outcome mavenMetadata(MavenFile file, URI url, Asker who) throws IOException {
    Path body = store.newTemp();
    Path sidecar = store.newTemp();
    try {
      UpstreamClient.Result r =
          upstream.get(url, "*/*", config.maxResponseBytes(), body, List.of("SHA-1"));
      if (!(r instanceof UpstreamClient.Ok ok)) {
        return notOk(r);
      }
      charge(who, file, ok.size());
      UpstreamClient.Result s =
          upstream.get(URI.create(url + ".sha1"), "*/*", SIDECAR_MAX, sidecar, List.of());
      Instant now = clock.instant();
      if (s instanceof UpstreamClient.Ok sok) {
        charge(who, file, sok.size());
        Optional<Digest> expected =
            Digest.mavenSidecar("SHA-1", Files.readString(sidecar, StandardCharsets.ISO_8859_1));
        if (expected.isEmpty() || !expected.get().matches(ok.digests().get("SHA-1"))) {
          return expected.isEmpty()
              ? new Failed(502, url + ".sha1 is not a checksum")
              : mismatch(file, url, expected.get());
        }
        store.commit(file.storeKey(), body, who.trusted, now);
        store.commit(file.sidecar("sha1").storeKey(), sidecar, who.trusted, now);
      } else {
        store.commit(file.storeKey(), body, who.trusted, now);
      }
      return new Stored();
    } finally {
      Files.deleteIfExists(body);
      Files.deleteIfExists(sidecar);
    }
  }

  private Outcome mavenSidecar(MavenFile file, URI url, Asker who) throws IOException {
    Path body = store.newTemp();
    try {
      UpstreamClient.Result r = upstream.get(url, "*/*", SIDECAR_MAX, body, List.of());
      if (!(r instanceof UpstreamClient.Ok ok)) {
        return notOk(r);
      }
      charge(who, file, ok.size());
      String extension = file.fileName().substring(file.fileName().lastIndexOf('.') + 1);
      String algorithm = Digest.algorithmOfExtension(extension).orElseThrow();
      if (Digest.mavenSidecar(algorithm, Files.readString(body, StandardCharsets.ISO_8859_1))
          .isEmpty()) {
        return new Failed(502, url + " is not a checksum");
      }
      store.commit(file.storeKey(), body, who.trusted, clock.instant());
      return new Stored();
    } finally {
      Files.deleteIfExists(body);
    }
  }

  // ---- npm ----

  private Outcome npmPackument(NpmPackument packument, Asker who) throws IOException {
    URI registry = config.npm().orElseThrow();
    URI url = UpstreamUrls.npm(registry, packument);
    Path body = store.newTemp();
    try {
      UpstreamClient.Result r =
          upstream.get(
              url,
              packument.abbreviated() ? NPM_ABBREVIATED : "application/json",
              config.maxResponseBytes(),
              body,
              List.of());
      if (!(r instanceof UpstreamClient.Ok ok)) {
        return notOk(r);
      }
      charge(who, packument, ok.size());
      JsonNode tree;
      try {
        tree = json.readTree(body.toFile());
      } catch (IOException e) {
        return new Failed(502, url + " is not JSON");
      }
      if (tree == null || !tree.isObject() || !tree.path("versions").isObject()) {
        return new Failed(502, url + " is not a packument");
      }
      store.commit(packument.storeKey(), body, who.trusted, clock.instant());
      return new Stored();
    } finally {
      Files.deleteIfExists(body);
    }
  }

  private Outcome npmTarball(NpmTarball tarball, Asker who) throws IOException {
    Optional<Digest> digest = npmDigest(tarball, who, false);
    if (digest.isEmpty()) {
      digest = npmDigest(tarball, who, true);
    }
    if (digest.isEmpty()) {
      return new Gone();
    }
    URI url = UpstreamUrls.npm(config.npm().orElseThrow(), tarball);
    return verifiedFile(tarball, url, digest.get(), who);
  }

  /** The digest the packument publishes for the tarball's version, if it lists the version. */
  private Optional<Digest> npmDigest(NpmTarball tarball, Asker who, boolean refresh)
      throws IOException {
    Answer answer = obtain(new NpmPackument(tarball.name(), true), who, refresh);
    if (!(answer instanceof Found found)) {
      return Optional.empty();
    }
    JsonNode dist;
    try (FileStore.Opened copy = found.file()) {
      dist = json.readTree(copy.readAll()).path("versions").path(tarball.version()).path("dist");
    }
    if (!dist.isObject()) {
      return Optional.empty();
    }
    Optional<Digest> digest =
        Digest.npm(
            dist.path("integrity").isTextual() ? dist.path("integrity").asText() : null,
            dist.path("shasum").isTextual() ? dist.path("shasum").asText() : null);
    if (digest.isEmpty()) {
      throw new UpstreamProblem(
          "the packument of " + tarball.name() + " publishes no digest for " + tarball.version());
    }
    return digest;
  }

  // ---- PyPI ----

  private Outcome pypiProject(PypiProject project, Asker who) throws IOException {
    URI url = UpstreamUrls.pypi(config.pypi().orElseThrow(), project);
    Path body = store.newTemp();
    try {
      UpstreamClient.Result r =
          upstream.get(
              url,
              "application/vnd.pypi.simple.v1+html, text/html;q=0.9",
              config.maxResponseBytes(),
              body,
              List.of());
      if (!(r instanceof UpstreamClient.Ok ok)) {
        return notOk(r);
      }
      charge(who, project, ok.size());
      store.commit(project.storeKey(), body, who.trusted, clock.instant());
      return new Stored();
    } finally {
      Files.deleteIfExists(body);
    }
  }

  /** The links of a project page, as the cache has it. */
  List<PypiIndex.Link> pypiLinks(PypiProject project, byte[] page) {
    URI pageUrl = UpstreamUrls.pypi(config.pypi().orElseThrow(), project);
    List<String> origins = config.pypiFileOrigins();
    return PypiIndex.parse(
        new String(page, StandardCharsets.UTF_8),
        pageUrl,
        u -> origins.stream().anyMatch(o -> UpstreamUrls.sameOrigin(u, o)));
  }

  private Outcome pypiFile(PypiFile file, Asker who) throws IOException {
    boolean metadata = file.file().endsWith(".metadata");
    String distribution =
        metadata
            ? file.file().substring(0, file.file().length() - ".metadata".length())
            : file.file();
    for (boolean refresh : new boolean[] {false, true}) {
      Answer answer = obtain(new PypiProject(file.project()), who, refresh);
      if (!(answer instanceof Found found)) {
        return answer instanceof Problem p && p.status() != 404
            ? new Failed(p.status(), p.message())
            : new Gone();
      }
      List<PypiIndex.Link> links;
      try (FileStore.Opened page = found.file()) {
        links = pypiLinks(new PypiProject(file.project()), page.readAll());
      }
      Optional<PypiIndex.Link> link = PypiIndex.find(links, distribution);
      if (link.isEmpty() || (metadata && link.get().coreMetadataSha256().isEmpty())) {
        continue;
      }
      String sha256 = metadata ? link.get().coreMetadataSha256().get() : link.get().sha256();
      URI url = metadata ? URI.create(link.get().url() + ".metadata") : link.get().url();
      return verifiedFile(file, url, Digest.hex("SHA-256", sha256).orElseThrow(), who);
    }
    return new Gone();
  }

  // ---- shared ----

  private Outcome verifiedFile(CacheRequest request, URI url, Digest digest, Asker who)
      throws IOException {
    Path body = store.newTemp();
    try {
      UpstreamClient.Result r =
          upstream.get(url, "*/*", config.maxResponseBytes(), body, List.of(digest.algorithm()));
      if (!(r instanceof UpstreamClient.Ok ok)) {
        return notOk(r);
      }
      charge(who, request, ok.size());
      if (!digest.matches(ok.digests().get(digest.algorithm()))) {
        return mismatch(request, url, digest);
      }
      store.commit(request.storeKey(), body, who.trusted, clock.instant());
      return new Stored();
    } finally {
      Files.deleteIfExists(body);
    }
  }

  private Outcome mismatch(CacheRequest request, URI url, Digest expected) {
    metrics.checksumFailure(request.ecosystem(), 1);
    LOG.error(
        "checksum mismatch: {} does not match the published {}; discarded, not cached",
        url,
        expected);
    return new Failed(502, url + " does not match its published " + expected.algorithm());
  }

  private void charge(Asker who, CacheRequest request, long bytes) {
    metrics.bytes(request.ecosystem(), "upstream", bytes);
    who.budget.charge(bytes);
  }

  private static Outcome notOk(UpstreamClient.Result r) {
    return switch (r) {
      case UpstreamClient.NotFound n -> new Gone();
      case UpstreamClient.Failed f -> new Failed(502, f.reason());
      case UpstreamClient.Ok ok -> throw new IllegalStateException();
    };
  }
}
