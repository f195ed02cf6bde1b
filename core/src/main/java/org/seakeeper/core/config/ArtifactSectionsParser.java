package org.seakeeper.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The trusted sections about kept artifacts (docs/contracts.md §10): {@code provenance}, {@code
 * channels}, {@code retention} and {@code artifacts}, read into the values {@link
 * ServerConfigParser} builds the config with. Records every problem; not thread-safe.
 */
final class ArtifactSectionsParser {
  private final Problems p;
  ServerConfig.Provenance provenance = ServerConfig.Provenance.DEFAULTS;
  List<ServerConfig.Channel> channels = List.of();
  ServerConfig.Retention retention = ServerConfig.Retention.KEEP_ALL;
  ServerConfig.Artifacts artifacts = ServerConfig.Artifacts.DEFAULTS;

  ArtifactSectionsParser(Problems p) {
    this.p = p;
  }

  static final Pattern DAYS = Pattern.compile("([0-9]{1,5})d");

  /** {@code 30d}, {@code 12h}, {@code 1h30m}: a positive duration. */
  private Optional<Duration> age(Node n, String what) {
    Optional<String> s = Nodes.string(n, what, p);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    java.util.regex.Matcher m = DAYS.matcher(s.get());
    Optional<Duration> d =
        m.matches()
            ? Optional.of(Duration.ofDays(Long.parseLong(m.group(1))))
            : Durations.parse(s.get());
    if (d.isEmpty() || d.get().isZero()) {
      p.error(Nodes.pos(n), what + " is a duration like 30d, 12h or 90m, not '" + s.get() + "'");
      return Optional.empty();
    }
    return d;
  }

  /**
   * {@code retention: {untrusted: 7d, trusted: 90d, privileged: 365d, every: 1h}}: per tier, how
   * long artifacts are kept (absent: forever); promoted artifacts are kept (see a channel's {@code
   * keep}).
   */
  void retention(Node v) {
    Nodes.mapping(v, "'retention'", p)
        .ifPresent(
            m -> {
              Map<Tier, Duration> ages = new EnumMap<>(Tier.class);
              Duration every = ServerConfig.Retention.DEFAULT_EVERY;
              for (Nodes.Entry e : Nodes.entries(m, p)) {
                Optional<Tier> t =
                    java.util.Arrays.stream(Tier.values())
                        .filter(x -> x.id().equals(e.key()))
                        .findFirst();
                if (t.isPresent()) {
                  age(e.value(), "'retention." + e.key() + "'")
                      .ifPresent(d -> ages.put(t.get(), d));
                } else if (e.key().equals("every")) {
                  every = age(e.value(), "'retention.every'").orElse(every);
                } else {
                  p.unknownKey(
                      e, "retention", List.of("untrusted", "trusted", "privileged", "every"));
                }
              }
              retention = new ServerConfig.Retention(ages, every);
            });
  }

  static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  static final List<String> S3_KEYS =
      List.of("endpoint", "region", "bucket", "prefix", "access_key_file", "secret_key_file");

  /**
   * {@code artifacts: {store: s3, s3: {endpoint: URL, region: R, bucket: B, prefix: P,
   * access_key_file: PATH, secret_key_file: PATH}}}: where artifact contents are kept (default:
   * {@code store: file}, under data_dir).
   */
  void artifacts(Node v) {
    Nodes.mapping(v, "'artifacts'", p)
        .ifPresent(
            m -> {
              String store = "file";
              boolean storeBad = false;
              Pos storePos = Nodes.pos(v);
              Optional<ServerConfig.S3> s3 = Optional.empty();
              Node s3Node = null;
              for (Nodes.Entry e : Nodes.entries(m, p)) {
                switch (e.key()) {
                  case "store" -> {
                    Optional<String> s = Nodes.string(e.value(), "'artifacts.store'", p);
                    if (s.isPresent() && !List.of("file", "s3").contains(s.get())) {
                      p.error(
                          Nodes.pos(e.value()),
                          "'artifacts.store' is file or s3, not '" + s.get() + "'");
                      storeBad = true;
                    } else if (s.isPresent()) {
                      store = s.get();
                      storePos = Nodes.pos(e.value());
                    }
                  }
                  case "s3" -> {
                    s3Node = e.value();
                    s3 = s3(e.value());
                  }
                  default -> p.unknownKey(e, "artifacts", List.of("store", "s3"));
                }
              }
              if (store.equals("s3") && s3Node == null) {
                p.error(
                    storePos,
                    "'artifacts.store' is s3 but there is no 'artifacts.s3' with the endpoint,"
                        + " bucket and key files");
              } else if (!store.equals("s3") && s3Node != null && !storeBad) {
                p.error(
                    Nodes.pos(s3Node),
                    "'artifacts.s3' is given but 'artifacts.store' is not s3: write 'store: s3'"
                        + " to keep artifacts there");
              }
              artifacts =
                  new ServerConfig.Artifacts(store, store.equals("s3") ? s3 : Optional.empty());
            });
  }

