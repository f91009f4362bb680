-- 0013 account events (PostgreSQL; mirrors the SQLite file). Issue 15 item 6: who created an
-- account, with which role, in which organisation, is recorded for good (append-only, a
-- ledger leaf each, the subject being the account's pseudonym) and shown to the supervisor.
-- Display names are distinct within an organisation (case-insensitively), so that the access
-- log's "Anna Virtanen" names one person. Shipped: never edit; add a new numbered file
-- instead.

CREATE TABLE account_events (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           TEXT NOT NULL,
    event        TEXT NOT NULL CHECK (event IN ('created')),
    user_id      TEXT NOT NULL REFERENCES users (id),
    -- The account as the event left it.
    username     TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role         TEXT NOT NULL,
    org_id       TEXT REFERENCES organisations (id),
    -- The administrator who acted.
    by_user      TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX account_events_user ON account_events (user_id);

CREATE TRIGGER account_events_append_only BEFORE UPDATE OR DELETE ON account_events
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();

CREATE UNIQUE INDEX users_display_name_per_org ON users (org_id, lower(display_name));
