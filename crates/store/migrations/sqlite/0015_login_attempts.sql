-- 0015 log-in attempts counted atomically (SQLite; mirrors the PostgreSQL file). Issue 16,
-- several servers on one database: a password log-in is counted as a failure under each of
-- its throttle keys BEFORE the password is checked, in one transaction that first reads the
-- counts (on PostgreSQL under an advisory lock per key), so parallel guesses sent to several
-- servers cannot all pass the count before any failure is recorded (two servers let 6
-- guesses a burst through instead of 5). `attempt` names the attempt a row was counted
-- for, so a log-in that succeeds removes exactly its own provisional rows; rows written
-- before this migration have none. Shipped: never edit; add a new numbered file instead.

ALTER TABLE login_failures ADD COLUMN attempt TEXT;
CREATE INDEX login_failures_attempt ON login_failures (attempt);
