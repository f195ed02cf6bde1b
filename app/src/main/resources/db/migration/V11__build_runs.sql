-- Issue 13 (the build page): what a build was given when it started, written by the scheduler in
-- the transaction that moves the build to running. The names of the secrets handed over (a JSON
-- array; never their values), network on or off, image, limits, and the job's resolved config as
-- it ran (JSON, at most 64 KiB: core.build.RunConfig cuts longer scripts with a visible marker).
-- Written in SQL that H2 and PostgreSQL both accept.
CREATE TABLE build_runs (
  build_id BIGINT PRIMARY KEY REFERENCES builds (id),
  secrets VARCHAR NOT NULL,
  network BOOLEAN NOT NULL,
  image VARCHAR NOT NULL,
  timeout_seconds BIGINT NOT NULL,
  checkout_depth INTEGER NOT NULL,
  config VARCHAR NOT NULL
);
