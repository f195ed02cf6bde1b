package org.seakeeper.core.config;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.secret.SecretBinding;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads the trusted config repo's {@code secrets:} list (docs/contracts.md §2): each entry names
 * its slot and scope and carries a value encrypted to the server's public key ({@code seakeeper
 * secrets encrypt} prints entries ready to paste). Nothing is decrypted here. Stateless.
 */
final class ConfigSecretsParser {
  static final List<String> KEYS = List.of("connection", "project", "name", "pipelines", "value");

  private ConfigSecretsParser() {}

  static List<ConfigSecretDecl> parse(Node v, Problems p) {
    List<ConfigSecretDecl> out = new ArrayList<>();
    Map<List<String>, Pos> seen = new LinkedHashMap<>();
    for (Node item : Nodes.list(v, "'secrets'", p).orElse(List.of())) {
      Nodes.mapping(item, "each item of 'secrets'", p)
          .ifPresent(
              m ->
                  entry(m, p)
                      .ifPresent(
                          d -> {
                            SecretBinding b = d.binding();
                            Pos first =
                                seen.putIfAbsent(
                                    List.of(b.connection(), b.project(), b.name()), d.pos());
                            if (first != null) {
                              p.error(
                                  d.pos(),
                                  "secret '"
                                      + b.name()
                                      + "' of project "
                                      + b.project()
                                      + " (connection "
                                      + b.connection()
                                      + ") is already defined at line "
                                      + first.line()
                                      + "; define each secret once");
                            } else {
                              out.add(d);
                            }
                          }));
    }
    return out;
  }

  private static java.util.Optional<ConfigSecretDecl> entry(MappingNode m, Problems p) {
    int before = p.sorted().size();
    String connection = "local";
    String project = null;
    String name = null;
    String value = null;
    Pos valuePos = Nodes.pos(m);
    Pos scopePos = Nodes.pos(m);
    Set<PipelineName> scope = SecretBinding.DEFAULT_SCOPE;
    for (Nodes.Entry e : Nodes.entries(m, p)) {
      String what = "'secrets." + e.key() + "'";
      switch (e.key()) {
        case "connection" -> connection = Nodes.string(e.value(), what, p).orElse(connection);
        case "project" -> project = Nodes.string(e.value(), what, p).orElse(null);
        case "name" -> name = Nodes.string(e.value(), what, p).orElse(null);
        case "value" -> {
          value = Nodes.string(e.value(), what, p).orElse(null);
          valuePos = Nodes.pos(e.value());
        }
        case "pipelines" -> {
          scopePos = Nodes.pos(e.value());
          scope = pipelines(e.value(), p);
        }
        default ->
            p.error(
                e.keyPos(),
                "unknown key '"
                    + e.key()
                    + "' in a secret"
                    + Suggest.hint(e.key(), KEYS)
                    + "; expected "
                    + KEYS);
      }
    }
    if (project == null) {
      p.error(Nodes.pos(m), "a secret needs a 'project': the project whose jobs may read it");
    }
    if (name == null) {
      p.error(Nodes.pos(m), "a secret needs a 'name': jobs read it from $SEAKEEPER_SECRETS/NAME");
    }
    byte[] sealed = null;
    if (value == null) {
      p.error(
          Nodes.pos(m),
          "a secret needs a 'value': the ciphertext printed by seakeeper secrets encrypt");
    } else {
      try {
        sealed = Base64.getDecoder().decode(value.replaceAll("\\s", ""));
        if (sealed.length == 0) {
          p.error(
              valuePos,
              "the secret's value is empty: paste the ciphertext printed by seakeeper secrets"
                  + " encrypt");
        }
      } catch (IllegalArgumentException e) {
        p.error(
            valuePos,
            "the secret's value is not base64: paste the ciphertext printed by seakeeper secrets"
                + " encrypt (never the plain value)");
      }
    }
    if (project != null && name != null && !scope.isEmpty()) {
      for (String problem : SecretBinding.problems(connection, project, name, scope)) {
        p.error(
            problem.contains("pipeline") || problem.contains("'check'") ? scopePos : Nodes.pos(m),
            problem);
      }
    }
    if (p.sorted().size() > before) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new ConfigSecretDecl(
            new SecretBinding(connection, project, name, scope), sealed, Nodes.pos(m), valuePos));
  }

  private static Set<PipelineName> pipelines(Node v, Problems p) {
    Set<PipelineName> out = java.util.EnumSet.noneOf(PipelineName.class);
    List<Located<String>> items = Nodes.strings(v, "'secrets.pipelines'", p);
    for (Located<String> s : items) {
      PipelineName.parse(s.value())
          .ifPresentOrElse(
              out::add,
              () ->
                  p.error(
                      s.pos(),
                      "unknown pipeline '"
                          + s.value()
                          + "'; expected some of gate, post, periodic, release"));
    }
    if (out.isEmpty() && !items.isEmpty()) {
      return Set.of(); // already reported
    }
    if (items.isEmpty()) {
      p.error(
          Nodes.pos(v),
          "'secrets.pipelines' is empty: list where the secret is offered (default: post, periodic,"
              + " release)");
      return Set.of();
    }
    return out;
  }
}
