package org.seakeeper.git;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.patch.FormatError;
import org.eclipse.jgit.patch.Patch;
import org.eclipse.jgit.patch.PatchApplier;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.seakeeper.core.event.TriggerEvent;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.model.RepoRef;
import org.seakeeper.core.scheduler.RepoAccess;

/**
 * The private repositories of embargoed changes: one bare repository per project under {@code
 * <data_dir>/embargo/repos}, readable only by the server's user. A submission fetches the base ref
 * from the served repository into the private one (the served repository is only read, never
 * written), applies a {@code git format-patch} mbox (or a plain {@code git diff}) on top with JGit,
 * and names the result {@code refs/embargoed/<id>}. Builds of the {@value TriggerEvent#EMBARGOED}
 * connection read these repositories ({@link RepoAccess}); nothing ever pushes from them, and no
 * other connection reads them.
 *
 * <p>Thread-safe: submissions run one at a time; reads open the repository per call.
 */
public final class EmbargoRepos implements RepoAccess {
  /** The largest patch accepted. */
  public static final int MAX_PATCH_BYTES = 10 << 20;

  private static final Pattern MBOX_FROM =
      Pattern.compile("^From [0-9a-f]{40} ", Pattern.MULTILINE);
  private static final Pattern IDENT = Pattern.compile("^\\s*(.*?)\\s*<([^>]*)>\\s*$");
  private static final Pattern SUBJECT_PREFIX = Pattern.compile("^\\[[^\\]]*PATCH[^\\]]*\\]\\s*");
  private static final PersonIdent COMMITTER_NAME =
      new PersonIdent("Seakeeper", "seakeeper@localhost");

  private final Path root;

