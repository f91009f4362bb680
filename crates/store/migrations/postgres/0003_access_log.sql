-- 0003 access log (PostgreSQL; mirrors the SQLite file). Every read and write of a client's data, and every refused
-- attempt, as one row: who, in which role and organisation, when, which client, what, why
-- (Information Management Act 906/2019 17 §; A2, A3). Shipped: never edit.
--
-- A write's row is inserted in the same transaction as the write, so there is no write
-- without its log row; each row is also a ledger leaf (event `access`, linked through
-- ledger_links), so a removed or altered row is found by ledger verification. Rows are never
-- changed or removed (triggers below).

CREATE TABLE access_log (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL,
    org_id     TEXT REFERENCES organisations (id),
    client_id  TEXT NOT NULL REFERENCES clients (id),
    action     TEXT NOT NULL CHECK (action IN ('read', 'write', 'denied')),
    -- What was touched: 'client', 'entries', 'appointments', 'export', ...
    resource   TEXT NOT NULL,
    -- Why, as stated by the user or implied by the role ('client service', 'supervision').
    purpose    TEXT NOT NULL,
    -- 1 when an official reached a client of another organisation: reviewed afterwards (A2).
    flagged    INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1))
);
CREATE INDEX access_log_client ON access_log (client_id, seq);
CREATE INDEX access_log_user ON access_log (user_id, seq);

CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