  private Optional<ServerConfig.S3> s3(Node v) {
    Optional<MappingNode> m = Nodes.mapping(v, "'artifacts.s3'", p);
    if (m.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> got = new LinkedHashMap<>();
    boolean bad = false;
    for (Nodes.Entry e : Nodes.entries(m.get(), p)) {
      if (!S3_KEYS.contains(e.key())) {
        p.unknownKey(e, "artifacts.s3", S3_KEYS);
        continue;
      }
      String what = "'artifacts.s3." + e.key() + "'";
      Optional<String> s = Nodes.string(e.value(), what, p);
      if (s.isEmpty()) {
        bad = true;
        continue;
      }
      String problem =
          switch (e.key()) {
            case "endpoint" -> endpointProblem(s.get());
            case "bucket" ->
                BUCKET.matcher(s.get()).matches()
                    ? null
                    : "is not a bucket name (3 to 63 lower-case letters, digits, '.' and '-')";
            case "prefix" -> s.get().startsWith("/") ? "must not start with '/'" : null;
            default -> s.get().isBlank() ? "is empty" : null;
          };
      if (problem != null) {
        p.error(Nodes.pos(e.value()), what + " " + problem);
        bad = true;
      } else {
        got.put(e.key(), s.get());
      }
    }
    for (String required : List.of("endpoint", "bucket", "access_key_file", "secret_key_file")) {
      if (!got.containsKey(required) && !bad) {
        p.error(Nodes.pos(v), "'artifacts.s3' needs '" + required + "'");
        bad = true;
      }
    }
    if (bad) {
      return Optional.empty();
    }
    return Optional.of(
        new ServerConfig.S3(
            got.get("endpoint"),
            got.getOrDefault("region", "us-east-1"),
            got.get("bucket"),
            got.getOrDefault("prefix", ""),
            got.get("access_key_file"),
            got.get("secret_key_file")));
  }

  private static String endpointProblem(String s) {
    try {
      java.net.URI u = new java.net.URI(s);
      if ((!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()))
          || u.getHost() == null) {
        return "is an http or https URL like https://s3.eu-west-1.amazonaws.com, not '" + s + "'";
      }
      return null;
    } catch (java.net.URISyntaxException e) {
      return "is an http or https URL like https://s3.eu-west-1.amazonaws.com, not '" + s + "'";
    }
  }

  /** {@code provenance: {key_file: PATH, retired_keys: [PEM file, ...]}}. */
  void provenance(Node v) {
    Nodes.mapping(v, "'provenance'", p)
        .ifPresent(
            m -> {
              Optional<String> key = Optional.empty();
              List<String> retired = new ArrayList<>();
              for (Nodes.Entry e : Nodes.entries(m, p)) {
                switch (e.key()) {
                  case "key_file" -> {
                    Optional<String> f = Nodes.string(e.value(), "'provenance.key_file'", p);
                    if (f.isPresent() && f.get().isBlank()) {
                      p.error(
                          Nodes.pos(e.value()),
                          "'provenance.key_file' is empty: give the path of the signing key"
                              + " file (outside data_dir)");
                    } else {
                      key = f;
                    }
                  }
                  case "retired_keys" ->
                      Nodes.strings(e.value(), "'provenance.retired_keys'", p)
                          .forEach(s -> retired.add(s.value()));
                  default -> p.unknownKey(e, "provenance", List.of("key_file", "retired_keys"));
                }
              }
              provenance = new ServerConfig.Provenance(key, retired);
            });
  }

