-- 0017 notices (PostgreSQL; mirrors the SQLite file): the e-mail address a client agreed for
-- notices with a contact method (A9), and the notice outbox (issue 13, A18).
--
-- A notice says only that something new waits in Kirjuri ("you have a new message / a new
-- appointment / a statement — log in to read it"); what it is about stays in Kirjuri. The
-- outbox follows the statement outbox (migration 9): every row but the work index
-- notice_outstanding is append-only, and a notice's state is the rows that follow it
-- (attempts, failures, the record of sending), so a restarted worker continues where the last
-- one stopped and two workers never send the same attempt.
-- Shipped: never edit; add a new numbered file instead.

-- The e-mail address agreed with a contact method, for notices only. Part of the agreement
-- (written in its transaction, a ledger leaf of its own); an agreement without one sends no
-- notices. Personal data: never logged, never in a URL.
CREATE TABLE contact_method_emails (
    contact_seq BIGINT PRIMARY KEY REFERENCES contact_methods (seq),
    client_id   TEXT NOT NULL REFERENCES clients (id),
    email       TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX contact_method_emails_client ON contact_method_emails (client_id);

-- One notice to a client: what kind, about what (an appointment id, a statement as
-- source:reference, a message id), and when it is due (at enqueue; a reminder on the morning
-- before the appointment). The address is not kept here: the worker reads the contact method
-- in force when it sends, so a client who has since chosen letters gets no e-mail.
CREATE TABLE notices (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients (id),
    kind        TEXT NOT NULL CHECK (kind IN ('new_appointment', 'new_statement', 'new_message',
                                               'appointment_reminder')),
    about       TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    enqueued_at TEXT NOT NULL,
    -- One notice of a kind about a thing.
    CONSTRAINT notices_once UNIQUE (kind, about)
);
CREATE INDEX notices_client ON notices (client_id, enqueued_at);

-- The notices not yet sent nor given up: the worker's work index (not a record; deleted with
-- the row that ends a notice).
CREATE TABLE notice_outstanding (
    notice_id TEXT PRIMARY KEY REFERENCES notices (id)
);

-- A worker's claim on a notice before sending, with a lease (see delivery_attempts).
CREATE TABLE notice_attempts (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notice_id   TEXT NOT NULL REFERENCES notices (id),
    attempt_no  BIGINT NOT NULL CHECK (attempt_no >= 1),
    worker      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    lease_until TEXT NOT NULL,
    CONSTRAINT notice_attempts_once UNIQUE (notice_id, attempt_no)
);

-- An attempt that did not send: why (never the address nor the text), and when to try again;
-- retry_at NULL: given up (the content check refused the text, or the contact method in force
-- has no e-mail address).
CREATE TABLE notice_failures (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notice_id   TEXT NOT NULL,
    attempt_no  BIGINT NOT NULL,
    at          TEXT NOT NULL,
    error       TEXT NOT NULL,
    retry_at    TEXT,
    CONSTRAINT notice_failures_once UNIQUE (notice_id, attempt_no),
    FOREIGN KEY (notice_id, attempt_no) REFERENCES notice_attempts (notice_id, attempt_no)
);

-- The mail server accepted the notice: when, by which worker, under which Message-ID (derived
-- from the notice's id, the same on every attempt, so a resend is recognisable).
CREATE TABLE notice_sent (
    notice_id   TEXT PRIMARY KEY REFERENCES notices (id),
    attempt_no  BIGINT NOT NULL,
    sent_at     TEXT NOT NULL,
    worker      TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    FOREIGN KEY (notice_id, attempt_no) REFERENCES notice_attempts (notice_id, attempt_no)
);

-- Append-only; deleted only by the retention job (see 0012).
CREATE TRIGGER contact_method_emails_append_only BEFORE UPDATE ON contact_method_emails
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER contact_method_emails_no_delete BEFORE DELETE ON contact_method_emails
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
CREATE TRIGGER notices_append_only BEFORE UPDATE ON notices
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER notices_no_delete BEFORE DELETE ON notices
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
CREATE TRIGGER notice_attempts_append_only BEFORE UPDATE ON notice_attempts
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER notice_attempts_no_delete BEFORE DELETE ON notice_attempts
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
CREATE TRIGGER notice_failures_append_only BEFORE UPDATE ON notice_failures
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER notice_failures_no_delete BEFORE DELETE ON notice_failures
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
CREATE TRIGGER notice_sent_append_only BEFORE UPDATE ON notice_sent
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER notice_sent_no_delete BEFORE DELETE ON notice_sent
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
