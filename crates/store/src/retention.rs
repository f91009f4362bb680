//! Erasure of what the retention policy says has expired (issue 17, docs/retention.md).
//!
//! The policy's periods come in as dates ([`RetentionCutoffs`]); this module decides per
//! client, inside the client's own write job (so a write that lands meanwhile is seen), which
//! parts of the record have expired, erases the ledger opening of every record row it deletes
//! (an erasure leaf each, so every proof stays valid and the whole log still verifies), deletes
//! the rows, and finally writes what the run erased to `retention_runs` (counts only) for the
//! supervisor. Deletes are possible only inside a job marked in `retention_erasing` (migration
//! 12); the triggers refuse them anywhere else.
//!
//! Times are compared conservatively: an instant (stored in UTC) counts on its UTC date, which
//! may be one day before its date in Helsinki, so instants must lie strictly before a cutoff
//! and dates on or before it. Nothing is erased a day early.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::{ClientId, RetentionCutoffs};
use sqlx::{AnyConnection, Row};

use crate::ledger::{
    erase, RecordTable, ACCESS_LOG, APPOINTMENTS, BENEFIT_APPLICATIONS, CONTACT_METHODS,
    CONTACT_METHOD_EMAILS, DECISIONS, DELIVERIES, DELIVERY_RECEIPTS, ENTRIES, JOB_SEARCHES,
    JOB_SEARCH_ENDS, MESSAGES, OFFICIAL_STEPS, RECONSIDERATION_REQUESTS, RECONSIDERATION_STEPS,
    REGISTER_FACTS, RESPONSIBLE_EXPERTS,
};
use crate::rows::{parse_date, parse_ts, ts};
use crate::{Backend, IdSource, Store, StoreError};

/// What one run of the retention job erased: counts, never personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionRun {
    pub id: String,
    pub ran_at: DateTime<Utc>,
    /// The day the policy was applied on.
    pub as_of: NaiveDate,
    /// The policy's version.
    pub policy: String,
    /// Clients some part of whose record was erased.
    pub clients: u64,
    /// Clients erased entirely (identity included): nothing of them is left.
    pub clients_removed: u64,
    /// Clients whose erasure failed (rolled back, logged): the run went on without them and
    /// the next run tries them again.
    pub clients_failed: u64,
    /// Rows erased per table.
    pub rows: BTreeMap<String, u64>,
    /// The first and last erasure leaf the run appended (none when nothing was erased).
    pub first_erasure: Option<u64>,
    pub last_erasure: Option<u64>,
}

/// The rows of one table that belong to the client (`$1`), as a condition on alias `t`.
struct Part {
    table: &'static str,
    rows: &'static str,
    /// The table's ledger registration when its rows are ledger leaves.
    record: Option<&'static RecordTable>,
    /// The condition also reads the cutoff as `$2`.
    cutoff: bool,
}

const fn part(
    table: &'static str,
    rows: &'static str,
    record: Option<&'static RecordTable>,
) -> Part {
    Part {
        table,
        rows,
        record,
        cutoff: false,
    }
}

const OWN: &str = "t.client_id = $1";
const OF_MESSAGES: &str = "t.message_seq IN (SELECT seq FROM messages WHERE client_id = $1)";
const OF_ENTRIES: &str = "t.entry_id IN (SELECT id FROM entries WHERE client_id = $1)";
const OF_NOTICES: &str = "t.notice_id IN (SELECT id FROM notices WHERE client_id = $1)";
const OF_DELIVERIES: &str = "t.delivery_id IN (SELECT id FROM deliveries WHERE client_id = $1)";
const OF_JOB_SEARCHES: &str =
    "t.job_search_id IN (SELECT id FROM job_searches WHERE client_id = $1)";

