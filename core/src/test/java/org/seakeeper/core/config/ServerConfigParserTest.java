package org.seakeeper.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.seakeeper.core.model.ServerConfig;
import org.seakeeper.core.model.Tier;

class ServerConfigParserTest {
  static ServerConfigParser.Result parse(String yaml) {
    return ServerConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8));
  }

  static java.util.List<String> lines(ServerConfigParser.Result r) {
    return r.problems().stream().map(p -> p.format("s.yaml")).toList();
  }

  @Test
  void an_empty_file_gives_the_built_in_defaults() {
    ServerConfig c = parse("").config().orElseThrow();
    assertThat(c.dataDir()).isEqualTo("./data");
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.executors().get(Tier.PRIVILEGED).maxParallel()).isEqualTo(1);
    assertThat(c.store().type()).isEqualTo("h2");
    assertThat(c.pipelineRules()).isEqualTo(ServerConfig.PipelineRules.DEFAULTS);
  }

  @Test
  void the_contract_example_parses() {
    var r =
        parse(
            """
            data_dir: ./data
            http: {port: 8080, bind: 127.0.0.1, public_url: http://127.0.0.1:8080/}
            admin_token_file: ./data/admin-token
            executors:
              untrusted: {max_parallel: 2}
              trusted: {max_parallel: 2, memory: 2g}
              privileged: {max_parallel: 1}
            repos:
              - name: demo
                path: /srv/git/demo.git
            store: {type: h2}
            default_timeout: 30m
            pipelines:
              periodic: {cron: "30 2 * * 1-5"}
              release: {tags: "release-*"}
            """);
    assertThat(lines(r)).isEmpty();
    ServerConfig c = r.config().orElseThrow();
    assertThat(c.connections())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.name()).isEqualTo("local");
              assertThat(x.repos()).extracting(ServerConfig.Repo::name).containsExactly("demo");
            });
    assertThat(c.executors().get(Tier.TRUSTED).memoryBytes()).isEqualTo(2L << 30);
    assertThat(c.defaultTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.pipelineRules())
        .isEqualTo(new ServerConfig.PipelineRules("30 2 * * 1-5", "release-*"));
    assertThat(r.trusted().orElseThrow().defaultTimeout()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void a_tier_may_name_a_dependency_cache_socket() {
    var ok = parse("executors:\n  untrusted: {dependency_cache: {socket: /run/cache.sock}}\n");
    assertThat(lines(ok)).isEmpty();
    assertThat(ok.config().orElseThrow().executors().get(Tier.UNTRUSTED).dependencyCache())
        .contains("/run/cache.sock");
    assertThat(ok.config().orElseThrow().executors().get(Tier.TRUSTED).dependencyCache()).isEmpty();
    var bad =
        parse(
            "executors:\n"
                + "  untrusted: {dependency_cache: {socket: cache.sock}}\n"
                + "  trusted: {dependency_cache: {url: x}}\n");
    assertThat(lines(bad))
        .containsExactly(
            "s.yaml:2:42: error: the dependency cache socket must be an absolute path, not"
                + " 'cache.sock'",
            "s.yaml:3:31: error: 'executors.trusted.dependency_cache' needs 'socket': the absolute"
                + " path of the cache's unix socket",
            "s.yaml:3:32: error: unknown key 'url' in executors.trusted.dependency_cache");
  }

  @Test
  void protected_refs_are_full_branch_globs() {
    var ok =
        parse(
            "protected_refs: [refs/heads/main, 'refs/heads/stable/*']\n"
                + "pipelines: {release: {tags: 'v*'}}\n");
    assertThat(lines(ok)).isEmpty();
    assertThat(ok.config().orElseThrow().pipelineRules().protectedRefs())
        .containsExactly("refs/heads/main", "refs/heads/stable/*");
    assertThat(parse("").config().orElseThrow().pipelineRules().protectedRefs())
        .containsExactly("refs/heads/**");
    var bad = parse("protected_refs: [main, refs/tags/v1, 'refs/heads/a..b']\n");
    assertThat(bad.config()).isEmpty();
    assertThat(lines(bad)).hasSize(3).allMatch(l -> l.contains("protected ref"));
  }

  @Test
  void channels_and_the_provenance_key_are_read_and_checked() {
    var ok =
        parse(
            """
            channels: [candidate, {name: production, from: candidate}]
            provenance: {key_file: /etc/seakeeper/provenance.key, retired_keys: [/etc/old.pub]}
            """);
    assertThat(lines(ok)).isEmpty();
    var c = ok.config().orElseThrow();
    assertThat(c.channels())
        .containsExactly(
            new org.seakeeper.core.model.ServerConfig.Channel(
                "candidate", java.util.Optional.empty()),
            new org.seakeeper.core.model.ServerConfig.Channel(
                "production", java.util.Optional.of("candidate")));
    assertThat(c.provenance().keyFile()).contains("/etc/seakeeper/provenance.key");
    assertThat(c.provenance().retiredKeys()).containsExactly("/etc/old.pub");
    var bad =
        parse(
            """
            channels:
              - candidate
              - Prod
              - candidate
              - {name: production, from: staging}
              - {from: candidate}
            provenance: {key_file: "", keyfile: x}
            """);
    assertThat(bad.config()).isEmpty();
    assertThat(lines(bad))
        .containsExactly(
            "s.yaml:3:5: error: bad channel name 'Prod': use lower-case letters, digits, '.', '_'"
                + " and '-' (like production)",
            "s.yaml:4:5: error: channel 'candidate' is listed twice",
            "s.yaml:5:30: error: channel 'production' comes from 'staging', which is not a"
                + " channel listed before it; channels are [candidate]",
            "s.yaml:6:5: error: a channel needs a 'name'",
            "s.yaml:7:24: error: 'provenance.key_file' is empty: give the path of the signing key"
                + " file (outside data_dir)",
            "s.yaml:7:28: error: unknown key 'keyfile' in provenance (did you mean 'key_file'?)");
  }

  @Test
  void the_artifact_store_is_the_file_store_unless_an_s3_bucket_is_configured() {
    assertThat(parse("").config().orElseThrow().artifacts())
        .isEqualTo(org.seakeeper.core.model.ServerConfig.Artifacts.DEFAULTS);
    var ok =
        parse(
            """
            artifacts:
              store: s3
              s3:
                endpoint: https://s3.eu-west-1.amazonaws.com
                region: eu-west-1
                bucket: ci-artifacts
                prefix: seakeeper/
                access_key_file: /etc/seakeeper/s3.access
                secret_key_file: /etc/seakeeper/s3.secret
            """);
    assertThat(lines(ok)).isEmpty();
    assertThat(ok.config().orElseThrow().artifacts())
        .isEqualTo(
            new org.seakeeper.core.model.ServerConfig.Artifacts(
                "s3",
                java.util.Optional.of(
                    new org.seakeeper.core.model.ServerConfig.S3(
                        "https://s3.eu-west-1.amazonaws.com",
                        "eu-west-1",
                        "ci-artifacts",
                        "seakeeper/",
                        "/etc/seakeeper/s3.access",
                        "/etc/seakeeper/s3.secret"))));
    var defaults =
        parse(
            """
            artifacts: {store: s3, s3: {endpoint: "http://127.0.0.1:9000", bucket: b12,
              access_key_file: a, secret_key_file: s}}
            """);
    assertThat(lines(defaults)).isEmpty();
    assertThat(defaults.config().orElseThrow().artifacts().s3().orElseThrow().region())
        .isEqualTo("us-east-1");
    assertThat(defaults.config().orElseThrow().artifacts().s3().orElseThrow().prefix()).isEmpty();
    var bad =
        parse(
            """
            artifacts:
              store: s4
              s3: {endpoint: "ftp://x", bucket: No_Bucket, secret: x, prefix: /a}
            """);
    assertThat(bad.config()).isEmpty();
    assertThat(lines(bad))
        .containsExactly(
            "s.yaml:2:10: error: 'artifacts.store' is file or s3, not 's4'",
            "s.yaml:3:18: error: 'artifacts.s3.endpoint' is an http or https URL like"
                + " https://s3.eu-west-1.amazonaws.com, not 'ftp://x'",
            "s.yaml:3:37: error: 'artifacts.s3.bucket' is not a bucket name (3 to 63 lower-case"
                + " letters, digits, '.' and '-')",
            "s.yaml:3:48: error: unknown key 'secret' in artifacts.s3",
            "s.yaml:3:67: error: 'artifacts.s3.prefix' must not start with '/'");
    assertThat(lines(parse("artifacts: {s3: {}}\n")))
        .containsExactly(
            "s.yaml:1:17: error: 'artifacts.s3' is given but 'artifacts.store' is not s3: write"
                + " 'store: s3' to keep artifacts there",
            "s.yaml:1:17: error: 'artifacts.s3' needs 'endpoint'");
    var missing = parse("artifacts: {store: s3}\n");
    assertThat(lines(missing))
        .containsExactly(
            "s.yaml:1:20: error: 'artifacts.store' is s3 but there is no 'artifacts.s3' with the"
                + " endpoint, bucket and key files");
    var incomplete =
        parse("artifacts: {store: s3, s3: {endpoint: 'https://minio:9000', bucket: cis}}\n");
    assertThat(lines(incomplete))
        .containsExactly("s.yaml:1:28: error: 'artifacts.s3' needs 'access_key_file'");
  }

  @Test
  void channels_may_require_a_passed_deploy_keep_digests_and_hand_over_to_a_webhook() {
    var ok =
        parse(
            """
            channels:
              - {name: staging, keep: 3, deploy: {webhook: "http://127.0.0.1:9/hook", secret_file: /etc/sk/hook.key}}
              - {name: production, from: staging, requires: passed}
            retention: {untrusted: 7d, trusted: 90d, every: 30m}
            """);
    assertThat(lines(ok)).isEmpty();
    var c = ok.config().orElseThrow();
    var staging = c.channels().get(0);
    assertThat(staging.keep()).contains(3);
    assertThat(staging.deploy())
        .contains(
            new org.seakeeper.core.model.ServerConfig.Webhook(
                "http://127.0.0.1:9/hook", "/etc/sk/hook.key"));
    assertThat(staging.requiresPassed()).isFalse();
    assertThat(c.channels().get(1).requiresPassed()).isTrue();
    assertThat(c.channels().get(1).from()).contains("staging");
    assertThat(c.retention().maxAge())
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of(
                org.seakeeper.core.model.Tier.UNTRUSTED,
                java.time.Duration.ofDays(7),
                org.seakeeper.core.model.Tier.TRUSTED,
                java.time.Duration.ofDays(90)));
    assertThat(c.retention().every()).isEqualTo(java.time.Duration.ofMinutes(30));
    assertThat(parse("").config().orElseThrow().retention().maxAge()).isEmpty();
    var bad =
        parse(
            """
            channels:
              - {name: a, requires: passed}
              - {name: b, keep: 0, deploy: {webhook: "ftp://x"}}
              - {name: c, from: b, requires: tested}
            retention: {untrusted: soon, forever: 1d}
            """);
    assertThat(bad.config()).isEmpty();
    assertThat(lines(bad))
        .containsExactly(
            "s.yaml:2:5: error: channel 'a' requires a passed deploy step in the channel before"
                + " it: say which with 'from'",
            "s.yaml:3:21: error: a channel's 'keep' must be at least 1 (its current digest)",
            "s.yaml:3:32: error: a channel's 'deploy' needs 'webhook' (the URL) and 'secret_file'"
                + " (the HMAC key the server signs with, made when missing)",
            "s.yaml:3:42: error: 'deploy.webhook' is an http:// or https:// URL, not 'ftp://x'",
            "s.yaml:4:34: error: a channel's 'requires' is 'passed' (a passed deploy step in the"
                + " channel before it), not 'tested'",
            "s.yaml:5:24: error: 'retention.untrusted' is a duration like 30d, 12h or 90m, not"
                + " 'soon'",
            "s.yaml:5:30: error: unknown key 'forever' in retention");
  }

  @Test
  void every_problem_is_listed_with_its_position() {
    var r =
        parse(
            """
            executor: {}
            executors:
              untrusted: {max_parallel: 0, network: true}
            pipelines:
              periodic: {cron: "every day"}
              gate: {}
            store: {type: mysql}
            """);
    assertThat(r.config()).isEmpty();
    assertThat(lines(r))
        .containsExactly(
            "s.yaml:1:1: error: unknown key 'executor' (did you mean 'executors'?); expected one of"
                + " [data_dir, http, admin_token_file, executors, repos, connections, store,"
                + " default_timeout, images, base_jobs, pipelines, gate, limits, config_repo,"
                + " secrets, protected_refs, dependency_cache, provenance, channels, auth,"
                + " private_projects, retention, artifacts]",
            "s.yaml:3:29: error: 'executors.untrusted.max_parallel' must be at least 1",
            "s.yaml:3:32: error: the untrusted tier never has a network (docs/contracts.md §1: no"
                + " network except an allow-listed cache)",
            "s.yaml:5:20: error: bad 'periodic.cron' value 'every day': expected a five-field cron"
                + " in UTC like '0 3 * * *', or @daily",
            "s.yaml:6:3: error: no rules for pipeline 'gate' here; rules exist for periodic (cron)"
                + " and release (tags)",
            "s.yaml:7:8: error: store type 'mysql' is not supported: use h2 or postgresql");
  }

  @Test
  void secrets_name_their_key_file_and_default_to_none() {
    assertThat(parse("").config().orElseThrow().secrets().keyFile()).isEmpty();
    assertThat(
            parse("secrets: {key_file: /etc/seakeeper/secrets.key}\n")
                .config()
                .orElseThrow()
                .secrets()
                .keyFile())
        .contains("/etc/seakeeper/secrets.key");
    assertThat(lines(parse("secrets: {keyfile: x}\n")))
        .singleElement()
        .asString()
        .startsWith("s.yaml:1:11: error: unknown key 'keyfile' in secrets");
    assertThat(lines(parse("secrets: {key_file: ''}\n")))
        .singleElement()
        .asString()
        .contains("'secrets.key_file' is empty");
  }

  @Test
  void limits_set_the_job_cap_of_repo_configs() {
    assertThat(parse("").trusted().orElseThrow().maxJobs()).isEqualTo(JobResolver.MAX_JOBS);
    assertThat(parse("").sections().orElseThrow().limits()).isEmpty();
    assertThat(parse("").sections().orElseThrow().context().maxJobs())
        .isEqualTo(JobResolver.MAX_JOBS);
    var r = parse("limits: {jobs_per_config: 50}\n");
    assertThat(lines(r)).isEmpty();
    assertThat(r.trusted().orElseThrow().maxJobs()).isEqualTo(50);
    assertThat(r.sections().orElseThrow().limits()).contains(new TrustedSections.Limits(50));
    assertThat(r.sections().orElseThrow().context().maxJobs()).isEqualTo(50);
    var most = parse("limits:\n  jobs_per_config: 10000\n");
    assertThat(lines(most)).isEmpty();
    assertThat(most.trusted().orElseThrow().maxJobs()).isEqualTo(10_000);
    var empty = parse("limits: {}\n");
    assertThat(lines(empty)).isEmpty();
    assertThat(empty.trusted().orElseThrow().maxJobs()).isEqualTo(JobResolver.MAX_JOBS);
  }

  @Test
  void a_bad_limit_is_refused_with_its_position() {
    var r =
        parse(
            """
            limits:
              jobs_per_config: 0
            """);
    assertThat(r.config()).isEmpty();
    assertThat(lines(r))
        .containsExactly(
            "s.yaml:2:20: error: 'limits.jobs_per_config' must be between 1 and 10000, found 0"
                + " (default 500)");
    assertThat(lines(parse("limits: {jobs_per_config: 10001}\n")))
        .containsExactly(
            "s.yaml:1:27: error: 'limits.jobs_per_config' must be between 1 and 10000, found"
                + " 10001 (default 500)");
    assertThat(lines(parse("limits: {jobs_per_config: -3}\n")))
        .containsExactly(
            "s.yaml:1:27: error: 'limits.jobs_per_config' must be between 1 and 10000, found -3"
                + " (default 500)");
    assertThat(lines(parse("limits: {jobs_per_config: many}\n")))
        .containsExactly(
            "s.yaml:1:27: error: 'limits.jobs_per_config' must be a whole number, found a"
                + " string");
    assertThat(lines(parse("limits: {jobs_per_config: 99999999999}\n")))
        .containsExactly("s.yaml:1:27: error: 'limits.jobs_per_config' is too large");
    assertThat(lines(parse("limits: {jobs: 10, job_per_config: 10}\n")))
        .containsExactly(
            "s.yaml:1:10: error: unknown key 'jobs' in limits; expected [jobs_per_config]",
            "s.yaml:1:20: error: unknown key 'job_per_config' in limits (did you mean"
                + " 'jobs_per_config'?); expected [jobs_per_config]");
    assertThat(lines(parse("limits: 10\n")))
        .singleElement()
        .satisfies(l -> assertThat(l).startsWith("s.yaml:1:9: error: 'limits' must be"));
  }

  @Test
  void the_dependency_cache_is_on_by_default_configurable_and_off_per_tier() {
    var byDefault = parse("data_dir: /d\n").config().orElseThrow().dependencyCache();
    assertThat(byDefault.enabled()).isTrue();
    assertThat(byDefault.maven())
        .containsExactly(
            org.seakeeper.core.model.ServerConfig.DependencyCache.MAVEN_CENTRAL.get(0));
    var r =
        parse(
            """
            dependency_cache:
              dir: /srv/deps
              max_size: 50g
              upstreams:
                maven: [https://mirror.example.org/maven2/, https://repo.maven.apache.org/maven2/]
                npm: https://npm.example.org/
                pypi: https://pypi.example.org/simple/
            executors:
              privileged: {dependency_cache: false}
            """);
    assertThat(lines(r)).isEmpty();
    var c = r.config().orElseThrow();
    assertThat(c.dependencyCache().dir()).contains("/srv/deps");
    assertThat(c.dependencyCache().maxSizeBytes()).isEqualTo(50L << 30);
    assertThat(c.dependencyCache().maven()).hasSize(2);
    assertThat(c.dependencyCache().npm()).isEqualTo("https://npm.example.org/");
    assertThat(c.executors().get(org.seakeeper.core.model.Tier.PRIVILEGED).dependencyCacheOff())
        .isTrue();
    assertThat(c.executors().get(org.seakeeper.core.model.Tier.UNTRUSTED).dependencyCacheOff())
        .isFalse();
    assertThat(
            parse("dependency_cache: false\n").config().orElseThrow().dependencyCache().enabled())
        .isFalse();
    assertThat(
            lines(
                parse(
                    """
                    dependency_cache:
                      max_size: lots
                      mirrors: []
                      upstreams:
                        maven: [ftp://x.example.org/]
                        npm: https://user:pw@npm.example.org/
                    executors:
                      trusted: {dependency_cache: maybe}
                    """)))
        .containsExactly(
            "s.yaml:2:13: error: bad size 'lots' for 'dependency_cache.max_size': write it like"
                + " 512m or 20g",
            "s.yaml:3:3: error: unknown key 'mirrors' in dependency_cache",
            "s.yaml:5:13: error: 'dependency_cache.upstreams.maven' must be an http(s) URL like"
                + " https://repo.example.org/maven2/ (no user, query or fragment), not"
                + " 'ftp://x.example.org/'",
            "s.yaml:6:10: error: 'dependency_cache.upstreams.npm' must be an http(s) URL like"
                + " https://repo.example.org/maven2/ (no user, query or fragment), not"
                + " 'https://user:pw@npm.example.org/'",
            "s.yaml:8:31: error: 'executors.trusted.dependency_cache' is false (no cache for this"
                + " tier), true (the built-in cache) or {socket: PATH} (an operator's own cache),"
                + " not 'maybe'");
  }
}
