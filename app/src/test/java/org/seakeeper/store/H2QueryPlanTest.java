package org.seakeeper.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.seakeeper.core.build.BuildStatus;
import org.seakeeper.core.model.PipelineName;
import org.seakeeper.core.store.BuildQuery;

/**
 * The history queries the pages make walk an index that matches their filters, in id order, on H2
 * (docs/benchmarks.md, "Pages at 1M builds"): H2 says which index it uses and whether the index
 * gives the order ({@code index sorted}) in its EXPLAIN output. A query that sorts or walks a
 * project's whole index to filter by pipeline is correct but slow at a million builds, so these are
 * regressions no functional test would see.
 */
class H2QueryPlanTest {
  private static final Jdbi DB = migrated();

  private static Jdbi migrated() {
    String url = "jdbc:h2:mem:plan" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    Flyway.configure(Stores.class.getClassLoader())
        .dataSource(url, "seakeeper", "")
        .locations("classpath:db/migration")
        .load()
        .migrate();
    return Jdbi.create(url, "seakeeper", "");
  }

  @ParameterizedTest(name = "project={0} pipeline={1} status={2} connection={3} -> {4}")
  @CsvSource({
    // the status page's estimates: a project's newest successes of one pipeline
    "demo, release, success, gerrit, BUILDS_PROJECT_PIPELINE_STATUS_ID",
    // the history page filtered by project and pipeline (list and trends)
    "demo, post, , , BUILDS_PROJECT_PIPELINE_ID",
    "demo, post, , gerrit, BUILDS_PROJECT_PIPELINE_ID",
    "demo, , failure, , BUILDS_PROJECT_STATUS_ID",
    "demo, , , gerrit, BUILDS_PROJECT",
    "demo, , , , BUILDS_PROJECT_ID",
  })
  void a_history_query_walks_the_index_of_its_filters_in_order(
      String project, String pipeline, String status, String connection, String index) {
    BuildQuery q =
        new BuildQuery(
            Optional.ofNullable(connection),
            Optional.ofNullable(project),
            Optional.empty(),
            Optional.ofNullable(pipeline).flatMap(PipelineName::parse),
            Optional.ofNullable(status).flatMap(BuildStatus::parse),
            Optional.empty(),
            200);
    for (boolean publicOnly : new boolean[] {false, true}) {
      String plan =
          DB.withHandle(
              h ->
                  SqlBuilds.bindList(
                          h.createQuery(
                              "EXPLAIN SELECT id FROM builds "
                                  + SqlBuilds.listClause(q, publicOnly)),
                          q)
                      .mapTo(String.class)
                      .one());
      assertThat(plan)
          .as("public only: %s", publicOnly)
          .contains("PUBLIC." + index + ":")
          .contains("/* index sorted */");
    }
  }
}
