-- Retention and erasure (issue 17, docs/retention.md). The record stays append-only: rows are
-- never changed, and deleted only by the retention job, when their retention period has ended.
-- The job marks its own transaction with a row in `retention_erasing` (inserted first and
-- deleted before it commits, so no other transaction ever sees it) and erases the ledger
-- opening of every row it deletes (an erasure leaf each), so every proof stays valid and
-- `kirjuri ledger verify` still passes. Outside that transaction the delete triggers refuse,
-- as before, whoever connects.

-- Present only inside the retention job's transaction.
CREATE TABLE retention_erasing (
    run_id TEXT PRIMARY KEY
);

-- What each run of the retention job erased: counts per kind of record, never personal data
-- (the erased rows' ledger leaves record which leaves were erased). Read by the supervisor.
CREATE TABLE retention_runs (
    id               TEXT PRIMARY KEY,
    ran_at           TEXT NOT NULL,
    as_of            TEXT NOT NULL,
    policy           TEXT NOT NULL,
    clients          INTEGER NOT NULL,
    report           TEXT NOT NULL,
    first_erasure    INTEGER,
    last_erasure     INTEGER
);

-- Deletes are refused except inside the retention job's transaction.
DROP TRIGGER entry_findings_no_delete;
CREATE TRIGGER entry_findings_no_delete BEFORE DELETE ON entry_findings
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'entry_findings is append-only (A5)'); END;
DROP TRIGGER entries_no_delete;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'entries is append-only (A5): record a correction instead'); END;
DROP TRIGGER job_search_ends_no_delete;
CREATE TRIGGER job_search_ends_no_delete BEFORE DELETE ON job_search_ends
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'job_search_ends is append-only (A5)'); END;
DROP TRIGGER job_searches_no_delete;
CREATE TRIGGER job_searches_no_delete BEFORE DELETE ON job_searches
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'job_searches is append-only (A5)'); END;
DROP TRIGGER appointments_no_delete;
CREATE TRIGGER appointments_no_delete BEFORE DELETE ON appointments
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'appointments is append-only (A5)'); END;
DROP TRIGGER contact_methods_no_delete;
CREATE TRIGGER contact_methods_no_delete BEFORE DELETE ON contact_methods
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'contact_methods is append-only (A5)'); END;
DROP TRIGGER responsible_experts_no_delete;
CREATE TRIGGER responsible_experts_no_delete BEFORE DELETE ON responsible_experts
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'responsible_experts is append-only (A5)'); END;
DROP TRIGGER access_log_no_delete;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'access_log is append-only (A5)'); END;
DROP TRIGGER register_facts_no_delete;
CREATE TRIGGER register_facts_no_delete BEFORE DELETE ON register_facts
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'register_facts is append-only (A5)'); END;
DROP TRIGGER decisions_no_delete;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'decisions is append-only (A5, B10)'); END;
DROP TRIGGER official_steps_no_delete;
CREATE TRIGGER official_steps_no_delete BEFORE DELETE ON official_steps
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'official_steps is append-only (A5, B10)'); END;
DROP TRIGGER reconsideration_requests_no_delete;
CREATE TRIGGER reconsideration_requests_no_delete BEFORE DELETE ON reconsideration_requests
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'reconsideration_requests is append-only (B7, B10)'); END;
DROP TRIGGER reconsideration_steps_no_delete;
CREATE TRIGGER reconsideration_steps_no_delete BEFORE DELETE ON reconsideration_steps
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'reconsideration_steps is append-only (B7, B10)'); END;
DROP TRIGGER benefit_applications_no_delete;
CREATE TRIGGER benefit_applications_no_delete BEFORE DELETE ON benefit_applications
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'benefit_applications is append-only (A5)'); END;
DROP TRIGGER deliveries_no_delete;
CREATE TRIGGER deliveries_no_delete BEFORE DELETE ON deliveries
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'deliveries is append-only (A5)'); END;
DROP TRIGGER delivery_attempts_no_delete;
CREATE TRIGGER delivery_attempts_no_delete BEFORE DELETE ON delivery_attempts
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'delivery_attempts is append-only (A5)'); END;
DROP TRIGGER delivery_failures_no_delete;
CREATE TRIGGER delivery_failures_no_delete BEFORE DELETE ON delivery_failures
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'delivery_failures is append-only (A5)'); END;
DROP TRIGGER delivery_receipts_no_delete;
CREATE TRIGGER delivery_receipts_no_delete BEFORE DELETE ON delivery_receipts
WHEN NOT EXISTS (SELECT 1 FROM retention_erasing)
BEGIN SELECT RAISE(ABORT, 'delivery_receipts is append-only (A5)'); END;

CREATE TRIGGER retention_runs_no_update BEFORE UPDATE ON retention_runs
BEGIN SELECT RAISE(ABORT, 'retention_runs is append-only'); END;
CREATE TRIGGER retention_runs_no_delete BEFORE DELETE ON retention_runs
BEGIN SELECT RAISE(ABORT, 'retention_runs is append-only'); END;
