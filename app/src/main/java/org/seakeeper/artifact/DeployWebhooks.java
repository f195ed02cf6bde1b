package org.seakeeper.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.seakeeper.core.artifact.ArtifactIndex;
import org.seakeeper.core.artifact.ArtifactRecord;
import org.seakeeper.core.artifact.Deploy;
import org.seakeeper.core.artifact.Promotion;
import org.seakeeper.core.model.ServerConfig;

/**
 * The hand-over of a promotion to a deploy step (docs/server.md, "Deploy hand-over"): for a channel
 * with {@code deploy: {webhook, secret_file}}, each promotion into it is POSTed as JSON to the
 * webhook, signed with HMAC-SHA256 under the channel's key ({@code X-Seakeeper-Signature-256:
 * sha256=HEX} over the exact body), away from the request that promoted, with retries. The
 * promotion's deploy state goes {@code pending} → {@code delivered} (2xx) or {@code undeliverable}
 * (no 2xx after every attempt); the receiver reports the deploy step's result later ({@code POST
 * /api/v1/promotions/{id}/result}). Redirects are not followed. Thread-safe.
 */
public final class DeployWebhooks implements AutoCloseable {
  /** The signature header: {@code sha256=} and the lower-case hex HMAC-SHA256 of the body. */
  public static final String SIGNATURE = "X-Seakeeper-Signature-256";

  public static final List<Duration> DEFAULT_BACKOFF =
      List.of(Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(60));

  private static final ObjectMapper JSON = new ObjectMapper();

  private record Hook(URI url, byte[] key) {}

