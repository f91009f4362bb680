-- 0014 "my work today" (PostgreSQL; mirrors the SQLite file statement by statement). Issue 12
-- item 2: an official's start-of-day page asks, for the clients they are the responsible
-- expert of, their appointments, open job searches without an initial interview and the
-- employment plan's follow-ups, and, for the official, their own entries made late (A6).
-- Indexes only: no table, no data. Shipped: never edit; add a new numbered file instead.

-- Whose responsible expert an official is: the assignments naming the official, each then
-- checked against the client's latest assignment through responsible_experts_client.
CREATE INDEX responsible_experts_official ON responsible_experts (official_id, client_id, seq);

-- One client's entries of one kind by event time: the initial interviews, the employment
-- plans and the entries that follow a plan up, without reading a long timeline in full.
CREATE INDEX entries_client_kind ON entries (client_id, kind, event_at);

-- An official's own entries by recording time: those made in the last days, for the lag.
CREATE INDEX entries_author ON entries (author_id, recorded_at);

-- The counts of the work queues: open routed decisions by where they were routed, and
-- requests for reconsideration by issuing organisation.
CREATE INDEX decisions_routed ON decisions (target, client_id) WHERE outcome = 'routed';
CREATE INDEX reconsideration_requests_queue ON reconsideration_requests (target, org_id);
