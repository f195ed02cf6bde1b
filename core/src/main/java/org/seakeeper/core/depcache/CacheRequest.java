package org.seakeeper.core.depcache;

/**
 * What a client asked the dependency cache for, as parsed by {@link CachePaths} from a strict
 * per-ecosystem grammar. Every field is grammar-checked, so {@link #storeKey()} (the relative path
 * of the cached copy) and the upstream URLs built by {@link UpstreamUrls} are canonical: nothing of
 * the client's request except the parsed name goes into them.
 */
public sealed interface CacheRequest {

  Ecosystem ecosystem();

  /** The cached copy's path relative to the cache's directory, e.g. {@code maven/org/x/...}. */
  String storeKey();

  /** Whether this is an index or metadata (refreshed after a TTL) rather than a released file. */
  boolean mutable();

  /** What a Maven repository path names. */
  enum MavenKind {
    /** A released file (jar, pom, module, ...): immutable, verified against a checksum sidecar. */
    ARTIFACT,
    /** A checksum sidecar ({@code .sha1}, {@code .md5}, {@code .sha256}, {@code .sha512}). */
    CHECKSUM,
    /** {@code maven-metadata.xml}: refreshed after the TTL. */
    METADATA,
    /** A checksum of {@code maven-metadata.xml}: refreshed with it. */
    METADATA_CHECKSUM
  }

  /**
   * A file of a Maven repository: {@code path} is the repository-relative path ({@code
   * org/example/lib/1.0/lib-1.0.jar}), each segment from the grammar.
   */
  record MavenFile(String path, MavenKind kind) implements CacheRequest {
    @Override
    public Ecosystem ecosystem() {
      return Ecosystem.MAVEN;
    }

    @Override
    public String storeKey() {
      return "maven/" + path;
    }

    @Override
    public boolean mutable() {
      return kind == MavenKind.METADATA || kind == MavenKind.METADATA_CHECKSUM;
    }

    /** The file's name, the last segment. */
    public String fileName() {
      return path.substring(path.lastIndexOf('/') + 1);
    }

    /** For a checksum sidecar: the file it is the checksum of. */
    public MavenFile checksummed() {
      String base = path.substring(0, path.lastIndexOf('.'));
      return new MavenFile(
          base, kind == MavenKind.METADATA_CHECKSUM ? MavenKind.METADATA : MavenKind.ARTIFACT);
    }

    /** The sidecar of this file with the given extension ({@code sha1}, ...). */
    public MavenFile sidecar(String extension) {
      return new MavenFile(
          path + "." + extension,
          kind == MavenKind.METADATA ? MavenKind.METADATA_CHECKSUM : MavenKind.CHECKSUM);
    }
  }

  /**
   * An npm packument (a package's metadata). {@code name} is {@code pkg} or {@code @scope/pkg};
   * {@code abbreviated} when the client asked for {@code application/vnd.npm.install-v1+json},
   * which is cached separately.
   */
  record NpmPackument(String name, boolean abbreviated) implements CacheRequest {
    @Override
    public Ecosystem ecosystem() {
      return Ecosystem.NPM;
    }

    @Override
    public String storeKey() {
      return "npm/" + name + (abbreviated ? "/packument-abbreviated.json" : "/packument.json");
    }

    @Override
    public boolean mutable() {
      return true;
    }
  }

  /** An npm tarball {@code <unscoped name>-<version>.tgz} of package {@code name}. */
  record NpmTarball(String name, String version) implements CacheRequest {
    @Override
    public Ecosystem ecosystem() {
      return Ecosystem.NPM;
    }

    @Override
    public String storeKey() {
      return "npm/" + name + "/-/" + fileName();
    }

    @Override
    public boolean mutable() {
      return false;
    }

    public String fileName() {
      return NpmNames.unscoped(name) + "-" + version + ".tgz";
    }
  }

  /** A project page of a PyPI simple index; {@code project} is PEP 503-normalized. */
  record PypiProject(String project) implements CacheRequest {
    @Override
    public Ecosystem ecosystem() {
      return Ecosystem.PYPI;
    }

    @Override
    public String storeKey() {
      return "pypi/simple/" + project + "/index.html";
    }

    @Override
    public boolean mutable() {
      return true;
    }
  }

  /**
   * A file listed on a project's simple-index page ({@code file} is the name the page links to);
   * its upstream URL and sha256 come from that page, never from the client.
   */
  record PypiFile(String project, String file) implements CacheRequest {
    @Override
    public Ecosystem ecosystem() {
      return Ecosystem.PYPI;
    }

    @Override
    public String storeKey() {
      return "pypi/files/" + project + "/" + file;
    }

    @Override
    public boolean mutable() {
      return false;
    }
  }
}
