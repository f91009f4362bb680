-- 0005 statements (PostgreSQL): automated labour-policy statements at the start and end of job
-- search (KEHA/73792/2024; B1, B2, B8, B10, B13, B14, B17). Shipped: never edit.

-- Deployment (adoption) decisions of the automated procedure (B13, B17). A rule-set version
-- decides cases only while a decision covers it: decided_on <= the decision date and not
-- retired on or before it. Rows are never removed (kept 5 years after retirement, B17) and
-- never changed, except that the retirement date may be set once (trigger below).
CREATE TABLE adoption_decisions (
    -- The decision's register number, e.g. 'KEHA/73792/2024'.
    number           TEXT PRIMARY KEY,
    decided_on       TEXT NOT NULL,
    -- JSON array of the SHA-256 hashes (hex) of the rule sets it adopts.
    rule_set_hashes  TEXT NOT NULL,
    -- Named responsible persons (B11): for quality, and for correcting errors.
    quality_owner    TEXT NOT NULL,
    error_owner      TEXT NOT NULL,
    -- Where the decision is published (B8, B13).
    url              TEXT NOT NULL,
    retired_on       TEXT,
    recorded_at      TEXT NOT NULL,
    recorded_by      TEXT NOT NULL REFERENCES users (id)
);

CREATE FUNCTION kirjuri_adoption_retire_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'adoption_decisions are kept (B17)';
    END IF;
    IF OLD.retired_on IS NOT NULL OR NEW.retired_on IS NULL
       OR NEW.number IS DISTINCT FROM OLD.number OR NEW.decided_on IS DISTINCT FROM OLD.decided_on
       OR NEW.rule_set_hashes IS DISTINCT FROM OLD.rule_set_hashes
       OR NEW.quality_owner IS DISTINCT FROM OLD.quality_owner
       OR NEW.error_owner IS DISTINCT FROM OLD.error_owner OR NEW.url IS DISTINCT FROM OLD.url
       OR NEW.recorded_at IS DISTINCT FROM OLD.recorded_at
       OR NEW.recorded_by IS DISTINCT FROM OLD.recorded_by THEN
        RAISE EXCEPTION 'adoption_decisions are append-only; only the retirement date is set, once (B17)';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER adoption_decisions_retire_once BEFORE UPDATE OR DELETE ON adoption_decisions
    FOR EACH ROW EXECUTE FUNCTION kirjuri_adoption_retire_once();

-- What the authority's registers say about a client (B4), as recorded by an official: the
-- latest row is in force; earlier rows stay as history. Person facts the rules read live here
-- too (birth date comes from the identity code; sex and language are never read by rules, B16).
CREATE TABLE register_facts (
    seq                        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id                  TEXT NOT NULL REFERENCES clients (id),
    employment_continues       INTEGER NOT NULL CHECK (employment_continues IN (0, 1)),
    active_degree_studies      INTEGER NOT NULL CHECK (active_degree_studies IN (0, 1)),
    active_business            INTEGER NOT NULL CHECK (active_business IN (0, 1)),
    resides_in_finland         INTEGER NOT NULL CHECK (resides_in_finland IN (0, 1)),
    right_to_work              TEXT NOT NULL CHECK (right_to_work IN ('citizen', 'eu_eea',
                                   'permit_unrestricted', 'permit_restricted', 'permit_temporary', 'none')),
    vocational_qualification   INTEGER NOT NULL CHECK (vocational_qualification IN (0, 1)),
    partial_disability_pension INTEGER NOT NULL CHECK (partial_disability_pension IN (0, 1)),
    recorded_at                TEXT NOT NULL,
    recorded_by                TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX register_facts_client ON register_facts (client_id, seq);

CREATE TRIGGER register_facts_append_only BEFORE UPDATE OR DELETE ON register_facts
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();

-- Decisions of the automated procedure (B10): the inputs, the rule-set version that decided,
-- the adoption decision that covered it, the outcome and its reasons, the trace, and for an
-- automatic outcome the statement document. Written in the same transaction as the job-search
-- start or end that triggered it; each row is a ledger leaf (event 'decision').
CREATE TABLE decisions (
    id                  TEXT PRIMARY KEY,
    client_id           TEXT NOT NULL REFERENCES clients (id),
    job_search_id       TEXT NOT NULL REFERENCES job_searches (id),
    kind                TEXT NOT NULL CHECK (kind IN ('job_search_start', 'job_search_end')),
    decision_date       TEXT NOT NULL,
    -- The statement request (shared/cases contract) as JSON, without the protected `sex`.
    inputs              TEXT NOT NULL,
    rule_set_name       TEXT NOT NULL,
    rule_set_version    TEXT NOT NULL,
    rule_set_hash       TEXT NOT NULL,
    -- NULL when no adoption decision covered the rule set (the case is then routed).
    adoption_number     TEXT REFERENCES adoption_decisions (number),
    outcome             TEXT NOT NULL CHECK (outcome IN ('auto_positive', 'auto_end', 'routed')),
    -- JSON array of {code, target, basis, rule}.
    reasons             TEXT NOT NULL,
    target              TEXT CHECK (target IN ('employment_authority', 'keha')),
    effective_date      TEXT,
    trace               TEXT NOT NULL,
    -- The statement (plain text) for an automatic outcome, in `document_language`.
    document            TEXT,
    document_language   TEXT,
    -- The client acknowledged the prior notice of automated decision-making (B14).
    notice_acknowledged INTEGER NOT NULL CHECK (notice_acknowledged IN (0, 1)),
    recorded_at         TEXT NOT NULL,
    -- Who made the request that triggered the procedure (the decision itself is automated).
    recorded_by         TEXT NOT NULL REFERENCES users (id),
    CONSTRAINT decisions_one_per_step UNIQUE (job_search_id, kind)
);
CREATE INDEX decisions_client ON decisions (client_id, recorded_at);

CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
