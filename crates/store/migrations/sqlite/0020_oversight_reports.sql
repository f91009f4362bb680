-- 0020 compliance reports 4-6 (SQLite; mirrors the PostgreSQL file statement by statement).
-- Issue 14: the supervisor's reports on language quality (A13-A17), statements (A11, B11) and
-- access (A2, A3) read whole periods of entries, decisions and the access log; these indexes
-- let them read a period through an index instead of the whole table.
-- Indexes only: no table, no data. Shipped: never edit; add a new numbered file instead.

-- Report 4: entries recorded in a period, with their author (whose organisation is counted),
-- kind and id (to join their findings), read from the index alone.
CREATE INDEX entries_recorded ON entries (recorded_at, author_id, kind, id);

-- Report 5: the service ends that break a statement's validity (A11), without reading every
-- entry of every applicant.
CREATE INDEX entries_service_end ON entries (client_id, event_at) WHERE kind = 'service_end';

-- Report 5: one rule-set version's decisions in a period (the drill-down), and decisions by
-- recording time (the quality figures of a period).
CREATE INDEX decisions_version ON decisions (rule_set_hash, recorded_at);
CREATE INDEX decisions_recorded ON decisions (recorded_at);

-- Report 6: flagged reads and refusals (a small part of the log) by time, organisation and
-- client.
CREATE INDEX access_log_flagged ON access_log (at, org_id, action, client_id) WHERE flagged = 1;

-- Report 6: the distinct clients each user read in a period, from the index alone.
CREATE INDEX access_log_reads ON access_log (at, user_id, client_id) WHERE action = 'read';
