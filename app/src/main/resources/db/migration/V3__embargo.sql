-- Embargoed builds (contracts §6): a change from a private source whose builds stay hidden from
-- anyone without the admin token until published. The mark is its own table; it names the inbox
-- event that started the builds, so the buildsets of that event (and their builds) are hidden
-- while published_at is NULL. Written in SQL that H2 and PostgreSQL both accept.
CREATE TABLE embargoes (
  id VARCHAR(64) PRIMARY KEY,
  event_id BIGINT NOT NULL REFERENCES events (id),
  source_connection VARCHAR(200) NOT NULL,
  project VARCHAR(1000) NOT NULL,
  base_ref VARCHAR(1000) NOT NULL,
  base_commit VARCHAR(200) NOT NULL,
  commit_sha VARCHAR(200) NOT NULL,
  submitted_by VARCHAR(200) NOT NULL,
  submitted_at TIMESTAMP(3) WITH TIME ZONE NOT NULL,
  published_at TIMESTAMP(3) WITH TIME ZONE,
  CONSTRAINT embargoes_event_unique UNIQUE (event_id)
);
CREATE INDEX embargoes_hidden ON embargoes (published_at, event_id);
-- The public view finds the buildsets of hidden events by event_id.
CREATE INDEX buildsets_event ON buildsets (event_id, id);
