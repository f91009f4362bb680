-- 0013 account events (SQLite; mirrors the PostgreSQL file). Issue 15 item 6: who created an
-- account, with which role, in which organisation, is recorded for good (append-only, a
-- ledger leaf each, the subject being the account's pseudonym) and shown to the supervisor.
-- Display names are distinct within an organisation (case-insensitively), so that the access
-- log's "Anna Virtanen" names one person. Shipped: never edit; add a new numbered file
-- instead.

CREATE TABLE account_events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
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

CREATE TRIGGER account_events_no_update BEFORE UPDATE ON account_events
BEGIN SELECT RAISE(ABORT, 'account_events is append-only (issue 15 item 6)'); END;
CREATE TRIGGER account_events_no_delete BEFORE DELETE ON account_events
BEGIN SELECT RAISE(ABORT, 'account_events is append-only (issue 15 item 6)'); END;

CREATE UNIQUE INDEX users_display_name_per_org ON users (org_id, lower(display_name));
