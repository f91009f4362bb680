-- 0021 manager grants (PostgreSQL; mirrors the SQLite file statement by statement). Issue 14:
-- an organisation's own managers see the compliance reports of their own organisation. A
-- manager is an official's (or KEHA official's) account that holds a manager grant, given and
-- taken away by an administrator of the same organisation; not a role of its own (the users
-- table's CHECK on role could not be altered without rebuilding the table on SQLite).
-- Shipped: never edit; add a new numbered file instead.

-- Every grant and revocation, who made it and when, for good: append-only, a ledger leaf each
-- (the subject being the account's pseudonym), like `account_events`.
CREATE TABLE manager_grant_events (
    seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      TEXT NOT NULL,
    event   TEXT NOT NULL CHECK (event IN ('granted', 'revoked')),
    -- The account given (or losing) the grant, and its organisation at the time.
    user_id TEXT NOT NULL REFERENCES users (id),
    org_id  TEXT NOT NULL REFERENCES organisations (id),
    -- The administrator who acted.
    by_user TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX manager_grant_events_user ON manager_grant_events (user_id, seq);

CREATE TRIGGER manager_grant_events_append_only BEFORE UPDATE OR DELETE ON manager_grant_events
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();

-- The grants in force: a work index like `open_job_searches`, not a record. A row is inserted
-- in the write that records a `granted` event and deleted in the one that records its
-- `revoked` event, so the primary key makes a second grant of a held one a no-op and a
-- signed-in account's grant is one key lookup.
CREATE TABLE managers (
    user_id    TEXT PRIMARY KEY REFERENCES users (id),
    org_id     TEXT NOT NULL REFERENCES organisations (id),
    granted_at TEXT NOT NULL,
    by_user    TEXT NOT NULL REFERENCES users (id)
);
