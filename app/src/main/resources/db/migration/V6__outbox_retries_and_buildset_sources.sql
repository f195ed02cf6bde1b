-- Issue 10: effects (reviews, submits) run off the scheduler thread and are retried with backoff,
-- and a queued build can start after a restart without the network. Written in SQL that H2 and
-- PostgreSQL both accept.

-- A failed delivery is deferred: how many attempts failed, when the entry may be tried again
-- (NULL: at once), what the last attempt said. Existing rows were never deferred. The kinds stay
-- the strings they were (buildset-finished, buildset-started, gate-failed, gate-merged; new: submit).
ALTER TABLE outbox ADD COLUMN attempts INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE outbox ADD COLUMN not_before TIMESTAMP(3) WITH TIME ZONE;
ALTER TABLE outbox ADD COLUMN last_error VARCHAR;

-- The changes of other repositories a buildset's builds check out beside the workspace, in order.
CREATE TABLE buildset_dependencies (
  buildset_id BIGINT NOT NULL REFERENCES buildsets (id),
  position INTEGER NOT NULL,
  connection VARCHAR(200) NOT NULL,
  project VARCHAR(1000) NOT NULL,
  branch VARCHAR(1000) NOT NULL,
  change_id VARCHAR(200) NOT NULL,
  patchset VARCHAR(200) NOT NULL,
  commit_sha VARCHAR(200) NOT NULL,
  PRIMARY KEY (buildset_id, position)
);

-- The .seakeeper.yaml bytes a buildset was planned from, kept once per content (SHA-256, hex):
-- thousands of buildsets of one config share one row of config_blobs.
CREATE TABLE config_blobs (
  sha256 VARCHAR(64) PRIMARY KEY,
  content BYTEA NOT NULL
);

CREATE TABLE buildset_configs (
  buildset_id BIGINT PRIMARY KEY REFERENCES buildsets (id),
  sha256 VARCHAR(64) NOT NULL REFERENCES config_blobs (sha256)
);
