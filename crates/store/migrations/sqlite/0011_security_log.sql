-- 0011 security log (SQLite; mirrors the PostgreSQL file). Issue 15 item 7: failed password
-- log-ins, log-ins refused because of the throttle's delay, and an administrator lifting the
-- delays of an account are kept here for good, for the supervisor to read. The throttle's
-- own counts (login_failures, migration 4) are pruned after their window; this log is not.
-- The username is what was typed (cleaned of control and format characters, at most 100
-- characters): an unknown one is a finding too. Shipped: never edit; add a new numbered file
-- instead.

CREATE TABLE security_log (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    event    TEXT NOT NULL
        CHECK (event IN ('login_failed', 'login_delayed', 'delays_lifted')),
    username TEXT NOT NULL,
    -- The client address as the server saw it (the last X-Forwarded-For entry behind a
    -- trusted proxy); NULL when the transport knows none.
    address  TEXT,
    -- The account the username belongs to, when there is one.
    user_id  TEXT REFERENCES users (id),
    -- Who acted (the administrator who lifted the delays); NULL for log-in attempts.
    by_user  TEXT REFERENCES users (id)
);
CREATE INDEX security_log_at ON security_log (at);

CREATE TRIGGER security_log_no_update BEFORE UPDATE ON security_log
BEGIN SELECT RAISE(ABORT, 'security_log is append-only (issue 15 item 7)'); END;
CREATE TRIGGER security_log_no_delete BEFORE DELETE ON security_log
BEGIN SELECT RAISE(ABORT, 'security_log is append-only (issue 15 item 7)'); END;
