package org.seakeeper.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.seakeeper.core.executor.ExecutionRequest;

/**
 * Builds the bubblewrap command line of one execution to the sandbox baseline (docs/contracts.md
 * §7): every namespace unshared, no nested user namespaces, no capabilities, a cleared environment,
 * and only what the job needs bound, read-only. Stateless.
 */
public final class BwrapCommand {
  /** Where the workspace appears inside the sandbox. */
  public static final String WORKSPACE = "/workspace";

  /** The sandbox user's home, a tmpfs. */
  public static final String HOME = "/home/build";

  static final String SCRIPT = "/run/seakeeper/job.sh";

  /**
   * Where granted secrets appear, one file per name, readable by the job only ({@code
   * $SEAKEEPER_SECRETS}).
   */
  public static final String SECRETS = "/run/seakeeper/secrets";

  /**
   * Where an allow-listed dependency cache's unix socket appears (the CACHEDEPS seam); jobs find it
   * in {@code $SEAKEEPER_DEPENDENCY_CACHE}. A path socket works across network namespaces, so it is
   * the one way out of an untrusted sandbox that has no network.
   */
  public static final String DEPENDENCY_CACHE = "/run/seakeeper/dependency-cache.sock";

  /**
   * Where the changes a change depends on in other repositories appear ({@code
   * $SEAKEEPER_DEPS/<connection>/<project>}).
   */
  public static final String DEPS = "/run/seakeeper/deps";

  /** Where the cache forwarder's script appears; it starts the forwarder, then the job. */
  static final String START = "/run/seakeeper/start.sh";

  /** Where the Maven settings that mirror everything to the cache appear, copied to ~/.m2. */
  static final String M2_SETTINGS = "/run/seakeeper/m2-settings.xml";

  /** The port the cache answers on inside a job's own network namespace. */
  public static final int CACHE_PORT = 9781;

  /**
   * The built-in dependency cache in a job: the job's socket (bound at {@link #DEPENDENCY_CACHE}),
   * forwarded from {@code 127.0.0.1:port} inside the sandbox by {@code socat}, which {@link #START}
   * starts before the job's script.
   */
  public record CacheForward(
      Path socket, int port, Path socat, Path startScript, Path m2Settings, List<Path> mavenFiles) {
    public CacheForward {
      mavenFiles = List.copyOf(mavenFiles);
    }

    /** The URL the job uses. */
    public String url() {
      return "http://127.0.0.1:" + port + "/";
    }

    /** The client settings a job gets by default (its own variables win). */
    Map<String, String> clientEnvironment() {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("NPM_CONFIG_REGISTRY", url() + "npm/");
      env.put("NPM_CONFIG_UPDATE_NOTIFIER", "false");
      env.put("NPM_CONFIG_AUDIT", "false");
      env.put("NPM_CONFIG_FUND", "false");
      env.put("PIP_INDEX_URL", url() + "pypi/simple/");
      env.put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
      return env;
    }
  }

  /** The script that starts the forwarder and then the job: arguments PORT SOCAT. */
  static final String START_SCRIPT =
      """
      # Seakeeper: the dependency cache at http://127.0.0.1:PORT/ in this job's network namespace,
      # forwarded to the job's own socket, then the job's script.
      port="$1"
      "$2" -lf /dev/null TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr,fork,nodelay \\
        UNIX-CONNECT:/run/seakeeper/dependency-cache.sock </dev/null >/dev/null 2>&1 &
      if [ ! -e "$HOME/.m2/settings.xml" ]; then
        mkdir -p "$HOME/.m2" && cp /run/seakeeper/m2-settings.xml "$HOME/.m2/settings.xml"
      fi
      i=0
      while [ "$i" -lt 500 ] && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        sleep 0.01
        i=$((i + 1))
      done
      exec /bin/bash --noprofile --norc -e /run/seakeeper/job.sh
      """;

  /** Where the {@code i}th directory of the cache's Maven files appears in a job. */
  static String mavenFiles(int i) {
    return "/run/seakeeper/maven-files-" + i;
  }

