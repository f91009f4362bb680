-- 0009 delivery (SQLite; mirrors the PostgreSQL file): benefit payers, clients' benefit
-- applications, and the outbox that delivers every labour-policy statement to each payer the
-- client has applied to, exactly once per payer (issue 5; TTL 1:4, A11, A18).
--
-- Everything here but the work index delivery_outstanding is append-only: the delivery state
-- is not a column that changes but the rows that follow a delivery (attempts, failures, the
-- receipt), so no row covered by the ledger ever changes and `ledger verify` holds whatever
-- the worker does. A delivery is done
-- when it has a receipt; otherwise it is due at its enqueue time, after a failure at the
-- failure's retry time, and after an attempt with no outcome (the worker stopped between
-- sending and recording) when the attempt's lease runs out.
-- Shipped: never edit; add a new numbered file instead.

-- Who pays the benefit (Kela, an unemployment fund) and where statements are delivered. The
-- endpoint is https (plain http only to loopback, checked by the domain type EndpointUrl).
-- Not client data; registered by an administrator.
CREATE TABLE benefit_payers (
    id            TEXT PRIMARY KEY,
    name_fi       TEXT NOT NULL,
    name_sv       TEXT NOT NULL,
    endpoint_url  TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    registered_by TEXT NOT NULL REFERENCES users (id),
    CONSTRAINT benefit_payers_name_unique UNIQUE (name_fi)
);

-- A client's application for benefit at a payer, in force from from_date, as recorded by an
-- official of the client's employment authority. A client record (ledger leaf each, event
-- 'official_action'); the client applies to the payer, not here.
CREATE TABLE benefit_applications (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id    TEXT NOT NULL REFERENCES clients (id),
    payer_id     TEXT NOT NULL REFERENCES benefit_payers (id),
    from_date    TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX benefit_applications_client ON benefit_applications (client_id, seq);

-- One statement to deliver to one payer (the outbox), written in the transaction that issued
-- the statement or recorded the application. statement_kind names where the statement lives
-- ('decision': an automated statement, decisions.id; 'official_step': an official's
-- resolution, official_steps.seq; later sources add their own kind). The body is the JSON sent,
-- fixed at enqueue so every retry sends the same bytes; the idempotency key is derived from
-- (statement, payer) and sent as the Idempotency-Key header. A ledger leaf each (event
-- 'routing-step').
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL REFERENCES clients (id),
    payer_id        TEXT NOT NULL REFERENCES benefit_payers (id),
    statement_kind  TEXT NOT NULL,
    statement_ref   TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body            TEXT NOT NULL,
    enqueued_at     TEXT NOT NULL,
    -- Exactly once per payer.
    CONSTRAINT deliveries_once_per_payer UNIQUE (statement_kind, statement_ref, payer_id),
    CONSTRAINT deliveries_key_unique UNIQUE (idempotency_key)
);
CREATE INDEX deliveries_client ON deliveries (client_id, enqueued_at);

-- The deliveries without a receipt: an index of the outbox's work, so that finding what is
-- due does not read every delivery ever made. Inserted with the delivery, deleted in the
-- transaction that records its receipt. Not a record: the append-only rows above and below
-- are the truth (a delivery is done when it has a receipt), so this table alone may change.
CREATE TABLE delivery_outstanding (
    delivery_id TEXT PRIMARY KEY REFERENCES deliveries (id)
);

-- A worker's attempt to send a delivery: claimed before sending (the unique attempt number
-- lets one worker of several claim it), counted lost when lease_until passes without an
-- outcome. Operational, not a client record: no ledger leaf.
CREATE TABLE delivery_attempts (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id TEXT NOT NULL REFERENCES deliveries (id),
    attempt_no  INTEGER NOT NULL CHECK (attempt_no >= 1),
    worker      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    lease_until TEXT NOT NULL,
    CONSTRAINT delivery_attempts_once UNIQUE (delivery_id, attempt_no)
);

-- An attempt that failed (HTTP status other than 2xx, timeout, connection error) and when to
-- try again (backoff). No ledger leaf.
CREATE TABLE delivery_failures (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id TEXT NOT NULL,
    attempt_no  INTEGER NOT NULL,
    at          TEXT NOT NULL,
    http_status INTEGER,
    error       TEXT NOT NULL,
    retry_at    TEXT NOT NULL,
    CONSTRAINT delivery_failures_once UNIQUE (delivery_id, attempt_no),
    FOREIGN KEY (delivery_id, attempt_no) REFERENCES delivery_attempts (delivery_id, attempt_no)
);

-- The payer accepted the delivery (2xx): when, to which address, by which worker instance,
-- and a hash of the payer's answer, so a receipt is attributable. One per delivery; a ledger
-- leaf each (event 'routing-step'): the record of the disclosure to the payer.
CREATE TABLE delivery_receipts (
    delivery_id     TEXT PRIMARY KEY REFERENCES deliveries (id),
    attempt_no      INTEGER NOT NULL,
    delivered_at    TEXT NOT NULL,
    worker          TEXT NOT NULL,
    endpoint_url    TEXT NOT NULL,
    http_status     INTEGER NOT NULL,
    response_sha256 TEXT NOT NULL,
    FOREIGN KEY (delivery_id, attempt_no) REFERENCES delivery_attempts (delivery_id, attempt_no)
);

CREATE TRIGGER benefit_payers_no_update BEFORE UPDATE ON benefit_payers
BEGIN SELECT RAISE(ABORT, 'benefit_payers is append-only (A5)'); END;
CREATE TRIGGER benefit_payers_no_delete BEFORE DELETE ON benefit_payers
BEGIN SELECT RAISE(ABORT, 'benefit_payers is append-only (A5)'); END;
CREATE TRIGGER benefit_applications_no_update BEFORE UPDATE ON benefit_applications
BEGIN SELECT RAISE(ABORT, 'benefit_applications is append-only (A5)'); END;
CREATE TRIGGER benefit_applications_no_delete BEFORE DELETE ON benefit_applications
BEGIN SELECT RAISE(ABORT, 'benefit_applications is append-only (A5)'); END;
CREATE TRIGGER deliveries_no_update BEFORE UPDATE ON deliveries
BEGIN SELECT RAISE(ABORT, 'deliveries is append-only (A5)'); END;
CREATE TRIGGER deliveries_no_delete BEFORE DELETE ON deliveries
BEGIN SELECT RAISE(ABORT, 'deliveries is append-only (A5)'); END;
CREATE TRIGGER delivery_attempts_no_update BEFORE UPDATE ON delivery_attempts
BEGIN SELECT RAISE(ABORT, 'delivery_attempts is append-only (A5)'); END;
CREATE TRIGGER delivery_attempts_no_delete BEFORE DELETE ON delivery_attempts
BEGIN SELECT RAISE(ABORT, 'delivery_attempts is append-only (A5)'); END;
CREATE TRIGGER delivery_failures_no_update BEFORE UPDATE ON delivery_failures
BEGIN SELECT RAISE(ABORT, 'delivery_failures is append-only (A5)'); END;
CREATE TRIGGER delivery_failures_no_delete BEFORE DELETE ON delivery_failures
BEGIN SELECT RAISE(ABORT, 'delivery_failures is append-only (A5)'); END;
CREATE TRIGGER delivery_receipts_no_update BEFORE UPDATE ON delivery_receipts
BEGIN SELECT RAISE(ABORT, 'delivery_receipts is append-only (A5)'); END;
CREATE TRIGGER delivery_receipts_no_delete BEFORE DELETE ON delivery_receipts
BEGIN SELECT RAISE(ABORT, 'delivery_receipts is append-only (A5)'); END;