  private final Map<String, Hook> hooks;
  private final ArtifactIndex index;
  private final URI publicUrl;
  private final Clock clock;
  private final List<Duration> backoff;
  private final Duration timeout;
  private final Consumer<String> warnings;
  private final HttpClient http;
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "deploy-webhooks");
            t.setDaemon(true);
            return t;
          });

  DeployWebhooks(
      Map<String, Hook> hooks,
      ArtifactIndex index,
      URI publicUrl,
      Clock clock,
      List<Duration> backoff,
      Duration timeout,
      Consumer<String> warnings) {
    this.hooks = Map.copyOf(hooks);
    this.index = index;
    this.publicUrl = publicUrl;
    this.clock = clock;
    this.backoff = List.copyOf(backoff);
    this.timeout = timeout;
    this.warnings = warnings;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * The webhooks of {@code channels}, their keys read (or made: 32 random bytes as hex, 0600) from
   * each {@code secret_file}, which must not be readable by others.
   */
  public static DeployWebhooks of(
      List<ServerConfig.Channel> channels,
      ArtifactIndex index,
      URI publicUrl,
      Clock clock,
      List<Duration> backoff,
      Duration timeout,
      Consumer<String> warnings)
      throws IOException {
    Map<String, Hook> hooks = new LinkedHashMap<>();
    for (ServerConfig.Channel c : channels) {
      if (c.deploy().isPresent()) {
        ServerConfig.Webhook w = c.deploy().get();
        hooks.put(c.name(), new Hook(URI.create(w.url()), key(Path.of(w.secretFile()))));
      }
    }
    return new DeployWebhooks(hooks, index, publicUrl, clock, backoff, timeout, warnings);
  }

  /** A webhook key file: its content without surrounding white space, made when missing. */
  static byte[] key(Path file) throws IOException {
    Path f = file.toAbsolutePath();
    if (!Files.exists(f)) {
      byte[] raw = new byte[32];
      new SecureRandom().nextBytes(raw);
      SigningKey.createOnce(
          f, (HexFormat.of().formatHex(raw) + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
    if (!perms.endsWith("------")) {
      throw new IOException(
          "the deploy webhook key "
              + f
              + " can be read by others ("
              + perms
              + "); make it private: chmod 600 "
              + f);
    }
    String k = Files.readString(f, StandardCharsets.UTF_8).strip();
    if (k.length() < 16) {
      throw new IOException("the deploy webhook key " + f + " is shorter than 16 characters");
    }
    return k.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether promotions into {@code channel} are handed over. */
  public boolean hooked(String channel) {
    return hooks.containsKey(channel);
  }

  /** Delivers {@code p} (of {@code artifact}) to its channel's webhook, later, with retries. */
  public void handOver(Promotion p, ArtifactRecord artifact) {
    Hook h = hooks.get(p.channel());
    if (h == null) {
      return;
    }
    byte[] body = body(p, artifact);
    sender.execute(() -> deliver(h, p, body));
  }

  private void deliver(Hook h, Promotion p, byte[] body) {
    String delivery = UUID.nameUUIDFromBytes(body).toString();
    String last = "";
    for (Duration wait : backoff) {
      try {
        Thread.sleep(wait);
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(h.url())
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Seakeeper")
                    .header("X-Seakeeper-Event", "promotion")
                    .header("X-Seakeeper-Delivery", delivery)
                    .header(SIGNATURE, signature(h.key(), body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        String answer = r.body() == null ? "" : r.body().strip();
        if (answer.length() > 200) {
          answer = answer.substring(0, 200) + "...";
        }
        last = "HTTP " + r.statusCode() + (answer.isEmpty() ? "" : ": " + answer);
        if (r.statusCode() / 100 == 2) {
          settle(p, Deploy.State.DELIVERED, last);
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        last = e.getMessage() == null ? e.toString() : e.getMessage();
      }
    }
    warnings.accept(
        "deploy webhook of channel "
            + p.channel()
            + ": promotion "
            + p.id()
            + " not delivered after "
            + backoff.size()
            + " attempts: "
            + last);
    settle(p, Deploy.State.UNDELIVERABLE, last);
  }

  /** Records a delivery state unless a result was reported meanwhile. */
  private void settle(Promotion p, Deploy.State state, String detail) {
    synchronized (index) {
      Optional<Promotion> now = index.promotion(p.id());
      if (now.isPresent() && !now.get().deploy().state().result()) {
        index.deploy(p.id(), Deploy.of(state, Optional.of(detail), "seakeeper", clock.instant()));
      }
    }
  }

  /** The JSON body of a promotion's hand-over. */
  byte[] body(Promotion p, ArtifactRecord a) {
    Map<String, Object> promotion = new LinkedHashMap<>();
    promotion.put("id", p.id());
    promotion.put("sha256", p.sha256());
    promotion.put("from", p.from().orElse(null));
    promotion.put("channel", p.channel());
    promotion.put("replaced", p.replaced().orElse(null));
    promotion.put("who", p.who());
    promotion.put("at", p.at().toString());
    Map<String, Object> artifact = new LinkedHashMap<>();
    artifact.put("sha256", a.sha256());
    artifact.put("size", a.size());
    artifact.put("media_type", a.mediaType());
    artifact.put("path", a.path());
    artifact.put("url", publicUrl.resolve("api/v1/artifacts/" + a.sha256()).toString());
    artifact.put(
        "provenance_url",
        publicUrl.resolve("api/v1/artifacts/" + a.sha256() + "/provenance").toString());
    artifact.put("connection", a.connection());
    artifact.put("project", a.project());
    artifact.put("commit", a.commit());
    artifact.put("ref", a.ref());
    artifact.put("pipeline", a.pipeline());
    artifact.put("job", a.job());
    artifact.put("build", String.valueOf(a.buildId()));
    artifact.put("tier", a.tier().id());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event", "promotion");
    m.put("sent_at", clock.instant().toString());
    m.put("promotion", promotion);
    m.put("artifact", artifact);
    m.put("result_url", publicUrl.resolve("api/v1/promotions/" + p.id() + "/result").toString());
    m.put("keys_url", publicUrl.resolve("api/v1/provenance/keys").toString());
    try {
      return JSON.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code sha256=} and the hex HMAC-SHA256 of {@code body} under {@code key}. */
  public static String signature(byte[] key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
    try {
      sender.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
