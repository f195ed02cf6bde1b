package org.seakeeper.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.seakeeper.core.model.Grant;
import org.seakeeper.core.model.Role;
import org.seakeeper.core.model.ServerConfig;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads the server config's {@code auth:} section (docs/contracts.md §9): {@code oidc: {issuer,
 * client_id, client_secret_file, groups_claim, user_claim}}, {@code grants: [{role, project, who}]}
 * and {@code session_ttl}; and {@code private_projects: [...]}. Every problem is collected.
 * Stateless.
 */
final class AuthParser {
  static final List<String> AUTH = List.of("oidc", "grants", "session_ttl");
  static final List<String> OIDC =
      List.of("issuer", "client_id", "client_secret_file", "groups_claim", "user_claim");
  static final List<String> GRANT = List.of("role", "project", "who");

  private AuthParser() {}

  /** The {@code auth} section, with the private projects named elsewhere in the file. */
  static ServerConfig.Auth parse(Node v, Set<String> privateProjects, Problems p) {
    Optional<ServerConfig.Oidc> oidc = Optional.empty();
    List<Grant> grants = new ArrayList<>();
    Duration ttl = ServerConfig.Auth.DEFAULT_SESSION_TTL;
    if (v != null) {
      var m = Nodes.mapping(v, "'auth'", p);
      if (m.isPresent()) {
        for (Nodes.Entry e : Nodes.entries(m.get(), p)) {
          switch (e.key()) {
            case "oidc" -> oidc = oidc(e.value(), p);
            case "grants" -> grants(e.value(), grants, p);
            case "session_ttl" -> ttl = ttl(e.value(), ttl, p);
            default -> unknown(e, "auth", AUTH, p);
          }
        }
      }
    }
    return new ServerConfig.Auth(oidc, grants, privateProjects, ttl);
  }

  /** {@code private_projects: [NAME, ...]}. */
  static List<String> privateProjects(Node v, Problems p) {
    List<String> out = new ArrayList<>();
    for (Located<String> s : Nodes.strings(v, "'private_projects'", p)) {
      if (s.value().isBlank()) {
        p.error(s.pos(), "a private project's name is empty");
      } else {
        out.add(s.value());
      }
    }
    return out;
  }

  /** A YAML boolean ({@code true}/{@code false}). */
  static Optional<Boolean> bool(Node n, String what, Problems p) {
    if (n instanceof ScalarNode s && Tag.BOOL.equals(s.getTag())) {
      return Optional.of(Boolean.parseBoolean(s.getValue().toLowerCase(java.util.Locale.ROOT)));
    }
    p.error(Nodes.pos(n), what + " must be true or false, found " + Nodes.kind(n));
    return Optional.empty();
  }

  private static Duration ttl(Node v, Duration fallback, Problems p) {
    Optional<String> s = Nodes.scalarText(v, "'auth.session_ttl'", p);
    if (s.isEmpty()) {
      return fallback;
    }
    Optional<Duration> d = Durations.parse(s.get()).filter(x -> !x.isZero());
    if (d.isEmpty()) {
      p.error(
          Nodes.pos(v),
          "bad duration '" + s.get() + "' for 'auth.session_ttl': write it like 30m, 8h or 1h30m");
      return fallback;
    }
    return d.get();
  }

