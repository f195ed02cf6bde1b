package org.seakeeper;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The rules of ARCHITECTURE.md, checked on the main classes of all three modules (this module's
 * test classpath sees core, testkit and app): core is pure and imports neither testkit nor app,
 * testkit does not import app, app's packages follow the table "Package dependencies", and no two
 * packages depend on each other, directly or around a cycle.
 */
class ArchitectureTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.seakeeper");

  /**
   * ARCHITECTURE.md's table of app's packages: each may use core and the packages listed, and no
   * other package of app. Adding a package of app means adding it here and there.
   */
  private static final Map<String, Set<String>> APP_PACKAGES = new LinkedHashMap<>();

  static {
    APP_PACKAGES.put(
        "cli", Set.of("server", "app", "store", "secrets", "git", "sandbox", "artifact"));
    APP_PACKAGES.put(
        "server",
        Set.of("web", "gerrit", "git", "sandbox", "store", "secrets", "app", "artifact", "auth"));
    APP_PACKAGES.put("app", Set.of("sandbox", "depcache"));
    APP_PACKAGES.put("web", Set.of("secrets", "artifact", "auth"));
    APP_PACKAGES.put("auth", Set.of());
    APP_PACKAGES.put("gerrit", Set.of("git"));
    APP_PACKAGES.put("store", Set.of("secrets"));
    APP_PACKAGES.put("git", Set.of());
    APP_PACKAGES.put("sandbox", Set.of());
    APP_PACKAGES.put("secrets", Set.of());
    APP_PACKAGES.put("depcache", Set.of());
    APP_PACKAGES.put("artifact", Set.of("secrets"));
  }

  /** java.net's types that only parse or encode strings. */
  private static final Set<String> PURE_JAVA_NET =
      Set.of("URI", "URISyntaxException", "URLDecoder", "URLEncoder");

  /** What performs I/O: files, network, databases, processes, and the libraries that do them. */
  private static final DescribedPredicate<JavaClass> IO_API =
      resideInAnyPackage(
              "java.nio.file..",
              "java.nio.channels..",
              "java.net.http..",
              "java.sql..",
              "javax.sql..",
              "javax.net..",
              "java.rmi..",
              "org.jdbi..",
              "org.flywaydb..",
              "org.h2..",
              "org.postgresql..",
              "com.zaxxer..",
              "io.javalin..",
              "org.eclipse.jetty..",
              "org.eclipse.jgit..",
              "org.apache.sshd..",
              "picocli..",
              "org.slf4j..",
              "ch.qos.logback..",
              "io.micrometer..")
          .or(
              describe(
                  "java.net other than its pure URI and URL-encoding types",
                  c ->
                      c.getPackageName().equals("java.net")
                          && !PURE_JAVA_NET.contains(c.getSimpleName())))
          .or(
              describe(
                  "java.io's files and consoles",
                  c ->
                      c.getPackageName().equals("java.io")
                          && (c.getSimpleName().startsWith("File")
                              || Set.of("RandomAccessFile", "Console")
                                  .contains(c.getSimpleName()))))
          .or(
              describe(
                  "processes",
                  c ->
                      c.getPackageName().equals("java.lang")
                          && Set.of("Process", "ProcessBuilder", "ProcessHandle", "Runtime")
                              .contains(c.getSimpleName())));

  @Test
  void the_import_sees_all_three_modules() {
    Set<String> packages = new TreeSet<>();
    CLASSES.forEach(c -> packages.add(c.getPackageName()));
    assertThat(packages)
        .contains(
            "org.seakeeper.core.model",
            "org.seakeeper.core.scheduler",
            "org.seakeeper.testkit",
            "org.seakeeper.server")
        .noneMatch(p -> p.equals("org.seakeeper"));
    for (String p : APP_PACKAGES.keySet()) {
      assertThat(packages)
          .as("the table names only packages that exist")
          .contains("org.seakeeper." + p);
    }
  }

  @Test
  void core_uses_only_itself_the_jdk_and_the_yaml_parser() {
    classes()
        .that()
        .resideInAPackage("org.seakeeper.core..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("org.seakeeper.core..", "java..", "org.snakeyaml.engine..")
        .because("core is pure: it imports neither testkit nor app, nor any adapter's library")
        .check(CLASSES);
  }

  @Test
  void core_never_does_io() {
    noClasses()
        .that()
        .resideInAPackage("org.seakeeper.core..")
        .should()
        .dependOnClassesThat(IO_API)
        .orShould()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err")
        .orShould()
        .accessField(System.class, "in")
        .orShould()
        .callMethod(System.class, "getenv")
        .orShould()
        .callMethod(System.class, "getenv", String.class)
        .orShould()
        .callMethod(System.class, "getProperty", String.class)
        .orShould()
        .callMethod(System.class, "getProperty", String.class, String.class)
        .orShould()
        .callMethod(System.class, "exit", int.class)
        .because(
            "core parses bytes it is handed and returns values; files, networks, databases and"
                + " processes are app's")
        .check(CLASSES);
  }

  @Test
  void core_model_and_effect_use_no_other_package_of_core_and_gate_only_the_model() {
    for (String leaf : new String[] {"model", "effect", "gate"}) {
      DescribedPredicate<com.tngtech.archunit.core.domain.JavaClass> allowed =
          leaf.equals("gate")
              ? resideInAPackage("org.seakeeper.core.gate..")
                  .or(resideInAPackage("org.seakeeper.core.model.."))
              : resideInAPackage("org.seakeeper.core." + leaf + "..");
      noClasses()
          .that()
          .resideInAPackage("org.seakeeper.core." + leaf + "..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("org.seakeeper.core..")
                  .and(DescribedPredicate.not(allowed))
                  .as("another package of core"))
          .because(
              "core." + leaf + " is at the bottom of core (ARCHITECTURE.md, package dependencies)")
          .check(CLASSES);
    }
  }

  @Test
  void nothing_in_core_uses_the_scheduler() {
    noClasses()
        .that()
        .resideInAPackage("org.seakeeper.core..")
        .and()
        .resideOutsideOfPackage("org.seakeeper.core.scheduler..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.seakeeper.core.scheduler..")
        .because("the scheduler sits on top of core; what it shares with others belongs below it")
        .check(CLASSES);
  }

  @Test
  void testkit_does_not_use_app() {
    noClasses()
        .that()
        .resideInAPackage("org.seakeeper.testkit..")
        .should()
        .dependOnClassesThat(inApp())
        .because(
            "testkit holds fakes of core's ports and their contracts; app's tests use testkit, not"
                + " the other way")
        .check(CLASSES);
  }

  @Test
  void app_does_not_use_testkit() {
    noClasses()
        .that(inApp())
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.seakeeper.testkit..")
        .because("fakes are for tests")
        .check(CLASSES);
  }

  @Test
  void each_package_of_app_uses_only_the_packages_of_app_its_row_names() {
    for (Map.Entry<String, Set<String>> row : APP_PACKAGES.entrySet()) {
      String[] forbidden =
          APP_PACKAGES.keySet().stream()
              .filter(p -> !p.equals(row.getKey()) && !row.getValue().contains(p))
              .map(p -> "org.seakeeper." + p + "..")
              .toArray(String[]::new);
      if (forbidden.length == 0) {
        continue;
      }
      noClasses()
          .that()
          .resideInAPackage("org.seakeeper." + row.getKey() + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(forbidden)
          .because(
              "ARCHITECTURE.md's package dependencies allow "
                  + row.getKey()
                  + " only "
                  + row.getValue())
          .check(CLASSES);
    }
  }

  @Test
  void every_package_of_app_has_a_row() {
    Set<String> unlisted = new TreeSet<>();
    CLASSES
        .that(inApp())
        .forEach(
            c -> {
              String p = c.getPackageName().substring("org.seakeeper.".length());
              if (!APP_PACKAGES.containsKey(p)) {
                unlisted.add(p);
              }
            });
    assertThat(unlisted)
        .as("packages of app missing from the table in ARCHITECTURE.md and here")
        .isEmpty();
  }

  @Test
  void no_package_cycles() {
    slices().matching("org.seakeeper.(**)").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void no_cycles_between_top_packages() {
    slices().matching("org.seakeeper.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  private static DescribedPredicate<JavaClass> inApp() {
    return resideInAPackage("org.seakeeper..")
        .and(
            DescribedPredicate.not(
                resideInAnyPackage("org.seakeeper.core..", "org.seakeeper.testkit..")))
        .as("a class of app");
  }
}
