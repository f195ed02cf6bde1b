package org.seakeeper.git;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;

/**
 * Where things live in a served repository, found the way git finds them: the git directory of a
 * bare or non-bare repository, its hooks directory ({@code core.hooksPath} honoured) and
 * Seakeeper's journal. Stateless.
 */
final class GitDirs {
  /** The journal's directory inside the repository's (common) git directory. */
  static final String JOURNAL_DIR = "seakeeper";

  private GitDirs() {}

  /** Opens the repository at {@code path}: a git directory (bare) or a work tree. Close it. */
  static Repository open(Path path) throws IOException {
    File dir = path.toFile();
    FileRepositoryBuilder builder = new FileRepositoryBuilder().setMustExist(true);
    if (RepositoryCache.FileKey.isGitRepository(dir, FS.DETECTED)) {
      builder.setGitDir(dir);
    } else {
      builder.setWorkTree(dir);
    }
    return builder.setup().build();
  }

  /** The file the hook appends to; shared by all work trees of the repository, like refs. */
  static Path journal(Repository repo) {
    return repo.getCommonDirectory().toPath().resolve(JOURNAL_DIR).resolve("journal");
  }

  /** The directory git runs hooks from: {@code core.hooksPath} if set, else {@code hooks/}. */
  static Path hooksDir(Repository repo) {
    String configured = repo.getConfig().getString("core", null, "hooksPath");
    if (configured == null || configured.isBlank()) {
      return repo.getCommonDirectory().toPath().resolve("hooks");
    }
    if (configured.startsWith("~/")) {
      return Path.of(System.getProperty("user.home")).resolve(configured.substring(2));
    }
    Path p = Path.of(configured);
    if (p.isAbsolute()) {
      return p;
    }
    // git resolves a relative hooksPath against where hooks run: the git dir of a bare
    // repository, the top of the work tree otherwise.
    File base = repo.isBare() ? repo.getDirectory() : repo.getWorkTree();
    return base.toPath().resolve(p);
  }

  /**
   * Creates the journal (empty) if missing, owned and permitted like the git directory, so that
   * whoever may push may also append (the hook refuses updates it cannot journal).
   */
  static void createJournal(Repository repo) throws IOException {
    Path journal = journal(repo);
    Path dir = journal.getParent();
    boolean newDir = !Files.isDirectory(dir);
    Files.createDirectories(dir);
    boolean newFile = !Files.exists(journal);
    if (newFile) {
      Files.createFile(journal);
    }
    Path gitDir = repo.getCommonDirectory().toPath();
    PosixFileAttributeView like = Files.getFileAttributeView(gitDir, PosixFileAttributeView.class);
    if (like == null) {
      return;
    }
    PosixFileAttributes attrs = like.readAttributes();
    if (newDir) {
      adopt(dir, attrs, attrs.permissions());
    }
    if (newFile) {
      Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
      perms.addAll(attrs.permissions());
      perms.removeAll(
          EnumSet.of(
              PosixFilePermission.OWNER_EXECUTE,
              PosixFilePermission.GROUP_EXECUTE,
              PosixFilePermission.OTHERS_EXECUTE));
      adopt(journal, attrs, perms);
    }
  }

  private static void adopt(Path p, PosixFileAttributes like, Set<PosixFilePermission> perms) {
    try {
      PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
      view.setPermissions(perms);
      if (!view.getOwner().equals(like.owner())) {
        view.setOwner(like.owner()); // only possible as root; then pushes by the owner still work
      }
      view.setGroup(like.group());
    } catch (IOException | UnsupportedOperationException e) {
      // Best effort: a mismatch shows up as a refused push with a clear message from the hook.
    }
  }

  /** Identifies the journal file (its inode where the platform has one), to notice replacement. */
  static String fileId(Path file) throws IOException {
    Object key =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    return key == null ? "" : key.toString();
  }
}
