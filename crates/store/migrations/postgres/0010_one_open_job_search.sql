-- 0010 one open job search per client (PostgreSQL; mirrors the SQLite file statement by statement).
-- Shipped: never edit; add a new numbered file instead.
--
-- Issue 15 item 3: two simultaneous job-search starts for one client both passed the store's
-- "is one already open?" check before either had committed, so the client had two open job
-- searches and two automatic start statements, each delivered to the payers. The check stays
-- (it gives the sequential caller the start date of the open one), and this table makes the
-- database itself refuse the second: a client has at most one row here, inserted in the
-- transaction that starts a job search and deleted in the one that ends it. The loser of a
-- race waits for the winner's commit (PostgreSQL) or runs after it (SQLite's single writer)
-- and fails on open_job_searches_one_per_client, which the store reads as "a job search is
-- already in progress" (409), never as a database failure.
--
-- A partial unique index on job_searches cannot say "open": whether a job search is open is
-- the absence of a row in job_search_ends, and job_searches is append-only (no column can be
-- set when it ends). So, like delivery_outstanding (0009), this is a work index, not a
-- record: job_searches and job_search_ends are the truth, no ledger leaf covers it, and it
-- alone may change.
CREATE TABLE open_job_searches (
    client_id     TEXT NOT NULL REFERENCES clients (id),
    job_search_id TEXT NOT NULL REFERENCES job_searches (id),
    CONSTRAINT open_job_searches_one_per_client PRIMARY KEY (client_id)
);

-- The job searches open when this migration runs. A client the race already left with two
-- gets the latest as the open one; the other stays open in the record (an official ends it),
-- and no new one can start until both are ended. Ties on the dates go to the greater id, as
-- in the SQLite file ((start_date, recorded_at, id) compared as a row there).
INSERT INTO open_job_searches (client_id, job_search_id)
SELECT DISTINCT ON (j.client_id) j.client_id, j.id
FROM job_searches j
LEFT JOIN job_search_ends e ON e.job_search_id = j.id
WHERE e.job_search_id IS NULL
ORDER BY j.client_id, j.start_date DESC, j.recorded_at DESC, j.id DESC;
