-- Issue 16 (operations): /health tells a database that cannot take writes (its disk full,
-- the server read-only, e.g. a replica or `default_transaction_read_only`) from a healthy one
-- by writing here: one row, rewritten by every probe, so the table never grows. Nothing else
-- reads or writes it, and it holds no personal data, so it is neither in the ledger nor in
-- the retention policy.
CREATE TABLE write_probe (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    -- When the last probe wrote (RFC 3339 UTC), and which server process did.
    at     TEXT NOT NULL,
    server TEXT NOT NULL
);
INSERT INTO write_probe (id, at, server) VALUES (1, '1970-01-01T00:00:00.000000Z', '');
