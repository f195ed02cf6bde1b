-- Issue 11: an event whose handling fails again and again (its preparation given up, or applying it
-- threw three times) is set aside instead of holding up the scheduler; an admin retries it (the row
-- goes, the event is unprocessed again) or drops it (the row goes, the event is marked processed).
-- Written in SQL that H2 and PostgreSQL both accept.
CREATE TABLE quarantined_events (
  event_id BIGINT PRIMARY KEY REFERENCES events (id),
  connection VARCHAR(200) NOT NULL,
  quarantined_at TIMESTAMP(3) WITH TIME ZONE NOT NULL,
  reason VARCHAR NOT NULL
);
CREATE INDEX quarantined_events_at ON quarantined_events (quarantined_at, event_id);
