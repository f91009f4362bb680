//! Job searches (A7): a client has at most one in progress; each start and each end is a
//! record row with a ledger leaf. The write helpers are shared with the statement procedure,
//! which starts and ends job searches in the same transaction as its decision.

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::{ClientId, EndReason, JobSearch, JobSearchId, UserId};
use kirjuri_ledger::EventType;
use sqlx::Row;

use crate::access::{Access, AccessAction};
use crate::clients::require_client;
use crate::ledger::{self, LeafParams, Pending};
use crate::rows::{job_search_from_row, parse_date, ts, JOB_SEARCH_SELECT};
use crate::{Store, StoreError};

impl Store {
    /// Registers a job search. A client has at most one in progress.
    pub async fn start_job_search(
        &self,
        client: ClientId,
        start_date: NaiveDate,
        by: &Access,
    ) -> Result<JobSearch, StoreError> {
        let leaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let by = by.user;
        let (id, now) = (JobSearchId::from_uuid(self.ids.next()), self.now());
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let js = start_job_search_in(tx, leaves, client, start_date, by, id, now, leaf)
                        .await?;
                    logged
                        .record(tx, leaves, now, AccessAction::Write, "job_searches")
                        .await?;
                    Ok(js)
                })
            })
            .await
    }

    /// Ends a job search once.
    pub async fn end_job_search(
        &self,
        client: ClientId,
        id: JobSearchId,
        end_date: NaiveDate,
        reason: EndReason,
        by: &Access,
    ) -> Result<JobSearch, StoreError> {
        let leaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let by = by.user;
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    let js =
                        end_job_search_in(tx, leaves, client, id, end_date, reason, by, now, leaf)
                            .await?;
                    logged
                        .record(tx, leaves, now, AccessAction::Write, "job_searches")
                        .await?;
                    Ok(js)
                })
            })
            .await
    }

    pub async fn job_searches(
        &self,
        client: ClientId,
        by: &Access,
    ) -> Result<Vec<JobSearch>, StoreError> {
        self.log(by, client, AccessAction::Read, "job_searches")
            .await?;
        let rows = sqlx::query(&format!(
            "{JOB_SEARCH_SELECT} WHERE j.client_id = $1 ORDER BY j.start_date, j.recorded_at"
        ))
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(job_search_from_row).collect()
    }
}

async fn job_search_in(
    conn: &mut sqlx::AnyConnection,
    client: ClientId,
    id: JobSearchId,
) -> Result<JobSearch, StoreError> {
    let row = sqlx::query(&format!(
        "{JOB_SEARCH_SELECT} WHERE j.id = $1 AND j.client_id = $2"
    ))
    .bind(id.to_string())
    .bind(client.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("job search"))?;
    job_search_from_row(&row)
}

#[allow(clippy::too_many_arguments)] // the end's fields, prepared outside the job
pub(crate) async fn end_job_search_in(
    tx: &mut sqlx::AnyConnection,
    leaves: &mut Pending,
    client: ClientId,
    id: JobSearchId,
    end_date: NaiveDate,
    reason: EndReason,
    by: UserId,
    now: DateTime<Utc>,
    leaf: LeafParams,
) -> Result<JobSearch, StoreError> {
    let search = job_search_in(tx, client, id).await?;
    if search.end.is_some() {
        return Err(StoreError::JobSearchAlreadyEnded);
    }
    if end_date < search.start_date {
        return Err(StoreError::EndBeforeStart {
            start: search.start_date,
            end: end_date,
        });
    }
    sqlx::query(
        "INSERT INTO job_search_ends (job_search_id, end_date, reason, recorded_at, recorded_by)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.to_string())
    .bind(end_date.to_string())
    .bind(reason.code())
    .bind(ts(now))
    .bind(by.to_string())
    .execute(&mut *tx)
    .await?;
    // The client may start a new one (migration 10).
    sqlx::query("DELETE FROM open_job_searches WHERE job_search_id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    leaf.defer(
        leaves,
        &ledger::JOB_SEARCH_ENDS,
        &id.to_string(),
        EventType::OfficialAction,
        now,
    );
    job_search_in(tx, client, id).await
}

#[allow(clippy::too_many_arguments)] // the job search's fields, prepared outside the job
pub(crate) async fn start_job_search_in(
    tx: &mut sqlx::AnyConnection,
    leaves: &mut Pending,
    client: ClientId,
    start_date: NaiveDate,
    by: UserId,
    id: JobSearchId,
    now: DateTime<Utc>,
    leaf: LeafParams,
) -> Result<JobSearch, StoreError> {
    require_client(tx, client).await?;
    let open = sqlx::query(
        "SELECT j.start_date FROM job_searches j
         LEFT JOIN job_search_ends e ON e.job_search_id = j.id
         WHERE j.client_id = $1 AND e.job_search_id IS NULL",
    )
    .bind(client.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = open {
        return Err(StoreError::JobSearchInProgress(parse_date(
            &row.try_get::<String, _>(0)?,
        )?));
    }
    sqlx::query(
        "INSERT INTO job_searches (id, client_id, start_date, recorded_at, recorded_by)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.to_string())
    .bind(client.to_string())
    .bind(start_date.to_string())
    .bind(ts(now))
    .bind(by.to_string())
    .execute(&mut *tx)
    .await?;
    // The check above answers the sequential case; this row makes the database refuse a
    // concurrent second start (`open_job_searches_one_per_client`, migration 10, issue 15).
    sqlx::query("INSERT INTO open_job_searches (client_id, job_search_id) VALUES ($1, $2)")
        .bind(client.to_string())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    leaf.defer(
        leaves,
        &ledger::JOB_SEARCHES,
        &id.to_string(),
        EventType::OfficialAction,
        now,
    );
    job_search_in(tx, client, id).await
}