/// The client record (4 years after the client relationship ends), children first.
const CLIENT_RECORD: [Part; 15] = [
    part("entry_findings", OF_ENTRIES, None),
    // Secure messages (issue 13, migration 16): part of the client record.
    part("message_reads", OF_MESSAGES, None),
    part("messages", OWN, Some(&MESSAGES)),
    part("entries", OWN, Some(&ENTRIES)),
    // The notices (migration 17) go with the record they told of.
    part("notice_sent", OF_NOTICES, None),
    part("notice_failures", OF_NOTICES, None),
    part("notice_attempts", OF_NOTICES, None),
    part("notice_outstanding", OF_NOTICES, None),
    part("notices", OWN, None),
    part("appointments", OWN, Some(&APPOINTMENTS)),
    part("contact_method_emails", OWN, Some(&CONTACT_METHOD_EMAILS)),
    part("contact_methods", OWN, Some(&CONTACT_METHODS)),
    part("responsible_experts", OWN, Some(&RESPONSIBLE_EXPERTS)),
    part("register_facts", OWN, Some(&REGISTER_FACTS)),
    part("benefit_applications", OWN, Some(&BENEFIT_APPLICATIONS)),
];

/// Decisions and their provenance (5 years after the last step), children first; the job
/// searches go with them because decisions name them.
const DECISIONS_PARTS: [Part; 11] = [
    part("delivery_failures", OF_DELIVERIES, None),
    part("delivery_receipts", OF_DELIVERIES, Some(&DELIVERY_RECEIPTS)),
    part("delivery_attempts", OF_DELIVERIES, None),
    part("delivery_outstanding", OF_DELIVERIES, None),
    part("deliveries", OWN, Some(&DELIVERIES)),
    part("reconsideration_steps", OWN, Some(&RECONSIDERATION_STEPS)),
    part(
        "reconsideration_requests",
        OWN,
        Some(&RECONSIDERATION_REQUESTS),
    ),
    part("official_steps", OWN, Some(&OFFICIAL_STEPS)),
    part("decisions", OWN, Some(&DECISIONS)),
    part("job_search_ends", OF_JOB_SEARCHES, Some(&JOB_SEARCH_ENDS)),
    part("job_searches", OWN, Some(&JOB_SEARCHES)),
];

/// Access-log rows written before the cutoff (`$2`), once the rest is erased.
const ACCESS_PART: Part = Part {
    table: "access_log",
    rows: "t.client_id = $1 AND substr(t.at, 1, 10) < $2",
    record: Some(&ACCESS_LOG),
    cutoff: true,
};

/// Rows of the append-only logs that name one of the client's (`$1`) accounts: while any
/// exists the account cannot be deleted (the foreign keys refuse it).
const ACCOUNT_REFERRED: &str = "SELECT
      (SELECT COUNT(*) FROM security_log l JOIN users u ON u.id = l.user_id OR u.id = l.by_user
        WHERE u.client_id = $1)
    + (SELECT COUNT(*) FROM access_log l JOIN users u ON u.id = l.user_id
        WHERE u.client_id = $1)
    + (SELECT COUNT(*) FROM account_events l JOIN users u ON u.id = l.user_id OR u.id = l.by_user
        WHERE u.client_id = $1)";

