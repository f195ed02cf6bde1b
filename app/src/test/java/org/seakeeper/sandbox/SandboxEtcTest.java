package org.seakeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seakeeper.core.executor.Checkout;
import org.seakeeper.core.executor.JobOutcome;
import org.seakeeper.core.model.Tier;

/**
 * The /etc of the host image (THREAT_MODEL C7): derived from the links under /usr into /etc, minus
 * the deny-list. Unit tests on a fake host tree, then real bubblewrap jobs on this host.
 */
class SandboxEtcTest {
  private static SandboxFixture sandbox;

  @BeforeAll
  static void start() throws IOException {
    sandbox = new SandboxFixture();
  }

  @AfterAll
  static void stop() throws IOException {
    sandbox.close();
  }

  // ---- a fake host: hostRoot/usr and hostRoot/etc ----

  private static Path file(Path root, String rel, String mode) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "content of " + rel + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  private static void link(Path root, String rel, String target) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.createSymbolicLink(p, Path.of(target));
  }

  /** A host where Maven, a JDK, alternatives, TLS and SSH look as on Debian, with secrets. */
  private static Path fakeHost(Path root) throws IOException {
    Files.createDirectories(root);
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    file(root, "etc/maven/m2.conf", "rw-r--r--");
    file(root, "etc/maven/settings.xml", "rw-r--r--");
    file(root, "etc/maven/seakeeper-deploy-token", "rw-r--r--");
    link(root, "usr/share/maven/bin/m2.conf", "/etc/maven/m2.conf");
    link(root, "usr/share/maven/conf", "/etc/maven");
    file(root, "etc/jdk-conf/security/java.security", "rw-r--r--");
    link(root, "usr/lib/jvm/jdk/conf/security", "../../../../../etc/jdk-conf/security");
    file(root, "usr/lib/tool/bin/tool", "rwxr-xr-x");
    link(root, "etc/alternatives/tool", "/usr/lib/tool/bin/tool");
    link(root, "usr/bin/tool", "/etc/alternatives/tool");
    // a chain inside /etc: /usr -> /etc/chain-a -> /etc/chain-b
    file(root, "etc/chain-b/conf", "rw-r--r--");
    link(root, "etc/chain-a", "chain-b");
    link(root, "usr/lib/chained", "/etc/chain-a/conf");
    file(root, "etc/ssl/certs/ca.pem", "rw-r--r--");
    file(root, "etc/ssl/openssl.cnf", "rw-r--r--");
    file(root, "etc/ssl/private/host.pem", "rw-r--r--");
    file(root, "etc/ssl/server.key", "rw-r--r--");
    file(root, "etc/ssl/root-only.cnf", "rw-------");
    link(root, "usr/lib/ssl/private", "/etc/ssl/private");
    link(root, "usr/lib/ssl/certs", "/etc/ssl/certs");
    file(root, "etc/ssh/ssh_config", "rw-r--r--");
    file(root, "etc/ssh/ssh_host_ed25519_key", "rw-r--r--");
    file(root, "etc/ssh/ssh_host_ed25519_key.pub", "rw-r--r--");
    file(root, "etc/ssh/moduli", "rw-r--r--");
    file(root, "etc/shadow", "rw-r--r--");
    link(root, "usr/lib/silly/shadow", "/etc/shadow");
    file(root, "etc/sudoers", "rw-r--r--");
    file(root, "etc/krb5.keytab", "rw-r--r--");
    file(root, "etc/hidden/inner.conf", "rw-r--r--");
    Files.setPosixFilePermissions(
        root.resolve("etc/hidden"), PosixFilePermissions.fromString("rwx--x--x"));
    link(root, "usr/lib/hidden", "/etc/hidden/inner.conf");
    file(root, "etc/passwd", "rw-r--r--");
    link(root, "usr/lib/passwd-link", "/etc/passwd");
    file(root, "etc/resolv.conf", "rw-r--r--");
    file(root, "etc/java-99-openjdk/net.properties", "rw-r--r--");
    file(root, "etc/unrelated.conf", "rw-r--r--");
    file(root, "etc/doc-only/x", "rw-r--r--");
    link(root, "usr/share/doc/pkg/x", "/etc/doc-only/x");
    return root;
  }

  private static Set<String> tree(Path dir) throws IOException {
    Set<String> out = new TreeSet<>();
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
            if (!d.equals(dir)) {
              out.add(dir.relativize(d) + "/");
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
            out.add(dir.relativize(f).toString());
            return FileVisitResult.CONTINUE;
          }
        });
    return out;
  }

  @Test
  void the_walk_names_each_etc_entry_a_link_under_usr_leads_through(@TempDir Path tmp)
      throws IOException {
    Path host = fakeHost(tmp.resolve("host"));
    SandboxEtc.Derived d = SandboxEtc.derive(host);
    assertThat(d.complete()).isTrue();
    assertThat(d.entries())
        .containsExactlyInAnyOrder(
            "maven",
            "jdk-conf",
            "alternatives",
            "chain-a",
            "chain-b",
            "ssl",
            "shadow",
            "hidden",
            "passwd");
    // Limits stop the walk and say so.
    SandboxEtc.Derived capped = SandboxEtc.derive(host, 3, Duration.ofSeconds(5));
    assertThat(capped.complete()).isFalse();
    assertThat(capped.visited()).isLessThanOrEqualTo(4);
  }

  @Test
  void the_job_etc_has_what_usr_links_to_and_nothing_denied_or_unreadable(@TempDir Path tmp)
      throws IOException {
    Path host = fakeHost(tmp.resolve("host"));
    SandboxEtc etc = new SandboxEtc(Files.createDirectories(tmp.resolve("work")), host);
    try {
      Path dir = etc.forJob("untrusted", false, 1234, 1234);
      Set<String> t = tree(dir);
      assertThat(t)
          .contains(
              "maven/m2.conf",
              "maven/settings.xml",
              "jdk-conf/security/java.security",
              "alternatives/tool",
              "chain-a/conf",
              "chain-b/conf",
              "ssl/certs/ca.pem",
              "ssl/openssl.cnf",
              "ssh/ssh_config",
              "java-99-openjdk/net.properties",
              "passwd",
              "group",
              "hosts",
              "nsswitch.conf")
          .doesNotContain(
              "maven/seakeeper-deploy-token",
              "ssl/private/",
              "ssl/private/host.pem",
              "ssl/server.key",
              "ssl/root-only.cnf",
              "ssh/ssh_host_ed25519_key",
              "ssh/ssh_host_ed25519_key.pub",
              "ssh/moduli",
              "shadow",
              "sudoers",
              "krb5.keytab",
              "hidden/",
              "hidden/inner.conf",
              "resolv.conf",
              "unrelated.conf",
              "doc-only/");
      assertThat(Files.readString(dir.resolve("passwd"))).contains("build:x:1234:1234");
      assertThat(Files.isSymbolicLink(dir.resolve("alternatives/tool"))).isTrue();
      assertThat(Files.readString(dir.resolve("maven/m2.conf"))).contains("maven/m2.conf");
      assertThat(etc.forJob("untrusted", false, 1234, 1234)).isSameAs(dir);
      assertThat(tree(etc.forJob("trusted", true, 1234, 1234))).contains("resolv.conf");
    } finally {
      etc.close();
    }
    assertThat(tree(tmp.resolve("work"))).isEmpty();
  }

  @Test
  void the_deny_list_holds_at_any_depth() {
    for (String rel :
        List.of(
            "shadow",
            "gshadow-",
            "sudoers.d/x",
            "security/opasswd",
            "ssl/private",
            "ssl/private/x.pem",
            "pki/tls/private/x",
            "ssl/server.key",
            "ssh/ssh_host_rsa_key",
            "ssh/ssh_host_rsa_key.pub",
            "ssh/sshd_config",
            "maven/seakeeper.yaml",
            "seakeeper/id_ed25519",
            "foo/krb5.keytab",
            "ipsec.secrets",
            "ldap.secret",
            "foo/gerrit-password",
            "NetworkManager/system-connections/wifi.nmconnection",
            "machine-id")) {
      assertThat(SandboxEtc.denied(rel)).as(rel).isTrue();
    }
    for (String rel :
        List.of(
            "ssl/certs/ca-certificates.crt",
            "ssl/openssl.cnf",
            "ssh/ssh_config",
            "ssh/ssh_config.d/x.conf",
            "maven/m2.conf",
            "java-17-openjdk/security/java.security",
            "alternatives/java",
            "python3.11/sitecustomize.py")) {
      assertThat(SandboxEtc.denied(rel)).as(rel).isFalse();
    }
  }

  @Test
  void the_walk_of_this_host_is_bounded_and_cheap(@TempDir Path tmp) throws IOException {
    SandboxEtc.Derived d = SandboxEtc.derive(Path.of("/"));
    System.out.println(
        "walk of /usr: "
            + d.visited()
            + " entries, "
            + d.links()
            + " links, "
            + d.took().toMillis()
            + " ms, /etc entries "
            + d.entries()
            + "; a job's /etc has "
            + new SandboxEtc(tmp, Path.of("/")).entries(false));
    assertThat(d.complete()).as("the walk finishes within its limits here").isTrue();
    if (Files.isSymbolicLink(Path.of("/usr/share/maven/bin/m2.conf"))) {
      assertThat(d.entries()).contains("maven");
    }
  }

  // ---- real bubblewrap jobs on this host ----

  /** Host paths the job may look at: what the sandbox binds from the host. */
  private static boolean bound(Path real) {
    return real.startsWith("/usr") || real.startsWith("/etc");
  }

  @Test
  void every_link_under_usr_into_etc_resolves_in_a_job_unless_denied(@TempDir Path tmp)
      throws Exception {
    List<String> lines = new ArrayList<>();
    Path usr = Path.of("/usr");
    Set<Path> skipped = new HashSet<>();
    SandboxEtc.WALK_SKIPPED.forEach(s -> skipped.add(usr.resolve(s)));
    Files.walkFileTree(
        usr,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
            return skipped.contains(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
            if (!a.isSymbolicLink()) {
              return FileVisitResult.CONTINUE;
            }
            Path first = f.getParent().resolve(Files.readSymbolicLink(f)).normalize();
            Path real;
            try {
              real = f.toRealPath();
            } catch (IOException e) {
              return FileVisitResult.CONTINUE; // dangling on the host as well
            }
            Path inEtc = first.startsWith("/etc") ? first : real.startsWith("/etc") ? real : null;
            if (inEtc == null || !bound(real) || f.toString().contains(" ")) {
              return FileVisitResult.CONTINUE;
            }
            String rel = Path.of("/etc").relativize(inEtc).toString();
            String relReal =
                real.startsWith("/etc") ? Path.of("/etc").relativize(real).toString() : "";
            if (SandboxEtc.denied(rel) || !relReal.isEmpty() && SandboxEtc.denied(relReal)) {
              lines.add("absent " + f);
            } else if (othersCanRead(real)) {
              lines.add("present " + f);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
    assumeTrue(!lines.isEmpty(), "no link under /usr leads into /etc on this host");
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(ws, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.write(ws.resolve("links.txt"), lines);
    var o =
        sandbox.run(
            sandbox.request(
                """
                n=0
                while read -r want l; do
                  n=$((n+1))
                  if [ "$want" = present ]; then [ -r "$l" ] || echo "WRONG missing $l"; fi
                  if [ "$want" = absent ]; then [ ! -e "$l" ] || echo "WRONG present $l"; fi
                done < links.txt
                echo "checked $n"
                """,
                Tier.UNTRUSTED,
                false,
                Duration.ofSeconds(60),
                Checkout.directory(ws.toString())));
    assertThat(o.result().outcome()).as(o.text()).isInstanceOf(JobOutcome.Succeeded.class);
    assertThat(o.lines()).as(o.text()).contains("checked " + lines.size());
    assertThat(o.lines()).as(o.text()).noneMatch(l -> l.startsWith("WRONG"));
  }

  private static boolean othersCanRead(Path real) throws IOException {
    for (Path p = real; p.getParent() != null; p = p.getParent()) {
      var perms = Files.getPosixFilePermissions(p);
      if (p.equals(real) && !Files.isDirectory(p)
          ? !perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
          : !perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
        return false;
      }
    }
    return true;
  }

  @Test
  void shadow_sudoers_and_ssh_host_keys_are_absent_in_a_job() throws Exception {
    var o =
        sandbox.untrusted(
            """
            for f in /etc/shadow /etc/gshadow /etc/shadow- /etc/gshadow- /etc/sudoers \
                /etc/sudoers.d /etc/security /etc/ssl/private /etc/machine-id /etc/krb5.keytab; do
              if [ -e "$f" ]; then echo "PRESENT $f"; fi
              if cat "$f" 2>/dev/null; then echo "READ $f"; fi
            done
            find /etc \\( -name '*_key' -o -name '*_key.pub' -o -name '*.key' -o -name private \
                -o -name 'seakeeper*' -o -name '*.keytab' \\) -printf 'FOUND %p\\n'
            ls /etc/ssh 2>/dev/null | sed 's/^/SSH /'
            [ -r /etc/ssl/certs ] && echo CONTROL_CERTS
            echo checked
            """);
    assertThat(o.lines())
        .as(o.text())
        .contains("checked")
        .noneMatch(l -> l.startsWith("PRESENT") || l.startsWith("READ") || l.startsWith("FOUND"))
        .noneMatch(l -> l.contains("root:"));
    assertThat(o.lines().stream().filter(l -> l.startsWith("SSH ")).map(l -> l.substring(4)))
        .allMatch(n -> SandboxEtc.ONLY.get("ssh").contains(n));
    if (Files.isDirectory(Path.of("/etc/ssl/certs"))) {
      assertThat(o.lines()).as("positive control").contains("CONTROL_CERTS");
    }
  }

  /**
   * World-readable canaries planted where the deny-list, not a file mode, must keep them out: an
   * SSH host key, a TLS key next to openssl.cnf, a file in ssl/private and a seakeeper* file in
   * /etc/maven; each is read by name and searched for by content in a fresh executor's job.
   */
  @Test
  void world_readable_secrets_planted_in_allowed_directories_stay_out_of_a_job() throws Exception {
    assumeTrue(HostUsers.isRoot(), "planting files under /etc needs root");
    String tag = "sk-canary-" + ProcessHandle.current().pid();
    String value = "canary-" + java.util.UUID.randomUUID();
    List<Path> planted = new ArrayList<>();
    List<Path> madeDirs = new ArrayList<>();
    List<Path> targets =
        List.of(
            Path.of("/etc/ssh/ssh_host_" + tag + "_key"),
            Path.of("/etc/ssl/" + tag + ".key"),
            Path.of("/etc/ssl/private/" + tag + ".pem"),
            Path.of("/etc/maven/seakeeper-" + tag));
    try {
      for (Path p : targets) {
        if (!Files.isDirectory(p.getParent())) {
          madeDirs.add(Files.createDirectories(p.getParent()));
        }
        Files.writeString(p, value + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        planted.add(p);
      }
      try (SandboxFixture fresh = new SandboxFixture()) {
        StringBuilder script = new StringBuilder();
        for (Path p : targets) {
          script.append("if cat ").append(p).append("; then echo READ ").append(p).append("; fi\n");
        }
        script.append("if grep -rlF ").append(value).append(" /etc; then echo FOUND; fi\n");
        script.append("[ -r /etc/ssl/openssl.cnf ] && echo CONTROL\necho checked\n");
        var o = fresh.untrusted(script.toString());
        if (Files.isReadable(Path.of("/etc/ssl/openssl.cnf"))) {
          assertThat(o.lines()).as("positive control").contains("CONTROL");
        }
        assertThat(o.lines())
            .as(o.text())
            .contains("checked")
            .noneMatch(l -> l.startsWith("READ") || l.equals("FOUND") || l.contains(value));
      }
    } finally {
      for (Path p : planted) {
        Files.deleteIfExists(p);
      }
      for (Path d : madeDirs.reversed()) {
        Files.deleteIfExists(d);
      }
    }
  }
}
