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
    clients          BIGINT NOT NULL,
    report           TEXT NOT NULL,
    first_erasure    BIGINT,
    last_erasure     BIGINT
);

-- Deletes are refused except inside the retention job's transaction; updates as before (the
-- update trigger keeps its name).
CREATE FUNCTION kirjuri_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM retention_erasing) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only (A5): rows are erased only by the retention job', TG_TABLE_NAME;
END
$$;
DROP TRIGGER entry_findings_append_only ON entry_findings;
CREATE TRIGGER entry_findings_append_only BEFORE UPDATE ON entry_findings
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER entry_findings_no_delete BEFORE DELETE ON entry_findings
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER entries_append_only ON entries;
CREATE TRIGGER entries_append_only BEFORE UPDATE ON entries
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER job_search_ends_append_only ON job_search_ends;
CREATE TRIGGER job_search_ends_append_only BEFORE UPDATE ON job_search_ends
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER job_search_ends_no_delete BEFORE DELETE ON job_search_ends
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER job_searches_append_only ON job_searches;
CREATE TRIGGER job_searches_append_only BEFORE UPDATE ON job_searches
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER job_searches_no_delete BEFORE DELETE ON job_searches
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER appointments_append_only ON appointments;
CREATE TRIGGER appointments_append_only BEFORE UPDATE ON appointments
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER appointments_no_delete BEFORE DELETE ON appointments
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER contact_methods_append_only ON contact_methods;
CREATE TRIGGER contact_methods_append_only BEFORE UPDATE ON contact_methods
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER contact_methods_no_delete BEFORE DELETE ON contact_methods
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER responsible_experts_append_only ON responsible_experts;
CREATE TRIGGER responsible_experts_append_only BEFORE UPDATE ON responsible_experts
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER responsible_experts_no_delete BEFORE DELETE ON responsible_experts
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER access_log_append_only ON access_log;
CREATE TRIGGER access_log_append_only BEFORE UPDATE ON access_log
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER register_facts_append_only ON register_facts;
CREATE TRIGGER register_facts_append_only BEFORE UPDATE ON register_facts
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER register_facts_no_delete BEFORE DELETE ON register_facts
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER decisions_append_only ON decisions;
CREATE TRIGGER decisions_append_only BEFORE UPDATE ON decisions
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER official_steps_append_only ON official_steps;
CREATE TRIGGER official_steps_append_only BEFORE UPDATE ON official_steps
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER official_steps_no_delete BEFORE DELETE ON official_steps
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER reconsideration_requests_append_only ON reconsideration_requests;
CREATE TRIGGER reconsideration_requests_append_only BEFORE UPDATE ON reconsideration_requests
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER reconsideration_requests_no_delete BEFORE DELETE ON reconsideration_requests
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER reconsideration_steps_append_only ON reconsideration_steps;
CREATE TRIGGER reconsideration_steps_append_only BEFORE UPDATE ON reconsideration_steps
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER reconsideration_steps_no_delete BEFORE DELETE ON reconsideration_steps
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER benefit_applications_append_only ON benefit_applications;
CREATE TRIGGER benefit_applications_append_only BEFORE UPDATE ON benefit_applications
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER benefit_applications_no_delete BEFORE DELETE ON benefit_applications
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER deliveries_append_only ON deliveries;
CREATE TRIGGER deliveries_append_only BEFORE UPDATE ON deliveries
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER deliveries_no_delete BEFORE DELETE ON deliveries
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER delivery_attempts_append_only ON delivery_attempts;
CREATE TRIGGER delivery_attempts_append_only BEFORE UPDATE ON delivery_attempts
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER delivery_attempts_no_delete BEFORE DELETE ON delivery_attempts
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER delivery_failures_append_only ON delivery_failures;
CREATE TRIGGER delivery_failures_append_only BEFORE UPDATE ON delivery_failures
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER delivery_failures_no_delete BEFORE DELETE ON delivery_failures
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
DROP TRIGGER delivery_receipts_append_only ON delivery_receipts;
CREATE TRIGGER delivery_receipts_append_only BEFORE UPDATE ON delivery_receipts
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
CREATE TRIGGER delivery_receipts_no_delete BEFORE DELETE ON delivery_receipts
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_delete();
CREATE TRIGGER retention_runs_append_only BEFORE UPDATE OR DELETE ON retention_runs
    FOR EACH ROW EXECUTE FUNCTION kirjuri_refuse_change();
