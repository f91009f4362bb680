-- 0008 reconsideration (PostgreSQL; mirrors the SQLite file): a client's request that a
-- labour-policy statement be reconsidered, and the steps an official takes on it (B7, B10,
-- B15; GDPR art. 22(3)). A person handles every request, never the automated procedure.
--
-- The statement reconsidered is either the automated statement of a decision ('automated'), or
-- the official's statement on a routed decision ('official', the 'resolved' row of
-- official_steps). Its outcome and effective date are copied into the request in the words of
-- an official's statement (auto_positive = no_obstacle, auto_end = job_search_ended), so the
-- resolution can record whether the outcome changed. The request goes to the organisation that
-- issued the statement: for an automated statement the client's employment authority (named as
-- the issuer in the document), for an official's statement the organisation the official acted
-- for ('keha' when that is KEHA-keskus). A statement is reconsidered once; the statement given
-- on reconsideration is not reconsidered again (the client appeals the benefit payer's decision).
-- Append-only; each row is a ledger leaf. Shipped: never edit; add a new numbered file instead.

CREATE TABLE reconsideration_requests (
    id                       TEXT PRIMARY KEY,
    decision_id              TEXT NOT NULL REFERENCES decisions (id),
    client_id                TEXT NOT NULL REFERENCES clients (id),
    statement                TEXT NOT NULL CHECK (statement IN ('automated', 'official')),
    -- For an official's statement: the official_steps row that issued it.
    official_step            BIGINT REFERENCES official_steps (seq),
    statement_outcome        TEXT NOT NULL
                             CHECK (statement_outcome IN ('no_obstacle', 'obstacle', 'job_search_ended')),
    statement_effective_date TEXT NOT NULL,
    -- Whose queue: the issuer of the statement.
    target                   TEXT NOT NULL CHECK (target IN ('employment_authority', 'keha')),
    org_id                   TEXT NOT NULL REFERENCES organisations (id),
    -- The client's reasons (their view of the matter), as given.
    reasons                  TEXT NOT NULL,
    requested_by             TEXT NOT NULL REFERENCES users (id),
    -- 'client': the client asked themself; 'official': an official recorded it on their behalf.
    requested_as             TEXT NOT NULL CHECK (requested_as IN ('client', 'official')),
    requested_at             TEXT NOT NULL,
    CONSTRAINT reconsideration_requests_statement CHECK (
        (statement = 'automated' AND official_step IS NULL)
        OR (statement = 'official' AND official_step IS NOT NULL))
);
-- One request per statement (and so per decision).
CREATE UNIQUE INDEX reconsideration_requests_one_per_statement
    ON reconsideration_requests (decision_id);
CREATE INDEX reconsideration_requests_client ON reconsideration_requests (client_id, requested_at);

CREATE TRIGGER reconsideration_requests_append_only BEFORE UPDATE OR DELETE ON reconsideration_requests
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();

-- What officials do with a request: 'taken' says who works on it; 'resolved' is the new
-- statement (outcome, effective date, reasoning, legal basis, document in the client's
-- language) and whether it changed the outcome or its date. A request is open while it has no
-- 'resolved' row.
CREATE TABLE reconsideration_steps (
    seq               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id        TEXT NOT NULL REFERENCES reconsideration_requests (id),
    client_id         TEXT NOT NULL REFERENCES clients (id),
    step              TEXT NOT NULL CHECK (step IN ('taken', 'resolved')),
    by_user           TEXT NOT NULL REFERENCES users (id),
    org_id            TEXT NOT NULL REFERENCES organisations (id),
    at                TEXT NOT NULL,
    outcome           TEXT CHECK (outcome IN ('no_obstacle', 'obstacle', 'job_search_ended')),
    effective_date    TEXT,
    reasoning         TEXT,
    basis             TEXT,
    document          TEXT,
    document_language TEXT,
    outcome_changed   INTEGER CHECK (outcome_changed IN (0, 1)),
    CONSTRAINT reconsideration_steps_resolution CHECK (
        (step = 'taken' AND outcome IS NULL AND effective_date IS NULL AND reasoning IS NULL
            AND basis IS NULL AND document IS NULL AND document_language IS NULL
            AND outcome_changed IS NULL)
        OR (step = 'resolved' AND outcome IS NOT NULL AND effective_date IS NOT NULL
            AND reasoning IS NOT NULL AND basis IS NOT NULL AND document IS NOT NULL
            AND document_language IS NOT NULL AND outcome_changed IS NOT NULL))
);
CREATE INDEX reconsideration_steps_request ON reconsideration_steps (request_id, seq);
-- A request is resolved once.
CREATE UNIQUE INDEX reconsideration_steps_one_resolution ON reconsideration_steps (request_id)
    WHERE step = 'resolved';

CREATE TRIGGER reconsideration_steps_append_only BEFORE UPDATE OR DELETE ON reconsideration_steps
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
