import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seakeeper.artifact.ArtifactBlobs;
import org.seakeeper.artifact.FileBlobs;

/**
 * Store-and-hash of one large artifact (bench/artifact-store.sh): FileBlobs.put of the collected
 * file (same file system: hashed, then renamed into place) beside `sha256sum FILE` + `cp FILE DST`
 * of the same bytes, JDK SHA-256 alone, and reading a kept blob back through FileBlobs.open beside
 * `cat FILE > /dev/null`. Rounds interleave the variants; medians and ratios. Usage: java -cp
 * seakeeper.jar bench/ArtifactStoreBench.java DIR SIZE_MIB ROUNDS OUT.json
 */
public class ArtifactStoreBench {
  public static void main(String[] a) throws Exception {
    Path dir = Path.of(a[0]);
    long mib = Long.parseLong(a[1]);
    int rounds = Integer.parseInt(a[2]);
    Path out = Path.of(a[3]);
    Path master = dir.resolve("master.bin");
    byte[] block = new byte[1 << 20];
    java.util.Random r = new java.util.Random(42);
    try (var o = Files.newOutputStream(master)) {
      for (long i = 0; i < mib; i++) {
        r.nextBytes(block);
        o.write(block);
      }
    }
    FileBlobs blobs = new FileBlobs(dir.resolve("blobs"), 0);
    Map<String, List<Double>> t = new LinkedHashMap<>();
    String sha = null;
    for (int round = 0; round < rounds; round++) {
      // The collected file, as the executor leaves it (same file system as the store).
      Path collected = dir.resolve("collected-" + round + ".bin");
      Files.copy(master, collected, StandardCopyOption.REPLACE_EXISTING);
      if (sha != null) {
        blobs.delete(sha);
      }
      sh("sync");
      long s0 = System.nanoTime();
      ArtifactBlobs.Stored st = blobs.put(collected);
      add(t, "FileBlobs.put (hash + rename)", s0);
      sha = st.sha256();

      Path copy = dir.resolve("copy.bin");
      Files.deleteIfExists(copy);
      sh("sync");
      s0 = System.nanoTime();
      String shaTool = sh("sha256sum " + master).split(" ")[0];
      sh("cp " + master + " " + copy);
      add(t, "sha256sum + cp", s0);
      if (!shaTool.equals(sha)) {
        throw new IllegalStateException("digests differ: " + shaTool + " vs " + sha);
      }
      Files.delete(copy);

      s0 = System.nanoTime();
      sh("sha256sum " + master);
      add(t, "sha256sum alone", s0);

      s0 = System.nanoTime();
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(master)) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
        }
      }
      add(t, "JDK SHA-256 alone", s0);
      if (!HexFormat.of().formatHex(md.digest()).equals(sha)) {
        throw new IllegalStateException("JDK digest differs");
      }

      s0 = System.nanoTime();
      long total = 0;
      try (InputStream in = blobs.open(sha, 0)) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          total += n;
        }
      }
      add(t, "FileBlobs.open read (download path)", s0);
      if (total != mib << 20) {
        throw new IllegalStateException("read " + total);
      }
      s0 = System.nanoTime();
      sh("cat " + master + " > /dev/null");
      add(t, "cat > /dev/null", s0);
    }
    StringBuilder json = new StringBuilder("{\"size_mib\": " + mib + ", \"rounds\": " + rounds);
    System.out.printf("%-38s %10s %10s%n", "variant (" + mib + " MiB)", "median s", "MiB/s");
    Map<String, Double> med = new LinkedHashMap<>();
    for (var e : t.entrySet()) {
      List<Double> v = new ArrayList<>(e.getValue());
      v.sort(null);
      double m = v.get(v.size() / 2);
      med.put(e.getKey(), m);
      System.out.printf("%-38s %10.2f %10.0f%n", e.getKey(), m, mib / m);
      json.append(", \"").append(e.getKey()).append("\": ").append(v);
    }
    double ratio = med.get("FileBlobs.put (hash + rename)") / med.get("sha256sum + cp");
    double read = med.get("FileBlobs.open read (download path)") / med.get("cat > /dev/null");
    System.out.printf("store ratio FileBlobs.put / (sha256sum + cp) = %.2f (goal <= 1.2)%n", ratio);
    System.out.printf("read ratio FileBlobs.open / cat = %.2f%n", read);
    json.append(", \"store_ratio\": ")
        .append(ratio)
        .append(", \"read_ratio\": ")
        .append(read)
        .append("}\n");
    Files.writeString(out, json);
  }

  static void add(Map<String, List<Double>> t, String k, long s0) {
    t.computeIfAbsent(k, x -> new ArrayList<>()).add((System.nanoTime() - s0) / 1e9);
  }

  static String sh(String cmd) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
    String o = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(cmd + ": " + o);
    }
    return o;
  }
}