/// The latest UTC date of an instant and the latest date recorded for the client, over the
/// client record and the job searches: the client relationship ended on the later of them.
const RECORD_LAST_INSTANT: &str = "SELECT MAX(d) FROM (
    SELECT substr(created_at, 1, 10) AS d FROM clients WHERE id = $1
    UNION ALL SELECT MAX(substr(recorded_at, 1, 10)) FROM entries WHERE client_id = $1
    UNION ALL SELECT MAX(substr(event_at, 1, 10)) FROM entries WHERE client_id = $1
    UNION ALL SELECT MAX(substr(recorded_at, 1, 10)) FROM appointments WHERE client_id = $1
    UNION ALL SELECT MAX(substr(starts_at, 1, 10)) FROM appointments WHERE client_id = $1
    UNION ALL SELECT MAX(substr(recorded_at, 1, 10)) FROM contact_methods WHERE client_id = $1
    UNION ALL SELECT MAX(substr(sent_at, 1, 10)) FROM messages WHERE client_id = $1
    UNION ALL SELECT MAX(substr(recorded_at, 1, 10)) FROM responsible_experts WHERE client_id = $1
    UNION ALL SELECT MAX(substr(recorded_at, 1, 10)) FROM register_facts WHERE client_id = $1
    UNION ALL SELECT MAX(substr(recorded_at, 1, 10)) FROM benefit_applications WHERE client_id = $1
    UNION ALL SELECT MAX(substr(recorded_at, 1, 10)) FROM job_searches WHERE client_id = $1
    UNION ALL SELECT MAX(substr(e.recorded_at, 1, 10)) FROM job_search_ends e
        JOIN job_searches j ON j.id = e.job_search_id WHERE j.client_id = $1
) AS x";
const RECORD_LAST_DATE: &str = "SELECT MAX(d) FROM (
    SELECT MAX(start_date) AS d FROM job_searches WHERE client_id = $1
    UNION ALL SELECT MAX(e.end_date) FROM job_search_ends e
        JOIN job_searches j ON j.id = e.job_search_id WHERE j.client_id = $1
    UNION ALL SELECT MAX(from_date) FROM responsible_experts WHERE client_id = $1
    UNION ALL SELECT MAX(from_date) FROM benefit_applications WHERE client_id = $1
) AS x";
const IN_PROGRESS: &str = "SELECT COUNT(*) FROM job_searches j WHERE j.client_id = $1
    AND NOT EXISTS (SELECT 1 FROM job_search_ends e WHERE e.job_search_id = j.id)";
/// The decisions' last step: a decision, an official's step, a request for reconsideration
/// or its step, a delivery or its receipt.
const DECISIONS_LAST_INSTANT: &str = "SELECT MAX(d) FROM (
    SELECT MAX(substr(recorded_at, 1, 10)) AS d FROM decisions WHERE client_id = $1
    UNION ALL SELECT MAX(substr(at, 1, 10)) FROM official_steps WHERE client_id = $1
    UNION ALL SELECT MAX(substr(requested_at, 1, 10)) FROM reconsideration_requests WHERE client_id = $1
    UNION ALL SELECT MAX(substr(at, 1, 10)) FROM reconsideration_steps WHERE client_id = $1
    UNION ALL SELECT MAX(substr(enqueued_at, 1, 10)) FROM deliveries WHERE client_id = $1
    UNION ALL SELECT MAX(substr(r.delivered_at, 1, 10)) FROM delivery_receipts r
        JOIN deliveries d ON d.id = r.delivery_id WHERE d.client_id = $1
) AS x";
const DECISIONS_LAST_DATE: &str = "SELECT MAX(d) FROM (
    SELECT MAX(decision_date) AS d FROM decisions WHERE client_id = $1
    UNION ALL SELECT MAX(effective_date) FROM decisions WHERE client_id = $1
    UNION ALL SELECT MAX(effective_date) FROM official_steps WHERE client_id = $1
    UNION ALL SELECT MAX(effective_date) FROM reconsideration_steps WHERE client_id = $1
) AS x";
/// A statement still on its way to a payer is not finished with.
const OUTSTANDING: &str = "SELECT COUNT(*) FROM delivery_outstanding o
    JOIN deliveries d ON d.id = o.delivery_id WHERE d.client_id = $1";

async fn text(
    tx: &mut AnyConnection,
    sql: &str,
    client: &str,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar::<_, Option<String>>(sql)
        .bind(client.to_owned())
        .fetch_one(&mut *tx)
        .await?)
}

async fn count(tx: &mut AnyConnection, sql: &str, client: &str) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar::<_, i64>(sql)
        .bind(client.to_owned())
        .fetch_one(&mut *tx)
        .await?)
}

