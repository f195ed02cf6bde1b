-- Issue 13, follow-up: login sessions survive a restart. A session is kept under the SHA-256 of
-- its cookie's value, never the cookie itself, so reading this table logs no one in; with the
-- person's user, OIDC groups (newline-separated, as api_tokens) and the session's CSRF token.
-- Opening one drops ended sessions (by expires_at) and the user's oldest beyond a cap (by
-- user_name, created_at). Written in SQL that H2 and PostgreSQL both accept.
CREATE TABLE login_sessions (
  session_sha256 VARCHAR(64) PRIMARY KEY,
  user_name VARCHAR(200) NOT NULL,
  groups_list VARCHAR NOT NULL,
  csrf_token VARCHAR(100) NOT NULL,
  created_at TIMESTAMP(3) WITH TIME ZONE NOT NULL,
  expires_at TIMESTAMP(3) WITH TIME ZONE NOT NULL
);
CREATE INDEX login_sessions_user ON login_sessions (user_name, created_at);
CREATE INDEX login_sessions_expires ON login_sessions (expires_at);
