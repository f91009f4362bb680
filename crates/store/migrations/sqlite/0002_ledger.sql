-- 0002 ledger (SQLite; mirrors the PostgreSQL file statement by statement). The tamper-evident
-- log of the record (A4, A5, B10): one leaf per recorded event, in the same transaction as the
-- record it covers. Shipped: never edit; add a new numbered file instead.
--
-- Leaves carry no personal data: an event type, a keyed pseudonym of the subject (HMAC-SHA256
-- under the ledger's pseudonym key) and a commitment SHA-256(salt || canonical record). Binary
-- values are lower-case hex text. The salt and canonical record (the "opening") live beside the
-- leaf and may be erased after retention; every proof stays valid without them.

-- The log itself. idx is the leaf's position, 0, 1, 2, ... without gaps. leaf_hash is the
-- RFC 9162 leaf hash, kept so proofs need not recompute it; verification recomputes it anyway.
CREATE TABLE ledger_leaves (
    idx         BIGINT PRIMARY KEY CHECK (idx >= 0),
    event_type  TEXT NOT NULL,
    subject     TEXT NOT NULL CHECK (length(subject) = 64),
    commitment  TEXT NOT NULL CHECK (length(commitment) = 64),
    leaf_hash   TEXT NOT NULL CHECK (length(leaf_hash) = 64),
    appended_at TEXT NOT NULL
);

-- What opens each leaf's commitment. Erasure (after retention) sets salt and record to NULL and
-- erased_at to the time; nothing else may ever change, and rows are never deleted.
CREATE TABLE ledger_openings (
    idx       BIGINT PRIMARY KEY REFERENCES ledger_leaves (idx),
    salt      TEXT CHECK (salt IS NULL OR length(salt) = 64),
    -- The canonical record bytes (JSON for rows of the record, the erasure record for erasures).
    record    BLOB,
    erased_at TEXT,
    CONSTRAINT ledger_openings_erased_consistently
        CHECK ((salt IS NULL) = (record IS NULL) AND (salt IS NULL) = (erased_at IS NOT NULL))
);

-- Which record row a leaf covers, so a bundle can be found for an entry and verification can
-- compare the row as it stands with the record that was committed. record_key is the row's id
-- (or seq, as text, for tables keyed by seq).
CREATE TABLE ledger_links (
    idx          BIGINT PRIMARY KEY REFERENCES ledger_leaves (idx),
    record_table TEXT NOT NULL,
    record_key   TEXT NOT NULL,
    CONSTRAINT ledger_links_record_unique UNIQUE (record_table, record_key)
);

-- Signed checkpoints (C2SP signed notes) the store has issued, one per tree size.
CREATE TABLE ledger_checkpoints (
    size      BIGINT PRIMARY KEY CHECK (size >= 0),
    note      TEXT NOT NULL,
    signed_at TEXT NOT NULL
);

-- The log is append-only, whoever connects.
CREATE TRIGGER ledger_leaves_no_update BEFORE UPDATE ON ledger_leaves
BEGIN SELECT RAISE(ABORT, 'ledger_leaves is append-only'); END;
CREATE TRIGGER ledger_leaves_no_delete BEFORE DELETE ON ledger_leaves
BEGIN SELECT RAISE(ABORT, 'ledger_leaves is append-only'); END;
CREATE TRIGGER ledger_links_no_update BEFORE UPDATE ON ledger_links
BEGIN SELECT RAISE(ABORT, 'ledger_links is append-only'); END;
CREATE TRIGGER ledger_links_no_delete BEFORE DELETE ON ledger_links
BEGIN SELECT RAISE(ABORT, 'ledger_links is append-only'); END;
CREATE TRIGGER ledger_checkpoints_no_update BEFORE UPDATE ON ledger_checkpoints
BEGIN SELECT RAISE(ABORT, 'ledger_checkpoints is append-only'); END;
CREATE TRIGGER ledger_checkpoints_no_delete BEFORE DELETE ON ledger_checkpoints
BEGIN SELECT RAISE(ABORT, 'ledger_checkpoints is append-only'); END;
-- The one permitted change to an opening is its erasure, once.
CREATE TRIGGER ledger_openings_erase_only BEFORE UPDATE ON ledger_openings
WHEN NOT (OLD.salt IS NOT NULL AND NEW.salt IS NULL AND NEW.record IS NULL
          AND NEW.erased_at IS NOT NULL AND NEW.idx = OLD.idx)
BEGIN SELECT RAISE(ABORT, 'ledger_openings may only be erased'); END;
CREATE TRIGGER ledger_openings_no_delete BEFORE DELETE ON ledger_openings
BEGIN SELECT RAISE(ABORT, 'ledger_openings rows are never deleted; erase the opening instead'); END;
