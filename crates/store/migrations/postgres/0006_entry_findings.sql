-- 0006 entry findings (PostgreSQL; mirrors the SQLite file). What the entry-quality checker
-- (kirjuri-quality: abbreviations A14, offensive words A15, health data A17, identity codes
-- A16) found in an entry's text when it was written, kept with the entry so that a reviewer
-- sees what the official was warned about. Blocking findings refuse the write, so only
-- warnings are stored. Shipped: never edit; add a new numbered file instead.

CREATE TABLE entry_findings (
    entry_id   TEXT NOT NULL REFERENCES entries (id),
    -- Position among the entry's findings, in text order.
    ord        INTEGER NOT NULL CHECK (ord >= 0),
    kind       TEXT NOT NULL,
    severity   TEXT NOT NULL CHECK (severity IN ('warn', 'block')),
    -- Character (Unicode scalar) range in the entry's text.
    start_char INTEGER NOT NULL CHECK (start_char >= 0),
    end_char   INTEGER NOT NULL CHECK (end_char >= start_char),
    -- The matched base form, abbreviation or code (an identity code only masked).
    matched    TEXT NOT NULL,
    PRIMARY KEY (entry_id, ord)
);

CREATE TRIGGER entry_findings_append_only BEFORE UPDATE OR DELETE ON entry_findings
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
