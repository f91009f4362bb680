-- 0001 foundation (PostgreSQL; mirrors the SQLite file statement by statement). Organisations, personal accounts, sessions, clients and the
-- client's record. Shipped: never edit; add a new numbered file instead.
--
-- Conventions: ids are UUID text; instants are RFC 3339 UTC text with microseconds
-- ('2026-03-02T08:00:00.000000Z') so they sort as text; dates are 'YYYY-MM-DD'.
-- Record tables are append-only (A5): triggers refuse UPDATE and DELETE.

CREATE TABLE organisations (
    id       TEXT PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('employment_authority', 'keha', 'supervisor')),
    -- Named in full: clients never see an abbreviation of an authority's name.
    name_fi  TEXT NOT NULL,
    name_sv  TEXT NOT NULL
);

-- One row per person (A1: no shared accounts).
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL CONSTRAINT users_username_unique UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('job_seeker', 'official', 'keha_official',
                                                'rules_author', 'supervisor', 'administrator')),
    org_id        TEXT REFERENCES organisations (id),
    -- A job seeker's account points at their own client record.
    client_id     TEXT,
    -- Argon2id PHC string; NULL for accounts that log in only through OpenID Connect.
    password_hash TEXT,
    created_at    TEXT NOT NULL
);

-- Only a hash of the session token is stored, so a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE clients (
    id          TEXT PRIMARY KEY,
    hetu        TEXT NOT NULL CONSTRAINT clients_hetu_unique UNIQUE,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    language    TEXT NOT NULL CHECK (language IN ('fi', 'sv', 'se', 'en')),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users (id)
);
ALTER TABLE users ADD CONSTRAINT users_client_fk FOREIGN KEY (client_id) REFERENCES clients (id);
CREATE INDEX clients_org ON clients (org_id, last_name, first_name);

CREATE TABLE job_searches (
    id           TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL REFERENCES clients (id),
    start_date   TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX job_searches_client ON job_searches (client_id, start_date);

-- A job search ends once; the end is a row of its own so that job_searches stays append-only.
CREATE TABLE job_search_ends (
    job_search_id TEXT PRIMARY KEY REFERENCES job_searches (id),
    end_date      TEXT NOT NULL,
    reason        TEXT NOT NULL CHECK (reason IN ('employed', 'own_request', 'not_renewed',
                      'no_contact', 'info_not_given', 'right_to_work_ended', 'full_time_studies')),
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL REFERENCES users (id)
);

-- Journal entries (A4-A7, A10). seq gives the order of recording.
CREATE TABLE entries (
    seq               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                TEXT NOT NULL CONSTRAINT entries_id_unique UNIQUE,
    client_id         TEXT NOT NULL REFERENCES clients (id),
    kind              TEXT NOT NULL CHECK (kind IN ('contact', 'initial_interview',
                          'employment_plan', 'advice', 'service_start', 'service_end',
                          'work_capacity', 'safety', 'other')),
    text              TEXT NOT NULL,
    -- Type-specific content as JSON (follow-up dates, service name).
    details           TEXT NOT NULL,
    event_at          TEXT NOT NULL,
    recorded_at       TEXT NOT NULL,
    author_id         TEXT NOT NULL REFERENCES users (id),
    corrects_id       TEXT,
    correction_reason TEXT,
    CONSTRAINT entries_id_client_unique UNIQUE (id, client_id),
    -- A correction points at an entry of the same client (A5).
    CONSTRAINT entries_correction_same_client FOREIGN KEY (corrects_id, client_id)
        REFERENCES entries (id, client_id),
    CONSTRAINT entries_correction_has_reason
        CHECK ((corrects_id IS NULL) = (correction_reason IS NULL)),
    -- An entry is corrected at most once, so corrections form a chain, not a tree.
    CONSTRAINT entries_corrected_once UNIQUE (corrects_id)
);
CREATE INDEX entries_client ON entries (client_id, seq);

CREATE TABLE appointments (
    id               TEXT PRIMARY KEY,
    client_id        TEXT NOT NULL REFERENCES clients (id),
    official_id      TEXT REFERENCES users (id),
    local_date       TEXT NOT NULL,
    local_time       TEXT NOT NULL,
    time_zone        TEXT NOT NULL CHECK (time_zone = 'Europe/Helsinki'),
    starts_at        TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
    mode             TEXT NOT NULL CHECK (mode IN ('phone', 'video', 'visit')),
    phone_number     TEXT,
    video_link       TEXT,
    address          TEXT,
    recorded_at      TEXT NOT NULL,
    recorded_by      TEXT NOT NULL REFERENCES users (id),
    -- A12: a visit without an address is not an appointment anyone can attend.
    CONSTRAINT appointments_visit_has_address CHECK (mode <> 'visit' OR address IS NOT NULL)
);
CREATE INDEX appointments_client ON appointments (client_id, starts_at);

-- Agreed contact method (A9); the latest row is in force, earlier rows are its history.
CREATE TABLE contact_methods (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id    TEXT NOT NULL REFERENCES clients (id),
    method       TEXT NOT NULL CHECK (method IN ('online', 'phone', 'video', 'visit', 'letter')),
    agreed_on    TEXT NOT NULL,
    note         TEXT,
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX contact_methods_client ON contact_methods (client_id, seq);

-- Responsible expert assignments (A8); the latest row is in force.
CREATE TABLE responsible_experts (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id    TEXT NOT NULL REFERENCES clients (id),
    official_id  TEXT NOT NULL REFERENCES users (id),
    from_date    TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX responsible_experts_client ON responsible_experts (client_id, seq);

-- Append-only record tables (A5): the store has no update or delete path, and the database
-- refuses one too, whoever connects.
CREATE FUNCTION kirjuri_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (A5): record a correction instead', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER job_searches_append_only BEFORE UPDATE OR DELETE ON job_searches
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER job_search_ends_append_only BEFORE UPDATE OR DELETE ON job_search_ends
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER appointments_append_only BEFORE UPDATE OR DELETE ON appointments
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER contact_methods_append_only BEFORE UPDATE OR DELETE ON contact_methods
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER responsible_experts_append_only BEFORE UPDATE OR DELETE ON responsible_experts
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
