-- Issue 14, follow-ups: each promotion's hand-over to a deploy step (a webhook signed by the
-- server) and the deploy step's reported result, which a channel with `requires: passed` checks
-- in the channel before it; and an index for retention's sweep (tier, age). Written in SQL that
-- H2 and PostgreSQL both accept. (V8 is left to the users/roles/audit work.)
ALTER TABLE promotions ADD COLUMN deploy_state VARCHAR(20) DEFAULT 'none' NOT NULL;
ALTER TABLE promotions ADD COLUMN deploy_detail VARCHAR(1000);
ALTER TABLE promotions ADD COLUMN deploy_by VARCHAR(200);
ALTER TABLE promotions ADD COLUMN deploy_at TIMESTAMP(3) WITH TIME ZONE;
CREATE INDEX artifacts_tier_stored ON artifacts (tier, stored_at);
