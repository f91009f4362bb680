-- 0007 work queue (SQLite; mirrors the PostgreSQL file): the steps an official takes on a
-- decision the automated procedure routed to them (KEHA/73792/2024; B2, B4, B10). A routed
-- decision is open while it has no 'resolved' step. 'taken' says who works on it; 'resolved'
-- records the official's statement (outcome, effective date, reasoning, legal basis and the
-- document in the client's language). Append-only; each row is a ledger leaf (event
-- 'official_action'). Shipped: never edit; add a new numbered file instead.

CREATE TABLE official_steps (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    decision_id       TEXT NOT NULL REFERENCES decisions (id),
    client_id         TEXT NOT NULL REFERENCES clients (id),
    step              TEXT NOT NULL CHECK (step IN ('taken', 'resolved')),
    -- The official and the organisation they acted for (the statement's issuer).
    by_user           TEXT NOT NULL REFERENCES users (id),
    org_id            TEXT NOT NULL REFERENCES organisations (id),
    at                TEXT NOT NULL,
    -- Only for 'resolved': the official's statement.
    outcome           TEXT CHECK (outcome IN ('no_obstacle', 'obstacle', 'job_search_ended')),
    effective_date    TEXT,
    reasoning         TEXT,
    basis             TEXT,
    document          TEXT,
    document_language TEXT,
    CONSTRAINT official_steps_resolution CHECK (
        (step = 'taken' AND outcome IS NULL AND effective_date IS NULL AND reasoning IS NULL
            AND basis IS NULL AND document IS NULL AND document_language IS NULL)
        OR (step = 'resolved' AND outcome IS NOT NULL AND effective_date IS NOT NULL
            AND reasoning IS NOT NULL AND basis IS NOT NULL AND document IS NOT NULL
            AND document_language IS NOT NULL))
);
CREATE INDEX official_steps_decision ON official_steps (decision_id, seq);
-- A decision is resolved once.
CREATE UNIQUE INDEX official_steps_one_resolution ON official_steps (decision_id)
    WHERE step = 'resolved';

CREATE TRIGGER official_steps_no_update BEFORE UPDATE ON official_steps
BEGIN SELECT RAISE(ABORT, 'official_steps is append-only (A5, B10)'); END;
CREATE TRIGGER official_steps_no_delete BEFORE DELETE ON official_steps
BEGIN SELECT RAISE(ABORT, 'official_steps is append-only (A5, B10)'); END;
