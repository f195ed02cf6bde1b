import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import org.seakeeper.core.model.Tier;
import org.seakeeper.depcache.DependencyCache;
import org.seakeeper.depcache.DependencyCacheConfig;
import org.seakeeper.depcache.MissBudget;

/**
 * What a warm hit of the dependency cache costs a client, against reading the same file from disk
 * and against fetching it from a plain loopback HTTP server (JDK HttpServer, no cache), interleaved
 * in one run: N rounds of each of three files (10 KiB, 100 KiB, 1 MiB). Prints p50/p90/p99 in ms
 * and the hit's p50 minus the disk read's p50 (goal: <= 1 ms).
 *
 * <p>java -cp seakeeper.jar bench/java/CacheHit.java [N=1000]
 */
public class CacheHit {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    Path dir = Files.createTempDirectory("sk-cache-hit");
    Path files = Files.createDirectories(dir.resolve("upstream"));
    int[] sizes = {10 << 10, 100 << 10, 1 << 20};
    String[] paths = new String[sizes.length];
    Random random = new Random(1);
    for (int i = 0; i < sizes.length; i++) {
      byte[] body = new byte[sizes[i]];
      random.nextBytes(body);
      paths[i] = "org/bench/lib/1." + i + "/lib-1." + i + ".jar";
      Path f = files.resolve(paths[i]);
      Files.createDirectories(f.getParent());
      Files.write(f, body);
      Files.writeString(
          files.resolve(paths[i] + ".sha1"),
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body)));
    }
    HttpServer plain = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    plain.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    plain.createContext(
        "/",
        ex -> {
          try (ex) {
            Path f = files.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
            if (!f.startsWith(files) || !Files.isRegularFile(f)) {
              ex.sendResponseHeaders(404, -1);
              return;
            }
            byte[] b = Files.readAllBytes(f);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
          }
        });
    plain.start();
    String upstream = "http://127.0.0.1:" + plain.getAddress().getPort() + "/";
    DependencyCacheConfig config =
        DependencyCacheConfig.defaults(dir.resolve("deps"))
            .withUpstreams(
                List.of(URI.create(upstream)), Optional.empty(), Optional.empty(), List.of());
    try (DependencyCache cache = new DependencyCache(config, new SimpleMeterRegistry())) {
      cache.start();
      DependencyCache.Listener l =
          cache.listenTcp("127.0.0.1", 0, Tier.UNTRUSTED, MissBudget.UNLIMITED, "bench");
      String base = l.url().orElseThrow() + "maven/";
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (String p : paths) { // the misses: fill the cache
        get(http, base + p);
      }
      Stats[][] s = new Stats[sizes.length][3];
      for (int i = 0; i < sizes.length; i++) {
        String k = (sizes[i] >> 10) + " KiB";
        s[i][0] = new Stats("disk read (Files.readAllBytes), " + k);
        s[i][1] = new Stats("plain loopback HTTP GET, " + k);
        s[i][2] = new Stats("dependency cache warm hit, " + k);
      }
      int warm = Math.min(200, n);
      for (int round = -warm; round < n; round++) {
        for (int i = 0; i < sizes.length; i++) {
          for (int v = 0; v < 3; v++) {
            int which = (v + round) % 3; // rotate the order
            long t0 = System.nanoTime();
            switch (which) {
              case 0 -> Files.readAllBytes(files.resolve(paths[i]));
              case 1 -> get(http, upstream + paths[i]);
              default -> get(http, base + paths[i]);
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            if (round >= 0) {
              s[i][which].add(ms);
            }
          }
        }
      }
      System.out.println("cache-hit: " + n + " rounds per variant, interleaved; times in ms");
      System.out.println(Stats.header("ms"));
      for (Stats[] row : s) {
        for (Stats x : row) {
          System.out.println(x.row());
        }
      }
      for (int i = 0; i < sizes.length; i++) {
        System.out.printf(
            java.util.Locale.ROOT,
            "%d KiB: warm hit p50 - disk read p50 = %.3f ms (goal <= 1 ms); hit p50 / plain HTTP"
                + " p50 = %.2fx%n",
            sizes[i] >> 10,
            s[i][2].pct(50) - s[i][0].pct(50),
            s[i][2].pct(50) / s[i][1].pct(50));
      }
    } finally {
      plain.stop(0);
    }
  }

  static void get(HttpClient http, String url) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + r.statusCode());
    }
  }
}