  /**
   * Maven settings mirroring every repository to the cache, after {@code fileRepos} read-only
   * {@code file:} repositories of the cache's own verified files ({@link #mavenFiles}), which Maven
   * asks first: a warm build copies its jars from them instead of a request per file.
   */
  static String m2Settings(String url, int fileRepos) {
    StringBuilder notMirrored = new StringBuilder("*");
    StringBuilder repos = new StringBuilder();
    for (int i = 0; i < fileRepos; i++) {
      notMirrored.append(",!seakeeper-files-").append(i);
      repos.append(
          """
                  <repository>
                    <id>seakeeper-files-%d</id>
                    <url>file://%s/</url>
                    <releases><enabled>true</enabled><checksumPolicy>ignore</checksumPolicy></releases>
                    <snapshots><enabled>false</enabled></snapshots>
                  </repository>
          """
              .formatted(i, mavenFiles(i)));
    }
    String profile =
        fileRepos == 0
            ? ""
            : """
              <profiles>
                <profile>
                  <id>seakeeper-files</id>
                  <repositories>
            %s      </repositories>
                  <pluginRepositories>
            %s      </pluginRepositories>
                </profile>
              </profiles>
              <activeProfiles><activeProfile>seakeeper-files</activeProfile></activeProfiles>
            """
                .formatted(repos, repos.toString().replace("repository>", "pluginRepository>"));
    return """
    <?xml version="1.0" encoding="UTF-8"?>
    <!-- Seakeeper: every repository through the dependency cache (its verified files first).
         A job's own settings win. -->
    <settings>
      <mirrors>
        <mirror>
          <id>seakeeper</id>
          <name>Seakeeper dependency cache</name>
          <mirrorOf>%s</mirrorOf>
          <url>%smaven/</url>
        </mirror>
      </mirrors>
    %s</settings>
    """
        .formatted(notMirrored, url, profile);
  }

  static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** Host directories that may be symlinks into /usr (merged /usr) or real directories. */
  private static final List<String> TOP_DIRS =
      List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");

  private BwrapCommand() {}

  /**
   * The full argument list, starting with the bwrap binary.
   *
   * @param execDir the execution directory (workspace and script inside)
   * @param rootfs empty for the {@code host} image, else the image's root directory
   * @param etc for the host image, the directory bound as /etc (see {@code SandboxEtc})
   */
  public static List<String> build(
      Path bwrap, ExecutionRequest r, Path execDir, Optional<Path> rootfs, Path etc, int statusFd) {
    return build(
        bwrap, r, execDir, rootfs, etc, statusFd, statusFd + 1, Optional.empty(), Optional.empty());
  }

  /**
   * As above; the request's secrets are read, in order, from file descriptors {@code
   * firstSecretFd}, {@code firstSecretFd + 1}, ... (pipes the launcher opened), which bubblewrap
   * copies into files of its own tmpfs and closes: the values never appear in an argument, an
   * environment or a file on the host's disk. A dependency cache's unix socket, when given, is
   * bound at {@link #DEPENDENCY_CACHE}.
   */
  public static List<String> build(
      Path bwrap,
      ExecutionRequest r,
      Path execDir,
      Optional<Path> rootfs,
      Path etc,
      int statusFd,
      int firstSecretFd,
      Optional<Path> dependencyCache,
      Optional<CacheForward> forward) {
    List<String> a = new ArrayList<>();
    start(a, bwrap, statusFd, r.network());
    environment(r, forward).forEach((k, v) -> a.addAll(List.of("--setenv", k, v)));
    Optional<Path> socket = forward.map(CacheForward::socket).or(() -> dependencyCache);
    socket.ifPresent(
        c -> a.addAll(List.of("--setenv", "SEAKEEPER_DEPENDENCY_CACHE", DEPENDENCY_CACHE)));
    mounts(a, rootfs, etc);
    bind(a, "--bind", execDir.resolve("workspace").toString(), WORKSPACE);
    bind(a, "--ro-bind", execDir.resolve("job.sh").toString(), SCRIPT);
    if (!r.dependencies().isEmpty()) {
      bind(a, "--bind", execDir.resolve("deps").toString(), DEPS);
    }
    a.addAll(List.of("--perms", "0700", "--dir", SECRETS));
    int fd = firstSecretFd;
    for (String name : r.secrets().keySet()) {
      a.addAll(
          List.of(
              "--perms", "0400", "--ro-bind-data", Integer.toString(fd++), SECRETS + "/" + name));
    }
    // connect() on a socket needs no write access to the mount: read-only is enough.
    socket.ifPresent(c -> bind(a, "--ro-bind", c.toString(), DEPENDENCY_CACHE));
    forward.ifPresent(
        f -> {
          bind(a, "--ro-bind", f.startScript().toString(), START);
          bind(a, "--ro-bind", f.m2Settings().toString(), M2_SETTINGS);
          for (int i = 0; i < f.mavenFiles().size(); i++) {
            // read-only; a directory the cache has not made yet is left out
            bind(a, "--ro-bind-try", f.mavenFiles().get(i).toString(), mavenFiles(i));
          }
        });
    // The sandbox root is bwrap's own tmpfs: make it read-only so only the workspace, /tmp,
    // /var/tmp, /run and HOME (all private to this job) can be written.
    a.addAll(List.of("--remount-ro", "/"));
    a.addAll(List.of("--chdir", WORKSPACE));
    if (forward.isPresent()) {
      a.addAll(
          List.of(
              "/bin/bash",
              "--noprofile",
              "--norc",
              START,
              Integer.toString(forward.get().port()),
              forward.get().socat().toString()));
    } else {
      a.addAll(List.of("/bin/bash", "--noprofile", "--norc", "-e", SCRIPT));
    }
    return a;
  }