/// Whether everything the two queries find lies before the cutoff: instants strictly before
/// it (their UTC date), dates on or before it. Nothing found counts as expired.
async fn all_before(
    tx: &mut AnyConnection,
    instants: &str,
    dates: &str,
    client: &str,
    cutoff: NaiveDate,
) -> Result<bool, StoreError> {
    let cutoff = cutoff.to_string();
    let instant = text(tx, instants, client).await?;
    let date = text(tx, dates, client).await?;
    Ok(instant.is_none_or(|d| d < cutoff) && date.is_none_or(|d| d <= cutoff))
}

/// What one client's erasure did.
#[derive(Debug, Default)]
struct Erased {
    rows: BTreeMap<String, u64>,
    removed: bool,
    first: Option<u64>,
    last: Option<u64>,
}

impl Erased {
    fn any(&self) -> bool {
        self.rows.values().any(|n| *n > 0) || self.removed
    }
}

/// What every part of one client's erasure shares.
struct Job<'a> {
    backend: Backend,
    ids: &'a IdSource,
    now: &'a str,
    client: &'a str,
    /// The access log's cutoff, for the part that reads it.
    cutoff: &'a str,
}

/// Erases the ledger opening of every row of `part` and deletes the rows.
async fn erase_part(
    tx: &mut AnyConnection,
    job: &Job<'_>,
    part: &Part,
    out: &mut Erased,
) -> Result<(), StoreError> {
    let (client, cutoff) = (job.client, job.cutoff);
    if let Some(record) = part.record {
        // The client's rows first, then their links through the links' unique index.
        let sql = format!(
            "SELECT k.idx FROM ledger_links k
             JOIN ledger_openings o ON o.idx = k.idx
             WHERE k.record_table = '{table}' AND o.erased_at IS NULL
               AND k.record_key IN (SELECT {key} FROM {table} t WHERE {rows})
             ORDER BY k.idx",
            table = part.table,
            key = record.key_as_text("t"),
            rows = part.rows,
        );
        let mut q = sqlx::query(&sql).bind(client.to_owned());
        if part.cutoff {
            q = q.bind(cutoff.to_owned());
        }
        let leaves: Vec<i64> = q
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?;
        for idx in leaves {
            let idx = u64::try_from(idx).map_err(|_| StoreError::Corrupt("ledger index".into()))?;
            let at = erase(tx, job.backend, idx, job.ids.salt(), job.now).await?;
            out.first.get_or_insert(at);
            out.last = Some(at);
        }
    }
    let sql = format!("DELETE FROM {} AS t WHERE {}", part.table, part.rows);
    let mut q = sqlx::query(&sql).bind(client.to_owned());
    if part.cutoff {
        q = q.bind(cutoff.to_owned());
    }
    let deleted = q.execute(&mut *tx).await?.rows_affected();
    if deleted > 0 {
        *out.rows.entry(part.table.to_owned()).or_default() += deleted;
    }
    Ok(())
}

