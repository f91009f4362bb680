-- 0016 secure messages (SQLite; mirrors the PostgreSQL file statement by statement). Issue 13,
-- A18: a conversation between a client and the officials of the client's own organisation,
-- kept inside Kirjuri (never e-mailed). A message is part of the client's record (A20):
-- append-only, attributed to its author, a ledger leaf each. Shipped: never edit; add a new
-- numbered file instead.

-- One row per message. `org_id` is the client's organisation when the message was sent: the
-- conversation is with that organisation. `sender` says which side wrote (the client, or an
-- official of the organisation); `author_id` is the account that wrote it.
CREATE TABLE messages (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    client_id  TEXT NOT NULL REFERENCES clients (id),
    org_id     TEXT NOT NULL REFERENCES organisations (id),
    sender     TEXT NOT NULL CHECK (sender IN ('client', 'official')),
    author_id  TEXT NOT NULL REFERENCES users (id),
    text       TEXT NOT NULL,
    sent_at    TEXT NOT NULL
);
-- A conversation, newest first, a page at a time (cursor: seq).
CREATE INDEX messages_client ON messages (client_id, seq);

-- When the other side first read a message: the client an official's, an official of the
-- organisation the client's. One row per message at most (the first read), never changed:
-- "unread" is a message without a row. The read itself is in the access log with its leaf.
CREATE TABLE message_reads (
    message_seq  INTEGER PRIMARY KEY REFERENCES messages (seq),
    read_at      TEXT NOT NULL,
    read_by      TEXT NOT NULL REFERENCES users (id)
);

-- Append-only (A5); deleted only inside the retention job's transaction (migration 12).
CREATE TRIGGER messages_no_update BEFORE UPDATE ON messages
BEGIN SELECT RAISE(ABORT, 'messages is append-only (A5)'); END;
CREATE TRIGGER messages_no_delete BEFORE DELETE ON messages
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'messages is append-only (A5)'); END;
CREATE TRIGGER message_reads_no_update BEFORE UPDATE ON message_reads
BEGIN SELECT RAISE(ABORT, 'message_reads is append-only (A5)'); END;
CREATE TRIGGER message_reads_no_delete BEFORE DELETE ON message_reads
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'message_reads is append-only (A5)'); END;