  /** bubblewrap with every namespace unshared (the network only when given), no capabilities. */
  private static void start(List<String> a, Path bwrap, int statusFd, boolean network) {
    a.add(bwrap.toString());
    a.add("--json-status-fd");
    a.add(Integer.toString(statusFd));
    a.addAll(List.of("--unshare-all", "--unshare-user", "--disable-userns"));
    if (network) {
      a.add("--share-net");
    }
    a.addAll(List.of("--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"));
  }

  /** The image's (or the host's) root read-only, and private /proc, /dev, /tmp, /run and HOME. */
  private static void mounts(List<String> a, Optional<Path> rootfs, Path etc) {
    a.addAll(List.of("--hostname", "seakeeper"));
    if (rootfs.isPresent()) {
      imageRoot(a, rootfs.get());
    } else {
      hostRoot(a);
      bind(a, "--ro-bind", etc.toString(), "/etc");
    }
    a.addAll(
        List.of(
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--tmpfs",
            "/tmp",
            "--tmpfs",
            "/var/tmp",
            "--tmpfs",
            "/run",
            "--tmpfs",
            "/home"));
    a.addAll(List.of("--dir", HOME));
  }

  /** Where a checkout's inputs (packs, shallow lists, the script) appear while it is prepared. */
  static final String PREPARE = "/run/seakeeper/prepare";

  /** The file name of the preparation script in the execution's {@code prepare} directory. */
  static final String PREPARE_SCRIPT_NAME = "prepare.sh";

  /**
   * Checks out each pack {@link GitPack} wrote, as the job's user: arguments {@code DIR PACK
   * SHALLOW COMMIT}, repeated. Git reads the pack (verifying every object) into a new repository in
   * DIR, marks the commits whose parents it left out as shallow and checks the commit out on the
   * branch {@code seakeeper}.
   */
  static final String PREPARE_SCRIPT =
      """
      # Seakeeper: the job's checkouts, made as the job's user before the job starts.
      set -eu
      while [ "$#" -ge 4 ]; do
        mkdir -p -- "$1"
        cd -- "$1"
        git init -q --initial-branch=seakeeper .
        git index-pack --stdin < "$2" > /dev/null
        if [ -s "$3" ]; then cp -- "$3" .git/shallow; fi
        git update-ref refs/heads/seakeeper "$4"
        git -c advice.detachedHead=false checkout -q --force seakeeper
        cd /
        shift 4
      done
      """;

  /**
   * The command that prepares an execution's checkouts in a sandbox like the job's (host image, no
   * network, no secrets), as the job's user: the workspace (and {@code deps}, when {@code
   * withDeps}) writable, the execution's {@code prepare} directory read-only at {@link #PREPARE}.
   */
  static List<String> prepare(
      Path bwrap, Path execDir, Path etc, int statusFd, boolean withDeps, List<String> args) {
    List<String> a = new ArrayList<>();
    start(a, bwrap, statusFd, false);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", PATH);
    env.put("HOME", HOME);
    env.put("LANG", "C.UTF-8");
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.forEach((k, v) -> a.addAll(List.of("--setenv", k, v)));
    mounts(a, Optional.empty(), etc);
    bind(a, "--bind", execDir.resolve("workspace").toString(), WORKSPACE);
    if (withDeps) {
      bind(a, "--bind", execDir.resolve("deps").toString(), DEPS);
    }
    bind(a, "--ro-bind", execDir.resolve("prepare").toString(), PREPARE);
    a.addAll(List.of("--remount-ro", "/", "--chdir", "/"));
    a.addAll(
        List.of("/bin/bash", "--noprofile", "--norc", "-e", PREPARE + "/" + PREPARE_SCRIPT_NAME));
    a.addAll(args);
    return a;
  }