/// One client's erasure, inside its write job: decides what has expired as the database
/// stands in this transaction, and erases it.
async fn erase_client(
    tx: &mut AnyConnection,
    backend: Backend,
    ids: &IdSource,
    now: &str,
    run_id: &str,
    client: &str,
    cut: &RetentionCutoffs,
) -> Result<Erased, StoreError> {
    let mut out = Erased::default();
    if count(tx, IN_PROGRESS, client).await? > 0 {
        return Ok(out); // the client relationship goes on
    }
    let record = all_before(
        tx,
        RECORD_LAST_INSTANT,
        RECORD_LAST_DATE,
        client,
        cut.client_record,
    )
    .await?;
    if !record {
        return Ok(out);
    }
    let decisions = count(tx, OUTSTANDING, client).await? == 0
        && all_before(
            tx,
            DECISIONS_LAST_INSTANT,
            DECISIONS_LAST_DATE,
            client,
            cut.decisions,
        )
        .await?;
    sqlx::query("INSERT INTO retention_erasing (run_id) VALUES ($1)")
        .bind(run_id.to_owned())
        .execute(&mut *tx)
        .await?;
    let access_cutoff = cut.access_log.to_string();
    let job = Job {
        backend,
        ids,
        now,
        client,
        cutoff: &access_cutoff,
    };
    let mut parts: Vec<&Part> = CLIENT_RECORD.iter().collect();
    if decisions {
        parts.extend(DECISIONS_PARTS.iter());
        parts.push(&ACCESS_PART);
    }
    for part in parts {
        erase_part(tx, &job, part, &mut out).await?;
    }
    // With nothing left that names the client, the client's identity goes too: the
    // registration and the client's own account. Not while an append-only log still names
    // the account (a failed log-in in the security log, a refused read of another client in
    // that client's access log, the account's creation): those rows cannot go, so the
    // account and registration stay (empty of record) and the client is not counted as
    // removed; a later run removes them once nothing refers to the account.
    if decisions
        && count(
            tx,
            "SELECT COUNT(*) FROM access_log WHERE client_id = $1",
            client,
        )
        .await?
            == 0
        && count(tx, ACCOUNT_REFERRED, client).await? == 0
    {
        for sql in [
            "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE client_id = $1)",
            "DELETE FROM oidc_identities WHERE user_id IN (SELECT id FROM users WHERE client_id = $1)",
            "DELETE FROM users WHERE client_id = $1",
            "DELETE FROM clients WHERE id = $1",
        ] {
            sqlx::query(sql)
                .bind(client.to_owned())
                .execute(&mut *tx)
                .await?;
        }
        out.removed = true;
    }
    sqlx::query("DELETE FROM retention_erasing WHERE run_id = $1")
        .bind(run_id.to_owned())
        .execute(&mut *tx)
        .await?;
    Ok(out)
}

fn run_from_row(row: &sqlx::any::AnyRow) -> Result<RetentionRun, StoreError> {
    let count = |i: usize| -> Result<u64, StoreError> {
        u64::try_from(row.try_get::<i64, _>(i)?)
            .map_err(|_| StoreError::Corrupt("retention run count".into()))
    };
    let leaf = |i: usize| -> Result<Option<u64>, StoreError> {
        row.try_get::<Option<i64>, _>(i)?
            .map(|v| u64::try_from(v).map_err(|_| StoreError::Corrupt("erasure leaf".into())))
            .transpose()
    };
    let report: String = row.try_get(5)?;
    let report: serde_json::Value = serde_json::from_str(&report)
        .map_err(|e| StoreError::Corrupt(format!("retention report: {e}")))?;
    let rows = report
        .get("rows")
        .and_then(|r| r.as_object())
        .ok_or_else(|| StoreError::Corrupt("retention report without rows".into()))?
        .iter()
        .map(|(k, v)| {
            v.as_u64()
                .map(|n| (k.clone(), n))
                .ok_or_else(|| StoreError::Corrupt(format!("retention report rows of {k}")))
        })
        .collect::<Result<_, _>>()?;
    let clients_removed = report
        .get("clients_removed")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| StoreError::Corrupt("retention report without clients_removed".into()))?;
    Ok(RetentionRun {
        id: row.try_get(0)?,
        ran_at: parse_ts(row.try_get(1)?)?,
        as_of: parse_date(row.try_get(2)?)?,
        policy: row.try_get(3)?,
        clients: count(4)?,
        clients_removed,
        // Runs recorded before the count existed stopped at their first failure.
        clients_failed: report
            .get("clients_failed")
            .and_then(|v| v.as_u64())
            .unwrap_or(0),
        rows,
        first_erasure: leaf(6)?,
        last_erasure: leaf(7)?,
    })
}