  /** {@code deploy: {webhook: URL, secret_file: PATH}}. */
  private Optional<ServerConfig.Webhook> webhook(Node v) {
    Optional<MappingNode> m = Nodes.mapping(v, "a channel's 'deploy'", p);
    if (m.isEmpty()) {
      return Optional.empty();
    }
    String url = null;
    String secret = null;
    for (Nodes.Entry e : Nodes.entries(m.get(), p)) {
      switch (e.key()) {
        case "webhook" -> {
          url = Nodes.string(e.value(), "'deploy.webhook'", p).orElse(null);
          if (url != null && !url.matches("https?://[^\\s]+")) {
            p.error(
                Nodes.pos(e.value()),
                "'deploy.webhook' is an http:// or https:// URL, not '" + url + "'");
            url = null;
          }
        }
        case "secret_file" ->
            secret =
                Nodes.string(e.value(), "'deploy.secret_file'", p)
                    .filter(s -> !s.isBlank())
                    .orElse(null);
        default -> p.unknownKey(e, "deploy", List.of("webhook", "secret_file"));
      }
    }
    if (url == null || secret == null) {
      p.error(
          Nodes.pos(v),
          "a channel's 'deploy' needs 'webhook' (the URL) and 'secret_file' (the HMAC key the"
              + " server signs with, made when missing)");
      return Optional.empty();
    }
    return Optional.of(new ServerConfig.Webhook(url, secret));
  }

  static final Pattern CHANNEL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  /**
   * {@code channels: [candidate, {name: production, from: candidate}]}: names unique, each {@code
   * from} an earlier channel.
   */
  void channels(Node v) {
    Nodes.list(v, "'channels'", p)
        .ifPresent(
            items -> {
              List<ServerConfig.Channel> out = new ArrayList<>();
              for (Node item : items) {
                String name = null;
                String from = null;
                Node fromNode = null;
                boolean requiresPassed = false;
                Optional<ServerConfig.Webhook> deploy = Optional.empty();
                Optional<Integer> keep = Optional.empty();
                if (item instanceof MappingNode m) {
                  for (Nodes.Entry e : Nodes.entries(m, p)) {
                    switch (e.key()) {
                      case "name" ->
                          name = Nodes.string(e.value(), "a channel's 'name'", p).orElse(null);
                      case "from" -> {
                        from = Nodes.string(e.value(), "a channel's 'from'", p).orElse(null);
                        fromNode = e.value();
                      }
                      case "requires" -> {
                        Optional<String> r = Nodes.string(e.value(), "a channel's 'requires'", p);
                        if (r.isPresent() && !r.get().equals("passed")) {
                          p.error(
                              Nodes.pos(e.value()),
                              "a channel's 'requires' is 'passed' (a passed deploy step in the"
                                  + " channel before it), not '"
                                  + r.get()
                                  + "'");
                        }
                        requiresPassed = r.filter("passed"::equals).isPresent();
                      }
                      case "deploy" -> deploy = webhook(e.value());
                      case "keep" -> {
                        keep = Nodes.integer(e.value(), "a channel's 'keep'", p);
                        if (keep.isPresent() && keep.get() < 1) {
                          p.error(
                              Nodes.pos(e.value()),
                              "a channel's 'keep' must be at least 1 (its current digest)");
                          keep = Optional.empty();
                        }
                      }
                      default ->
                          p.unknownKey(
                              e,
                              "a channel",
                              List.of("name", "from", "requires", "deploy", "keep"));
                    }
                  }
                  if (name == null) {
                    p.error(Nodes.pos(item), "a channel needs a 'name'");
                    continue;
                  }
                  if (requiresPassed && from == null) {
                    p.error(
                        Nodes.pos(item),
                        "channel '"
                            + name
                            + "' requires a passed deploy step in the channel before it: say"
                            + " which with 'from'");
                    continue;
                  }
                } else {
                  name =
                      Nodes.string(item, "each item of 'channels' (a name or {name, from})", p)
                          .orElse(null);
                  if (name == null) {
                    continue;
                  }
                }
                String n = name;
                if (!CHANNEL.matcher(n).matches()) {
                  p.error(
                      Nodes.pos(item),
                      "bad channel name '"
                          + n
                          + "': use lower-case letters, digits, '.', '_' and '-' (like"
                          + " production)");
                } else if (out.stream().anyMatch(c -> c.name().equals(n))) {
                  p.error(Nodes.pos(item), "channel '" + n + "' is listed twice");
                } else if (from != null
                    && out.stream().map(ServerConfig.Channel::name).noneMatch(from::equals)) {
                  p.error(
                      Nodes.pos(fromNode),
                      "channel '"
                          + n
                          + "' comes from '"
                          + from
                          + "', which is not a channel listed before it; channels are "
                          + out.stream().map(ServerConfig.Channel::name).toList());
                } else {
                  out.add(
                      new ServerConfig.Channel(
                          n, Optional.ofNullable(from), requiresPassed, deploy, keep));
                }
              }
              channels = out;
            });
  }
}