  /**
   * @param root the directory for the private repositories (created 0700 when missing)
   */
  public EmbargoRepos(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The private repository of {@code project}. */
  public Path path(String project) {
    return root.resolve(URLEncoder.encode(project, StandardCharsets.UTF_8) + ".git");
  }

  /** A submission that cannot be carried out, with a message for the submitter. */
  public static final class Refused extends Exception {
    private final int status;

    public Refused(int status, String message) {
      super(message);
      this.status = status;
    }

    /** The HTTP status that fits: 404 unknown ref, 422 a patch that does not parse or apply. */
    public int status() {
      return status;
    }
  }

  /**
   * The outcome of a submission.
   *
   * @param baseRef the full name of the base ref
   * @param patches how many patches were applied (one commit each)
   */
  public record Applied(String baseRef, String baseCommit, String commit, int patches) {}

  /**
   * Applies {@code patch} onto {@code base} of the repository at {@code served} and names the
   * result {@code refs/embargoed/<id>} in the private repository of {@code project}.
   *
   * @param base a full ref, or a short branch or tag name
   * @param submitter author of patches whose mail has no {@code From:} header
   */
  public synchronized Applied apply(
      Path served,
      String project,
      String base,
      String id,
      byte[] patch,
      PersonIdent submitter,
      Instant now)
      throws Refused, IOException {
    if (!id.matches("[A-Za-z0-9-]{1,64}")) {
      throw new IllegalArgumentException("bad embargo id " + id);
    }
    if (patch.length > MAX_PATCH_BYTES) {
      throw new Refused(
          413,
          "The patch has "
              + patch.length
              + " bytes; at most "
              + MAX_PATCH_BYTES
              + " are accepted.");
    }
    List<Message> messages = split(new String(patch, StandardCharsets.UTF_8), submitter, now);
    String fullRef;
    try (Repository source = GitDirs.open(served)) {
      Ref r =
          base.startsWith("refs/")
              ? source.exactRef(base)
              : Optional.ofNullable(source.exactRef("refs/heads/" + base))
                  .orElse(source.exactRef("refs/tags/" + base));
      if (r == null
          || !(r.getName().startsWith("refs/heads/") || r.getName().startsWith("refs/tags/"))) {
        throw new Refused(404, "Project " + project + " has no branch or tag '" + base + "'.");
      }
      fullRef = r.getName();
    }
    Path dir = path(project);
    try (Repository repo = openOrCreate(dir);
        Git git = Git.wrap(repo)) {
      String baseName = "refs/embargo-bases/" + id;
      try {
        git.fetch()
            .setRemote(served.toUri().toString())
            .setRefSpecs(new RefSpec("+" + fullRef + ":" + baseName))
            .setTagOpt(org.eclipse.jgit.transport.TagOpt.NO_TAGS)
            .call();
      } catch (GitAPIException e) {
        throw new IOException(
            "cannot fetch "
                + fullRef
                + " of "
                + project
                + " into the private repository: "
                + e.getMessage(),
            e);
      }
      ObjectId tip;
      try (RevWalk walk = new RevWalk(repo)) {
        Ref fetched = repo.exactRef(baseName);
        if (fetched == null) {
          throw new Refused(404, "Project " + project + " has no branch or tag '" + base + "'.");
        }
        tip = walk.parseCommit(fetched.getObjectId()).getId();
      } catch (IncorrectObjectTypeException e) {
        throw new Refused(422, fullRef + " does not point to a commit.");
      }
      String baseCommit = tip.name();
      try (ObjectInserter ins = repo.newObjectInserter();
          RevWalk walk = new RevWalk(repo)) {
        int n = 0;
        for (Message m : messages) {
          n++;
          RevCommit parent = walk.parseCommit(tip);
          PatchApplier.Result result =
              new PatchApplier(repo, parent.getTree(), ins).applyPatch(m.patch());
          if (!result.getErrors().isEmpty()) {
            throw new Refused(
                422,
                where(n, messages.size())
                    + " does not apply to "
                    + fullRef
                    + " ("
                    + baseCommit.substring(0, 12)
                    + "): "
                    + String.join(
                        "; ", result.getErrors().stream().map(Object::toString).toList()));
          }
          CommitBuilder cb = new CommitBuilder();
          cb.setTreeId(result.getTreeId());
          cb.setParentId(parent);
          cb.setAuthor(m.author());
          cb.setCommitter(new PersonIdent(COMMITTER_NAME, now));
          cb.setMessage(m.message());
          tip = ins.insert(cb);
        }
        ins.flush();
      }
      RefUpdate u = repo.updateRef("refs/embargoed/" + id);
      u.setNewObjectId(tip);
      u.setExpectedOldObjectId(ObjectId.zeroId());
      RefUpdate.Result res = u.update();
      if (res != RefUpdate.Result.NEW) {
        throw new IOException(
            "cannot create refs/embargoed/" + id + " in the private repository: " + res);
      }
      return new Applied(fullRef, baseCommit, tip.name(), messages.size());
    }
  }

  private static String where(int n, int of) {
    return of == 1 ? "The patch" : "Patch " + n + " of " + of;
  }

  private Repository openOrCreate(Path dir) throws IOException {
    if (!Files.isDirectory(root)) {
      Files.createDirectories(root);
      try {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: its own permissions apply
      }
    }
    if (!Files.isDirectory(dir)) {
      try {
        Git.init().setBare(true).setGitDir(dir.toFile()).setInitialBranch("main").call().close();
      } catch (GitAPIException e) {
        throw new IOException(
            "cannot create the private repository " + dir + ": " + e.getMessage(), e);
      }
    }
    return GitDirs.open(dir);
  }

  /** One mail of the mbox: its diff, author and commit message. */
  private record Message(Patch patch, PersonIdent author, String message) {}

  /** The mails of a {@code git format-patch} mbox, or the whole text as one plain diff. */
  static List<Message> split(String text, PersonIdent submitter, Instant now) throws Refused {
    List<String> parts = new ArrayList<>();
    Matcher m = MBOX_FROM.matcher(text);
    List<Integer> starts = new ArrayList<>();
    while (m.find()) {
      starts.add(m.start());
    }
    if (starts.isEmpty()) {
      parts.add(text);
    } else {
      for (int i = 0; i < starts.size(); i++) {
        parts.add(
            text.substring(
                starts.get(i), i + 1 < starts.size() ? starts.get(i + 1) : text.length()));
      }
    }
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      out.add(message(parts.get(i), i + 1, parts.size(), submitter, now));
    }
    return out;
  }

