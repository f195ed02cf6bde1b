-- A project's builds of one pipeline in id order (docs/benchmarks.md, "Pages at 1M builds"): the
-- status page's estimates read a project's newest successes of one pipeline, and the history page
-- lists and trends a project's builds of one pipeline. Without these, both walked the project's
-- index and filtered by pipeline: for a rare pipeline (release, periodic) of a large project, all of
-- its builds. SqlBuilds.orderBy names the leading columns in its ORDER BY so that H2 uses them.
CREATE INDEX builds_project_pipeline_id ON builds (project, pipeline, id);
CREATE INDEX builds_project_pipeline_status_id ON builds (project, pipeline, status, id);