  private static Optional<ServerConfig.Oidc> oidc(Node v, Problems p) {
    var m = Nodes.mapping(v, "'auth.oidc'", p);
    if (m.isEmpty()) {
      return Optional.empty();
    }
    String issuer = null;
    String clientId = null;
    Optional<String> secretFile = Optional.empty();
    boolean seen = false;
    String groups = "groups";
    String user = "preferred_username";
    for (Nodes.Entry e : Nodes.entries(m.get(), p)) {
      String what = "'auth.oidc." + e.key() + "'";
      switch (e.key()) {
        case "issuer" -> {
          seen = true;
          issuer = Nodes.string(e.value(), what, p).orElse(null);
          if (issuer != null && !httpUrl(issuer)) {
            p.error(
                Nodes.pos(e.value()),
                "'auth.oidc.issuer' must be an https:// URL (http:// only on a loopback address),"
                    + " found '"
                    + issuer
                    + "'");
            issuer = null;
          }
        }
        case "client_id" -> clientId = Nodes.string(e.value(), what, p).orElse(null);
        case "client_secret_file" -> secretFile = Nodes.string(e.value(), what, p);
        case "groups_claim" -> groups = Nodes.string(e.value(), what, p).orElse(groups);
        case "user_claim" -> user = Nodes.string(e.value(), what, p).orElse(user);
        default -> unknown(e, "auth.oidc", OIDC, p);
      }
    }
    if (issuer == null || clientId == null || clientId.isBlank()) {
      if (seen && issuer == null && clientId != null) {
        return Optional.empty(); // the issuer's own problem is reported
      }
      p.error(Nodes.pos(v), "'auth.oidc' needs an 'issuer' and a 'client_id'");
      return Optional.empty();
    }
    return Optional.of(new ServerConfig.Oidc(issuer, clientId, secretFile, groups, user));
  }

  /** https, or http on a loopback host (a provider on the same machine, as in tests). */
  static boolean httpUrl(String s) {
    try {
      URI u = URI.create(s);
      if (u.getHost() == null) {
        return false;
      }
      boolean loopback =
          u.getHost().equals("localhost")
              || u.getHost().startsWith("127.")
              || u.getHost().equals("[::1]");
      return "https".equals(u.getScheme()) || ("http".equals(u.getScheme()) && loopback);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void grants(Node v, List<Grant> out, Problems p) {
    Nodes.list(v, "'auth.grants'", p)
        .ifPresent(
            items -> {
              for (Node item : items) {
                Nodes.mapping(item, "each item of 'auth.grants'", p)
                    .ifPresent(m -> grant(item, m, out, p));
              }
            });
  }

  private static void grant(
      Node item, org.snakeyaml.engine.v2.nodes.MappingNode m, List<Grant> out, Problems p) {
    Optional<Role> role = Optional.empty();
    boolean roleSeen = false;
    Optional<String> project = Optional.empty();
    Set<String> who = new LinkedHashSet<>();
    boolean whoSeen = false;
    for (Nodes.Entry e : Nodes.entries(m, p)) {
      switch (e.key()) {
        case "role" -> {
          roleSeen = true;
          Optional<String> r = Nodes.string(e.value(), "'role'", p);
          role = r.flatMap(Role::parse);
          if (r.isPresent() && role.isEmpty()) {
            p.error(
                Nodes.pos(e.value()),
                "unknown role '"
                    + r.get()
                    + "'"
                    + Suggest.hint(r.get(), Role.ids())
                    + "; roles are "
                    + Role.ids());
          }
        }
        case "project" -> project = Nodes.string(e.value(), "'project'", p);
        case "who" -> {
          whoSeen = true;
          for (Located<String> s : Nodes.strings(e.value(), "'who'", p)) {
            if (Grant.validSubject(s.value())) {
              who.add(s.value());
            } else {
              p.error(
                  s.pos(),
                  "'"
                      + s.value()
                      + "' is not a subject: write user:NAME (a person) or group:NAME (an OIDC"
                      + " group)");
            }
          }
        }
        default -> unknown(e, "a grant", GRANT, p);
      }
    }
    if (!roleSeen || !whoSeen) {
      p.error(
          Nodes.pos(item), "a grant needs a 'role' and 'who' (a list of user:NAME, group:NAME)");
      return;
    }
    if (role.isPresent() && project.isPresent() && !projectScoped(role.get())) {
      p.error(
          Nodes.pos(item),
          "the role '" + role.get().id() + "' is global; it cannot be granted on one project");
      return;
    }
    final Optional<String> on = project;
    role.ifPresent(r -> who.forEach(w -> out.add(new Grant(r, on, w))));
  }

  /** Roles that make sense on one project (docs/roles.md). */
  static boolean projectScoped(Role r) {
    return r == Role.DEVELOPER || r == Role.MAINTAINER || r == Role.DEPLOYER;
  }

  private static void unknown(Nodes.Entry e, String where, List<String> keys, Problems p) {
    p.error(e.keyPos(), "unknown key '" + e.key() + "' in " + where + Suggest.hint(e.key(), keys));
  }
}