  private static Message message(String mail, int n, int of, PersonIdent submitter, Instant now)
      throws Refused {
    Patch patch = new Patch();
    try {
      patch.parse(new ByteArrayInputStream(mail.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new Refused(422, where(n, of) + " cannot be read: " + e.getMessage());
    }
    List<String> errors =
        patch.getErrors().stream()
            .filter(e -> e.getSeverity() == FormatError.Severity.ERROR)
            .map(FormatError::getMessage)
            .toList();
    if (!errors.isEmpty()) {
      throw new Refused(422, where(n, of) + " is not a valid patch: " + String.join("; ", errors));
    }
    if (patch.getFiles().isEmpty()) {
      throw new Refused(
          422,
          where(n, of)
              + " changes no file; send the output of 'git format-patch' (or 'git diff').");
    }
    String from = null;
    String date = null;
    StringBuilder subject = new StringBuilder();
    StringBuilder body = new StringBuilder();
    String[] lines = mail.split("\n", -1);
    int i = 0;
    boolean headers =
        lines.length > 0 && lines[0].startsWith("From ") && MBOX_FROM.matcher(lines[0]).lookingAt();
    if (headers) {
      i = 1;
      String last = null;
      for (; i < lines.length && !lines[i].isEmpty(); i++) {
        String l = lines[i];
        if ((l.startsWith(" ") || l.startsWith("\t")) && "subject".equals(last)) {
          subject.append(' ').append(l.strip());
          continue;
        }
        int colon = l.indexOf(':');
        last = colon > 0 ? l.substring(0, colon).toLowerCase(java.util.Locale.ROOT) : null;
        String value = colon > 0 ? l.substring(colon + 1).strip() : "";
        switch (last == null ? "" : last) {
          case "from" -> from = value;
          case "date" -> date = value;
          case "subject" -> subject.append(value);
          default -> {}
        }
      }
      for (i++; i < lines.length; i++) {
        if (lines[i].equals("---") || lines[i].startsWith("diff --git ")) {
          break;
        }
        body.append(lines[i]).append('\n');
      }
    }
    String title = SUBJECT_PREFIX.matcher(subject.toString().strip()).replaceFirst("");
    if (title.isEmpty()) {
      title = "Embargoed change";
    }
    String text = body.toString().strip();
    String message = text.isEmpty() ? title + "\n" : title + "\n\n" + text + "\n";
    return new Message(patch, author(from, date, submitter, now), message);
  }

  private static PersonIdent author(String from, String date, PersonIdent submitter, Instant now) {
    Instant when = now;
    if (date != null) {
      try {
        when = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      } catch (DateTimeParseException e) {
        // keep the submission time
      }
    }
    if (from != null) {
      Matcher m = IDENT.matcher(from);
      if (m.matches() && !m.group(2).isBlank()) {
        String name = m.group(1).replaceAll("^\"|\"$", "");
        return new PersonIdent(
            name.isBlank() ? m.group(2) : name, m.group(2), when, ZoneOffset.UTC);
      }
    }
    return new PersonIdent(submitter.getName(), submitter.getEmailAddress(), when, ZoneOffset.UTC);
  }

  // ---- RepoAccess for the "embargoed" connection -------------------------------------------

  private RepoAccess of(RepoRef repo) {
    if (!TriggerEvent.EMBARGOED.equals(repo.connection())) {
      throw new RepoAccessException(
          "no embargo connection named '" + repo.connection() + "'", null);
    }
    Path p = path(repo.project());
    if (!Files.isDirectory(p)) {
      throw new RepoAccessException(
          "no embargoed change of project '" + repo.project() + "'", null);
    }
    return new JGitRepoAccess(Map.of(repo.connection(), Map.of(repo.project(), p)));
  }

  @Override
  public Optional<byte[]> readFile(RepoRef repo, String commit, String path) {
    return of(repo).readFile(repo, commit, path);
  }

  @Override
  public Set<String> changedFiles(RepoRef repo, String commit) {
    return of(repo).changedFiles(repo, commit);
  }

  /**
   * Only {@code refs/embargoed/<id>} resolves: the base refs kept here are public commits, and a
   * manual trigger on this connection must not run anything that is not an embargoed change.
   */
  @Override
  public Optional<String> resolve(RepoRef repo, String ref) {
    if (!ref.startsWith("refs/embargoed/")) {
      return Optional.empty();
    }
    return of(repo).resolve(repo, ref);
  }

  @Override
  public Checkout checkout(RepoRef repo, String commit) {
    return of(repo).checkout(repo, commit);
  }
}
