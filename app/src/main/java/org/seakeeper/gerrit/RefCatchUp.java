package org.seakeeper.gerrit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.seakeeper.core.event.EventSink;
import org.seakeeper.core.event.TriggerEvent;

/**
 * Catch-up of branch and tag updates, which Gerrit's change queries do not show: the last known
 * commit of every branch and tag of the served projects is kept in {@code ref-heads} in the
 * connection's state directory (updated as the stream delivers ref updates), and after a reconnect
 * or restart each branch that moved, and each new tag, becomes a {@code RefUpdated} (its sequence
 * {@code catch-up-<epoch seconds>}). A project seen for the first time is only recorded: nothing
 * from before Seakeeper knew it is built. A branch moved twice while the stream was down starts
 * {@code post} once, for its tip (as docs/contracts.md §4 asks of pushes). Not thread-safe; used
 * from the connection's thread.
 */
final class RefCatchUp {
  private static final String ZEROS = "0000000000000000000000000000000000000000";
  private final String connection;
  private final GerritEndpoint endpoint;
  private final GerritRest rest;
  private final Path file;
  private final Clock clock;

  /** project → ref → commit (or tag object) id. */
  private final Map<String, Map<String, String>> heads = new TreeMap<>();

  RefCatchUp(GerritEndpoint endpoint, GerritRest rest, Path stateDir, Clock clock)
      throws IOException {
    this.connection = endpoint.connection();
    this.endpoint = endpoint;
    this.rest = rest;
    this.file = stateDir.resolve("ref-heads");
    this.clock = clock;
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] f = line.split(" ");
        if (f.length == 3) {
          heads.computeIfAbsent(decode(f[0]), k -> new TreeMap<>()).put(f[1], f[2]);
        }
      }
    }
  }

  /** The stream delivered a ref update: remember the new id. */
  void delivered(TriggerEvent.RefUpdated r) throws IOException {
    Map<String, String> refs = heads.get(r.project());
    if (refs != null) {
      refs.put(r.ref(), r.newCommit());
      save();
    }
  }

  /**
   * Delivers the ref updates missed since the heads were last recorded; returns how many were new.
   */
  int catchUp(EventSink sink) throws IOException {
    int delivered = 0;
    String sequence = "catch-up-" + clock.instant().getEpochSecond();
    for (String project : projects()) {
      Map<String, String> now = current(project);
      Map<String, String> known = heads.get(project);
      if (known != null) {
        for (Map.Entry<String, String> e : now.entrySet()) {
          String was = known.get(e.getKey());
          boolean branchMoved = e.getKey().startsWith("refs/heads/") && !e.getValue().equals(was);
          boolean newTag = e.getKey().startsWith("refs/tags/") && was == null;
          if (branchMoved || newTag) {
            delivered +=
                sink.accept(
                        new TriggerEvent.RefUpdated(
                            connection,
                            project,
                            e.getKey(),
                            was == null ? ZEROS : was,
                            e.getValue(),
                            sequence))
                    ? 1
                    : 0;
          }
        }
      }
      heads.put(project, now);
    }
    save();
    return delivered;
  }

  private List<String> projects() throws IOException {
    if (!endpoint.projects().contains("*")) {
      return endpoint.projects();
    }
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = rest.get("projects/?type=CODE").fieldNames(); it.hasNext(); ) {
      String p = it.next();
      if (!p.equals("All-Projects") && !p.equals("All-Users")) {
        out.add(p);
      }
    }
    return out;
  }

  private Map<String, String> current(String project) throws IOException {
    Map<String, String> out = new TreeMap<>();
    String p = GerritRest.encode(project);
    try {
      for (JsonNode b : rest.get("projects/" + p + "/branches/")) {
        String ref = b.path("ref").asText("");
        if (ref.startsWith("refs/heads/") && b.path("revision").asText("").length() == 40) {
          out.put(ref, b.path("revision").asText());
        }
      }
      for (JsonNode t : rest.get("projects/" + p + "/tags/")) {
        String ref = t.path("ref").asText("");
        if (ref.startsWith("refs/tags/")) {
          out.put(ref, t.path("revision").asText());
        }
      }
    } catch (GerritRest.HttpError e) {
      if (e.status() != 404) {
        throw e;
      }
    }
    return out;
  }

  private void save() throws IOException {
    StringBuilder b = new StringBuilder();
    heads.forEach(
        (project, refs) ->
            refs.forEach(
                (ref, id) ->
                    b.append(GerritRest.encode(project))
                        .append(' ')
                        .append(ref)
                        .append(' ')
                        .append(id)
                        .append('\n')));
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, b.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
