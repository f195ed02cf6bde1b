-- Secrets (contracts §1, §5): one value per (connection, project, name), encrypted at rest. The
-- server never stores a value in the clear: `sealed` is AES-256-GCM output (base64) whose
-- associated data binds it to its slot and scope, so a value copied to another row, or a scope
-- widened in the database, fails to decrypt. `key_id` names the key that sealed it (not the key).
CREATE TABLE secrets (
  connection VARCHAR(200) NOT NULL,
  project VARCHAR(1000) NOT NULL,
  name VARCHAR(64) NOT NULL,
  pipelines VARCHAR(200) NOT NULL,              -- comma-separated pipeline ids, e.g. post,periodic,release
  key_id VARCHAR(64) NOT NULL,
  sealed VARCHAR NOT NULL,
  updated_at TIMESTAMP(3) WITH TIME ZONE NOT NULL,
  CONSTRAINT secrets_slot PRIMARY KEY (connection, project, name)
);
CREATE INDEX secrets_project ON secrets (project, connection, name);
