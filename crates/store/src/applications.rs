//! Clients' benefit applications (migration 9): which payers a client has applied to, from
//! when. Recording one enqueues, in the same transaction, the statements in force for that
//! payer, so a payer applied to later still gets them.

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::{ClientId, DeliveryId, PayerId, UserId};
use kirjuri_ledger::EventType;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::access::{Access, AccessAction};
use crate::clients::require_client;
use crate::ledger;
use crate::outbox::{enqueue_for, IssuedStatement};
use crate::reconsideration::issued_on_reconsideration_in;
use crate::rows::{parse_date, parse_id, parse_ts, ts};
use crate::statements::{decision_from_row, issued_from_decision, DECISION_COLS};
use crate::work_queue::{issued_from_step, step_from_row, STEP_COLS};
use crate::{Store, StoreError};

/// A client's application for benefit at a payer, in force from `from_date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenefitApplication {
    pub seq: i64,
    pub client_id: ClientId,
    pub payer_id: PayerId,
    pub from_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: UserId,
}

pub(crate) const APPLICATION_COLS: &str =
    "seq, client_id, payer_id, from_date, recorded_at, recorded_by";

pub(crate) fn application_from_row(row: &AnyRow) -> Result<BenefitApplication, StoreError> {
    Ok(BenefitApplication {
        seq: row.try_get("seq")?,
        client_id: parse_id(row, "client_id")?,
        payer_id: parse_id(row, "payer_id")?,
        from_date: parse_date(&row.try_get::<String, _>("from_date")?)?,
        recorded_at: parse_ts(&row.try_get::<String, _>("recorded_at")?)?,
        recorded_by: parse_id(row, "recorded_by")?,
    })
}

/// The statements of the client's latest job search (its start statement and, once it has
/// ended, its end statement), oldest first: what a payer the client applies to now needs.
async fn statements_in_force_in(
    tx: &mut sqlx::AnyConnection,
    client: ClientId,
) -> Result<Vec<IssuedStatement>, StoreError> {
    let latest: Option<String> = sqlx::query_scalar(
        "SELECT id FROM job_searches WHERE client_id = $1
         ORDER BY start_date DESC, recorded_at DESC LIMIT 1",
    )
    .bind(client.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(js) = latest else {
        return Ok(Vec::new());
    };
    let decisions = sqlx::query(&format!(
        "SELECT {DECISION_COLS} FROM decisions WHERE job_search_id = $1 ORDER BY recorded_at, id"
    ))
    .bind(js)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(decision_from_row)
    .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::new();
    for d in &decisions {
        // A statement given on reconsideration (B7) is the one in force for its decision.
        if let Some(s) = issued_on_reconsideration_in(tx, d).await? {
            out.push(s);
            continue;
        }
        if let Some(s) = issued_from_decision(d) {
            out.push(s);
            continue;
        }
        let step = sqlx::query(&format!(
            "SELECT {STEP_COLS} FROM official_steps WHERE decision_id = $1 AND step = 'resolved'"
        ))
        .bind(d.id.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| step_from_row(&r))
        .transpose()?;
        if let Some(s) = step
            .as_ref()
            .and_then(|s| issued_from_step(s, &d.decision.kind))
        {
            out.push(s);
        }
    }
    out.sort_by_key(|s| s.issued_at);
    Ok(out)
}

impl Store {
    /// Records a client's application for benefit at `payer` and, in the same transaction,
    /// enqueues the statements in force for that payer. Returns the application and the new
    /// deliveries.
    pub async fn record_benefit_application(
        &self,
        client: ClientId,
        payer: PayerId,
        from_date: NaiveDate,
        by: &Access,
    ) -> Result<(BenefitApplication, Vec<DeliveryId>), StoreError> {
        let leaf = self.leaf_params(client)?;
        let logged = self.logged(by, client)?;
        let outbox = self.outbox(client)?;
        let user = by.user;
        let now = self.now();
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    require_client(tx, client).await?;
                    let known = sqlx::query("SELECT 1 FROM benefit_payers WHERE id = $1")
                        .bind(payer.to_string())
                        .fetch_optional(&mut *tx)
                        .await?;
                    if known.is_none() {
                        return Err(StoreError::NotFound("benefit payer"));
                    }
                    let seq: i64 = sqlx::query_scalar(
                        "INSERT INTO benefit_applications (client_id, payer_id, from_date,
                             recorded_at, recorded_by)
                         VALUES ($1, $2, $3, $4, $5) RETURNING seq",
                    )
                    .bind(client.to_string())
                    .bind(payer.to_string())
                    .bind(from_date.to_string())
                    .bind(ts(now))
                    .bind(user.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                    leaf.defer(
                        leaves,
                        &ledger::BENEFIT_APPLICATIONS,
                        &seq.to_string(),
                        EventType::OfficialAction,
                        now,
                    );
                    let mut made = Vec::new();
                    for s in statements_in_force_in(tx, client).await? {
                        made.extend(enqueue_for(tx, leaves, &outbox, &s, now, &[payer]).await?);
                    }
                    logged
                        .record(tx, leaves, now, AccessAction::Write, "benefit_applications")
                        .await?;
                    let row = sqlx::query(&format!(
                        "SELECT {APPLICATION_COLS} FROM benefit_applications WHERE seq = $1"
                    ))
                    .bind(seq)
                    .fetch_one(&mut *tx)
                    .await?;
                    Ok((application_from_row(&row)?, made))
                })
            })
            .await
    }

    /// A client's benefit applications, oldest first (a logged read).
    pub async fn benefit_applications(
        &self,
        client: ClientId,
        by: &Access,
    ) -> Result<Vec<BenefitApplication>, StoreError> {
        self.log(by, client, AccessAction::Read, "benefit_applications")
            .await?;
        sqlx::query(&format!(
            "SELECT {APPLICATION_COLS} FROM benefit_applications WHERE client_id = $1 ORDER BY seq"
        ))
        .bind(client.to_string())
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(application_from_row)
        .collect()
    }
}
