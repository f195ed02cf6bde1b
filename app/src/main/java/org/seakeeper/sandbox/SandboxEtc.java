package org.seakeeper.sandbox;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The {@code /etc} a job on the host image sees: what the host's toolchains under {@code /usr}
 * need, never secrets, resolver files only for tiers with a network, and a generated {@code
 * passwd}, {@code group}, {@code hosts} and {@code nsswitch.conf}.
 *
 * <p>The host entries are {@link #ENTRIES}, those starting with one of {@link #PREFIXES}, and every
 * top-level entry of {@code /etc} that a symbolic link under {@code /usr} leads through (Debian's
 * {@code /usr/share/maven/bin/m2.conf -> /etc/maven/m2.conf}, {@code /usr/bin/java ->
 * /etc/alternatives/java}, a JDK's {@code conf/} files), found by one bounded walk of {@code /usr}
 * per process ({@link #derive}). Whatever the deny-list names ({@link #denied}) is left out at any
 * depth, and of the rest only what any host user could read is copied: world-readable files in
 * world-listable directories.
 *
 * <p>Assembled once per executor, tier user and network setting, and bound read-only as one
 * directory (one mount instead of dozens per job). Thread-safe.
 */
final class SandboxEtc {
  /** Host files and directories under /etc every job gets when the host has them. */
  static final List<String> ENTRIES =
      List.of(
          "alternatives",
          "ld.so.cache",
          "ld.so.conf",
          "ld.so.conf.d",
          "localtime",
          "timezone",
          "ssl",
          "ca-certificates",
          "ca-certificates.conf",
          "mime.types",
          "protocols",
          "services",
          "os-release",
          "debian_version",
          "gitconfig",
          "gitattributes",
          "environment",
          "magic",
          "papersize",
          "maven",
          "mavenrc",
          "perl",
          "python3",
          "npmrc",
          "pip.conf",
          "pki",
          "crypto-policies",
          "ssh");

  /** Host entries whose names start with one of these: each JDK's and Python's configuration. */
  static final List<String> PREFIXES = List.of("java", "python3.");

  static final List<String> NETWORK_ENTRIES = List.of("resolv.conf", "gai.conf", "host.conf");

  /** Top-level entries of /etc never copied, with everything under them. */
  static final Set<String> DENIED =
      Set.of(
          "shadow",
          "shadow-",
          "gshadow",
          "gshadow-",
          "passwd-",
          "group-",
          "subuid-",
          "subgid-",
          "sudoers",
          "sudoers.d",
          "doas.conf",
          "security",
          "machine-id",
          "krb5.keytab",
          "NetworkManager",
          "wpa_supplicant",
          "netplan",
          "ppp",
          "ipsec.d",
          "ipsec.secrets",
          "swanctl",
          "openvpn",
          "wireguard",
          "letsencrypt",
          "docker",
          "containerd",
          "kubernetes",
          "rancher",
          "libvirt",
          "mysql",
          "gitlab-runner",
          "cloud",
          "credstore",
          "credstore.encrypted",
          "dkimkeys",
          "opendkim");

  /**
   * Names never copied at any depth (lower-cased, as globs): TLS and SSH private keys, keytabs, key
   * stores, anything called secret, password or credentials, and anything of Seakeeper's own (the
   * docs' examples keep Gerrit keys in {@code /etc/seakeeper}).
   */
  static final List<String> DENIED_NAMES =
      List.of(
          "private",
          "*.key",
          "*_key",
          "*.keytab",
          "*.p12",
          "*.pfx",
          "*secret*",
          "*password*",
          "*credentials*",
          "seakeeper*");

  /** Inside these top-level directories only the named entries are copied. */
  static final Map<String, Set<String>> ONLY =
      Map.of("ssh", Set.of("ssh_config", "ssh_config.d", "ssh_known_hosts"));

  /**
   * Subtrees of /usr the walk skips: documentation, headers, sources, kernel modules and firmware
   * (no tool a build runs links into /etc from there; man pages' links go through {@code
   * alternatives}, which every job gets).
   */
  static final List<String> WALK_SKIPPED =
      List.of(
          "src",
          "include",
          "share/doc",
          "share/man",
          "share/info",
          "share/locale",
          "share/icons",
          "lib/modules",
          "lib/firmware");

  /** At most this many entries of /usr are visited; what was found by then is used. */
  static final int WALK_MAX_ENTRIES = 500_000;

  /** The walk stops after this long (a cold disk cache); what was found by then is used. */
  static final Duration WALK_MAX_TIME = Duration.ofSeconds(5);

  private static final int MAX_LINK_HOPS = 40;

  private static final PathMatcher DENIED_NAME =
      FileSystems.getDefault().getPathMatcher("glob:{" + String.join(",", DENIED_NAMES) + "}");

  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private final Path workRoot;
  private final Path hostRoot;
  private final String instance;
  private final Map<String, Path> made = new ConcurrentHashMap<>();
  private final CompletableFuture<Derived> walk;

  /**
   * One walk per host root and process, started by the first instance in the background (the server
   * creates its executors at start, so the walk is done before the first job), shared by every
   * executor: the host's /usr changes only when packages are installed, and the /etc directories
   * made from it live as long as the executor anyway.
   */
  private static final Map<Path, CompletableFuture<Derived>> WALKS = new ConcurrentHashMap<>();

  /**
   * What one walk of /usr found.
   *
   * @param entries top-level names under /etc that links under /usr lead through (denied ones
   *     included: they are left out when copying)
   * @param visited entries of /usr visited
   * @param links symbolic links among them
   * @param took how long the walk took
   * @param complete false when a limit stopped the walk
   */
  record Derived(
      SortedSet<String> entries, int visited, int links, Duration took, boolean complete) {}

  /**
   * Each instance assembles its own directories (named with this process's pid), so executors in
   * other processes or in this one never rebuild a directory another is binding; directories of
   * processes that are gone are removed.
   */
  SandboxEtc(Path workRoot) {
    this(workRoot, Path.of("/"));
  }

  /** For tests: a host whose /usr and /etc are under {@code hostRoot}. */
  SandboxEtc(Path workRoot, Path hostRoot) {
    this.workRoot = workRoot;
    this.hostRoot = hostRoot;
    this.instance = ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
    this.walk =
        WALKS.computeIfAbsent(
            hostRoot,
            r ->
                CompletableFuture.supplyAsync(
                    () -> derive(r),
                    task -> Thread.ofVirtual().name("seakeeper-etc-walk").start(task)));
  }

  /** Removes this instance's directories. */
  void close() {
    for (Path p : made.values()) {
      try {
        Workspaces.delete(p);
      } catch (IOException e) {
        // a leftover is removed by the next start in another process
      }
    }
    made.clear();
  }

  private void removeStale() {
    try (Stream<Path> s = Files.list(workRoot)) {
      for (Path p : s.filter(x -> x.getFileName().toString().startsWith("etc-")).toList()) {
        String[] parts = p.getFileName().toString().split("-");
        long pid = parts.length >= 2 ? parseLong(parts[parts.length - 2]) : -1;
        if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        Workspaces.delete(p);
      }
    } catch (IOException | RuntimeException e) {
      // best effort: stale directories only cost disk
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The directory to bind as /etc for jobs run as uid/gid with or without a network. */
  Path forJob(String tierId, boolean network, int uid, int gid) throws IOException {
    String key = tierId + (network ? "-net" : "") + "-" + uid;
    Path existing = made.get(key);
    if (existing != null) {
      return existing;
    }
    synchronized (this) {
      existing = made.get(key);
      if (existing != null) {
        return existing;
      }
      if (made.isEmpty()) {
        removeStale();
      }
      Path dir = workRoot.resolve("etc-" + key + "-" + instance);
      Workspaces.delete(dir);
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path etc = hostRoot.resolve("etc");
      Path etcReal = Files.isDirectory(etc) ? etc.toRealPath() : etc;
      Path rootReal = hostRoot.toRealPath();
      for (String e : entries(network)) {
        copyEntry(rootReal, etcReal, e, dir);
      }
      for (Map.Entry<String, String> f : BwrapCommand.etcFiles(uid, gid).entrySet()) {
        Files.writeString(dir.resolve(f.getKey()), f.getValue());
      }
      made.put(key, dir);
      return dir;
    }
  }

  /** What the walk of this host's /usr found (waiting for it if it still runs). */
  Derived derived() {
    return walk.join();
  }

  /** The top-level host entries of /etc a job gets, before filtering their contents. */
  SortedSet<String> entries(boolean network) throws IOException {
    SortedSet<String> names = new TreeSet<>(ENTRIES);
    names.addAll(derived().entries());
    Path etc = hostRoot.resolve("etc");
    if (Files.isDirectory(etc)) {
      try (Stream<Path> s = Files.list(etc)) {
        s.map(p -> p.getFileName().toString())
            .filter(n -> PREFIXES.stream().anyMatch(n::startsWith))
            .forEach(names::add);
      }
    }
    if (network) {
      names.addAll(NETWORK_ENTRIES);
    } else {
      names.removeAll(NETWORK_ENTRIES);
    }
    names.removeAll(BwrapCommand.etcFiles(0, 0).keySet());
    names.removeIf(SandboxEtc::denied);
    return names;
  }

  /**
   * Whether the deny-list leaves out {@code rel}, a path relative to /etc ({@code "ssl/private"}):
   * its top-level entry is {@link #DENIED}, it is not among the {@link #ONLY} entries of its
   * top-level directory, or one of its names matches {@link #DENIED_NAMES}.
   */
  static boolean denied(String rel) {
    String[] parts = rel.split("/");
    if (parts.length == 0 || DENIED.contains(parts[0])) {
      return true;
    }
    Set<String> only = ONLY.get(parts[0]);
    if (only != null && parts.length > 1 && !only.contains(parts[1])) {
      return true;
    }
    for (String p : parts) {
      if (DENIED_NAME.matches(Path.of(p.toLowerCase(Locale.ROOT)))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Walks {@code hostRoot/usr} (not following links, skipping {@link #WALK_SKIPPED}, within {@link
   * #WALK_MAX_ENTRIES} and {@link #WALK_MAX_TIME}) for symbolic links, and names the top-level
   * entries of /etc each one's resolution passes through, hop by hop.
   */
  static Derived derive(Path hostRoot) {
    return derive(hostRoot, WALK_MAX_ENTRIES, WALK_MAX_TIME);
  }

  static Derived derive(Path hostRoot, int maxEntries, Duration maxTime) {
    long start = System.nanoTime();
    long deadline = start + maxTime.toNanos();
    Path usr = hostRoot.resolve("usr");
    Set<Path> skipped = new java.util.HashSet<>();
    WALK_SKIPPED.forEach(s -> skipped.add(usr.resolve(s)));
    SortedSet<String> found = new TreeSet<>();
    int[] counts = new int[2];
    boolean[] complete = {true};
    try {
      Files.walkFileTree(
          usr,
          new SimpleFileVisitor<>() {
            private FileVisitResult count() {
              if (++counts[0] > maxEntries || System.nanoTime() > deadline) {
                complete[0] = false;
                return FileVisitResult.TERMINATE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
              FileVisitResult r = count();
              return r == FileVisitResult.CONTINUE && skipped.contains(d)
                  ? FileVisitResult.SKIP_SUBTREE
                  : r;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
              if (attrs.isSymbolicLink()) {
                counts[1]++;
                etcEntriesOnTheWay(hostRoot, "/" + hostRoot.relativize(f), found);
              }
              return count();
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
              return count();
            }
          });
    } catch (IOException | RuntimeException e) {
      complete[0] = false;
    }
    return new Derived(
        found, counts[0], counts[1], Duration.ofNanos(System.nanoTime() - start), complete[0]);
  }

  /**
   * Resolves {@code path} (absolute, as the host sees it) component by component like realpath,
   * adding to {@code out} the name of each top-level /etc entry the resolution enters.
   */
  static void etcEntriesOnTheWay(Path hostRoot, String path, Set<String> out) {
    Deque<String> todo = new ArrayDeque<>(List.of(path.split("/")));
    List<String> done = new ArrayList<>();
    int hops = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!done.isEmpty()) {
          done.removeLast();
        }
        continue;
      }
      done.add(c);
      if (done.size() == 2 && done.getFirst().equals("etc")) {
        out.add(c);
      }
      Path real = hostRoot.resolve(String.join("/", done));
      if (!Files.isSymbolicLink(real)) {
        continue;
      }
      if (++hops > MAX_LINK_HOPS) {
        return;
      }
      String target;
      try {
        target = Files.readSymbolicLink(real).toString();
      } catch (IOException e) {
        return;
      }
      if (target.startsWith("/")) {
        done.clear();
      } else {
        done.removeLast();
      }
      List<String> parts = List.of(target.split("/"));
      for (int i = parts.size() - 1; i >= 0; i--) {
        todo.addFirst(parts.get(i));
      }
    }
  }

  /**
   * Copies the host entry {@code etc/name} into {@code dir}: a file (a link followed) by content, a
   * directory (a link followed) as a tree whose links are kept as links, leaving out denied paths
   * and what other host users could not read.
   */
  private static void copyEntry(Path root, Path etc, String name, Path dir) throws IOException {
    Path real;
    try {
      real = etc.resolve(name).toRealPath();
    } catch (IOException e) {
      return; // missing, or a dangling link
    }
    if (real.startsWith(etc) && denied(etc.relativize(real).toString())
        || !othersReach(root, real)) {
      return;
    }
    Path to = dir.resolve(name);
    BasicFileAttributes top = Files.readAttributes(real, BasicFileAttributes.class);
    if (top.isRegularFile()) {
      if (othersMay(real, PosixFilePermission.OTHERS_READ)) {
        Files.copy(real, to, StandardCopyOption.REPLACE_EXISTING);
      }
      return;
    }
    if (!top.isDirectory()) {
      return;
    }
    Files.walkFileTree(
        real,
        new SimpleFileVisitor<>() {
          private String rel(Path p) {
            String sub = real.relativize(p).toString();
            return sub.isEmpty() ? name : name + "/" + sub;
          }

          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            if (denied(rel(d))
                || !othersMay(d, PosixFilePermission.OTHERS_READ)
                || !othersMay(d, PosixFilePermission.OTHERS_EXECUTE)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            Files.createDirectories(dir.resolve(rel(d)));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            if (denied(rel(f))) {
              return FileVisitResult.CONTINUE;
            }
            if (attrs.isSymbolicLink()
                || attrs.isRegularFile() && othersMay(f, PosixFilePermission.OTHERS_READ)) {
              Files.copy(
                  f,
                  dir.resolve(rel(f)),
                  StandardCopyOption.REPLACE_EXISTING,
                  LinkOption.NOFOLLOW_LINKS);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * Whether every directory above {@code real} lets other users through (below {@code root}, the
   * host's root directory, when {@code real} is inside it).
   */
  static boolean othersReach(Path root, Path real) throws IOException {
    Path stop = real.startsWith(root) ? root : null;
    for (Path p = real.getParent(); p != null && !p.equals(stop); p = p.getParent()) {
      if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
        return false;
      }
    }
    return true;
  }

  static boolean othersMay(Path p, PosixFilePermission perm) throws IOException {
    return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).contains(perm);
  }
}