  private static void hostRoot(List<String> a) {
    bind(a, "--ro-bind", "/usr", "/usr");
    for (String d : TOP_DIRS) {
      Path p = Path.of("/" + d);
      if (Files.isSymbolicLink(p)) {
        try {
          a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), "/" + d));
        } catch (IOException e) {
          // unreadable link: leave it out
        }
      } else if (Files.isDirectory(p)) {
        bind(a, "--ro-bind", p.toString(), p.toString());
      }
    }
  }

  /** Mount points Seakeeper provides itself; an image's own entries of these names are hidden. */
  private static final java.util.Set<String> OWN =
      java.util.Set.of("proc", "dev", "tmp", "run", "home", "workspace", "sys");

  /**
   * An operator-registered root filesystem: each top-level entry bound read-only into the sandbox's
   * own root (binding the image at / would leave no place for /tmp or /workspace when the image
   * lacks those directories).
   */
  private static void imageRoot(List<String> a, Path rootfs) {
    try (Stream<Path> s = Files.list(rootfs)) {
      for (Path p : s.sorted().toList()) {
        String name = p.getFileName().toString();
        if (OWN.contains(name)) {
          continue;
        }
        if (Files.isSymbolicLink(p)) {
          a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), "/" + name));
        } else {
          bind(a, "--ro-bind", p.toString(), "/" + name);
        }
      }
    } catch (IOException e) {
      throw new SandboxException("cannot read image root " + rootfs + ": " + e.getMessage(), e);
    }
  }

  /** Generated /etc files: a passwd and group naming the sandbox user, hosts and nsswitch. */
  static Map<String, String> etcFiles(int uid, int gid) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        "passwd",
        "root:x:0:0:root:/root:/usr/sbin/nologin\nbuild:x:"
            + uid
            + ":"
            + gid
            + ":Seakeeper build:"
            + HOME
            + ":/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
    files.put("group", "root:x:0:\nbuild:x:" + gid + ":\nnogroup:x:65534:\n");
    files.put("hosts", "127.0.0.1 localhost seakeeper\n::1 localhost ip6-localhost\n");
    files.put("nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n");
    return files;
  }

  /**
   * The job's environment: defaults a job may override (PATH, HOME, ...), then the job's own
   * variables, then Seakeeper's {@code CI} and {@code SEAKEEPER_*} variables, which always win so a
   * config cannot pretend to run in another tier.
   */
  static Map<String, String> environment(ExecutionRequest r) {
    return environment(r, Optional.empty());
  }

  /**
   * As above; with the built-in dependency cache, the clients' registry settings are defaults a
   * job's own variables override, and {@code SEAKEEPER_CACHE_URL} is Seakeeper's.
   */
  static Map<String, String> environment(ExecutionRequest r, Optional<CacheForward> forward) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", PATH);
    env.put("HOME", HOME);
    env.put("USER", "build");
    env.put("LOGNAME", "build");
    env.put("LANG", "C.UTF-8");
    env.put("TERM", "dumb");
    forward.ifPresent(f -> env.putAll(f.clientEnvironment()));
    env.putAll(r.variables());
    env.put("CI", "true");
    env.put("SEAKEEPER", "true");
    env.put("SEAKEEPER_JOB", r.jobName());
    env.put("SEAKEEPER_BUILD", r.id());
    env.put("SEAKEEPER_TIER", r.tier().id());
    env.put("SEAKEEPER_WORKSPACE", WORKSPACE);
    env.put("SEAKEEPER_SECRETS", SECRETS);
    forward.ifPresent(f -> env.put("SEAKEEPER_CACHE_URL", f.url()));
    if (!r.dependencies().isEmpty()) {
      env.put("SEAKEEPER_DEPS", DEPS);
    }
    return env;
  }

  private static void bind(List<String> a, String how, String from, String to) {
    a.add(how);
    a.add(from);
    a.add(to);
  }
}
