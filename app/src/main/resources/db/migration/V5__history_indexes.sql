-- Build history queries at a million builds (docs/benchmarks.md, "History queries"): a project's
-- builds in id order, with or without a status, without reading and sorting all of them.
-- SqlBuilds.list names the filter-bound leading columns in its ORDER BY so that H2 uses them too.
CREATE INDEX builds_project_id ON builds (project, id);
CREATE INDEX builds_project_status_id ON builds (project, status, id);
