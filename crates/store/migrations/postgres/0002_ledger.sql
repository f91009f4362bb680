-- 0002 ledger (PostgreSQL; mirrors the SQLite file statement by statement). The tamper-evident
-- log of the record (A4, A5, B10): one leaf per recorded event, in the same transaction as the
-- record it covers. Shipped: never edit; add a new numbered file instead.
--
-- Leaves carry no personal data: an event type, a keyed pseudonym of the subject (HMAC-SHA256
-- under the ledger's pseudonym key) and a commitment SHA-256(salt || canonical record). Binary
-- values are lower-case hex text. The salt and canonical record (the "opening") live beside the
-- leaf and may be erased after retention; every proof stays valid without them.
-- Appends serialise on a transaction-level advisory lock taken by the store.

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
    record    BYTEA,
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

-- The log is append-only, whoever connects (kirjuri_refuse_change() comes from 0001).
CREATE TRIGGER ledger_leaves_append_only BEFORE UPDATE OR DELETE ON ledger_leaves
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER ledger_links_append_only BEFORE UPDATE OR DELETE ON ledger_links
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER ledger_checkpoints_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoints
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();

-- The one permitted change to an opening is its erasure, once.
CREATE FUNCTION kirjuri_ledger_erase_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.salt IS NOT NULL AND NEW.salt IS NULL AND NEW.record IS NULL
       AND NEW.erased_at IS NOT NULL AND NEW.idx = OLD.idx THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ledger_openings may only be erased, never changed or deleted';
END
$$;
CREATE TRIGGER ledger_openings_erase_only BEFORE UPDATE OR DELETE ON ledger_openings
    FOR EACH ROW EXECUTE FUNCTION kirjuri_ledger_erase_only();
