-- Issue 13, contracts §9: the owner of a build's change as the review system's event named them
-- (a Gerrit username, or the email of an account without one), so a developer may cancel and
-- retry builds of changes they own (docs/roles.md). NULL: unknown (branches, tags, the local git
-- connection, rows written before this migration). Kept on builds too, as change_id is, so the
-- build lists carry it without a join; a gate run or recheck whose event names no owner takes
-- the newest one recorded for its change (SqlBuilds.changeOwner, by buildsets_change). Written in
-- SQL that H2 and PostgreSQL both accept.
ALTER TABLE buildsets ADD COLUMN owner VARCHAR(255);
ALTER TABLE builds ADD COLUMN owner VARCHAR(255);
CREATE INDEX buildsets_change ON buildsets (change_id, id);