impl Store {
    /// Erases, client by client, what has expired by `cutoffs` under the policy `policy`
    /// names, and records the run (see the module documentation). A system process: it
    /// reads and erases without an access-log row (the erasure leaves and the run's report
    /// are its record), and adds no row about anyone.
    pub async fn erase_expired(
        &self,
        cutoffs: RetentionCutoffs,
        policy: &str,
    ) -> Result<RetentionRun, StoreError> {
        self.keys()?;
        let run_id = self.ids.next().to_string();
        let clients: Vec<String> = sqlx::query_scalar("SELECT id FROM clients ORDER BY id")
            .fetch_all(&self.read)
            .await?;
        let mut total = Erased::default();
        let (mut touched, mut removed, mut failed) = (0u64, 0u64, 0u64);
        for client in clients {
            let (backend, ids, now) = (self.backend, Arc::clone(&self.ids), ts(self.now()));
            let run = run_id.clone();
            let who = client.clone();
            let erased = self
                .writer
                .write(move |tx, _| {
                    Box::pin(async move {
                        erase_client(tx, backend, &ids, &now, &run, &client, &cutoffs).await
                    })
                })
                .await;
            // One client's failure (its job rolled back) must not stop the run: the clients
            // after it would never be erased and the run would leave no row for the
            // supervisor. Each client's erasure is its own transaction, so what was erased
            // before stays erased and is counted.
            let erased = match erased {
                Ok(erased) => erased,
                Err(error) => {
                    tracing::error!(run = %run_id, client = %who, %error, "retention: erasing a client failed");
                    failed += 1;
                    continue;
                }
            };
            if erased.any() {
                touched += 1;
            }
            if erased.removed {
                removed += 1;
            }
            for (table, n) in erased.rows {
                *total.rows.entry(table).or_default() += n;
            }
            if total.first.is_none() {
                total.first = erased.first;
            }
            total.last = erased.last.or(total.last);
        }
        let run = RetentionRun {
            id: run_id,
            ran_at: self.now(),
            as_of: cutoffs.as_of,
            policy: policy.to_owned(),
            clients: touched,
            clients_removed: removed,
            clients_failed: failed,
            rows: total.rows,
            first_erasure: total.first,
            last_erasure: total.last,
        };
        let report = serde_json::json!({
            "rows": run.rows,
            "clients_removed": run.clients_removed,
            "clients_failed": run.clients_failed,
        })
        .to_string();
        let stored = run.clone();
        let i64_of = |v: u64| i64::try_from(v).map_err(|_| StoreError::Corrupt("count".into()));
        let (clients, first, last) = (
            i64_of(stored.clients)?,
            stored.first_erasure.map(i64_of).transpose()?,
            stored.last_erasure.map(i64_of).transpose()?,
        );
        self.writer
            .write(move |tx, _| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO retention_runs
                         (id, ran_at, as_of, policy, clients, report, first_erasure, last_erasure)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(stored.id)
                    .bind(ts(stored.ran_at))
                    .bind(stored.as_of.to_string())
                    .bind(stored.policy)
                    .bind(clients)
                    .bind(report)
                    .bind(first)
                    .bind(last)
                    .execute(&mut *tx)
                    .await?;
                    Ok(())
                })
            })
            .await?;
        Ok(run)
    }

    /// The retention job's runs, newest first.
    pub async fn retention_runs(&self, limit: u32) -> Result<Vec<RetentionRun>, StoreError> {
        sqlx::query(
            "SELECT id, ran_at, as_of, policy, clients, report, first_erasure, last_erasure
             FROM retention_runs ORDER BY ran_at DESC, id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(run_from_row)
        .collect()
    }

    /// Whether the client is still registered (tests and the retention report's checks).
    pub async fn client_exists(&self, client: ClientId) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM clients WHERE id = $1")
            .bind(client.to_string())
            .fetch_one(&self.read)
            .await?;
        Ok(n > 0)
    }
}
