//! Where a statement's deliveries stand, and the delivery worker's side of the outbox (migration
//! 9). The worker (in the web crate) takes the due deliveries ([`Store::due_deliveries`]),
//! claims an attempt ([`Store::claim_delivery`]), sends, and records a receipt or a failure with
//! the time of the next try. Delivery state is never a changed column: attempts, failures and
//! receipts are append-only rows that follow a delivery, and a receipt is a ledger leaf.

use chrono::{DateTime, Utc};
use kirjuri_domain::{ClientId, DeliveryId, PayerId};
use kirjuri_ledger::EventType;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::access::{Access, AccessAction};
use crate::ledger;
use crate::rows::{corrupt, parse_id, parse_ts, ts};
use crate::{Store, StoreError};

/// A delivery that is due: not delivered, and its next try has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    pub id: DeliveryId,
    pub payer_id: PayerId,
    pub endpoint: String,
    pub idempotency_key: String,
    /// The JSON body, as fixed at enqueue.
    pub body: String,
    /// Attempts so far.
    pub attempts: i64,
}

/// Where a delivery stands (for officials and the supervisor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryStatus {
    pub id: DeliveryId,
    pub client_id: ClientId,
    pub payer_id: PayerId,
    pub payer_name_fi: String,
    pub payer_name_sv: String,
    pub statement_kind: String,
    pub statement_ref: String,
    pub idempotency_key: String,
    pub enqueued_at: DateTime<Utc>,
    pub attempts: i64,
    pub last_failure: Option<DeliveryFailure>,
    pub receipt: Option<DeliveryReceipt>,
}

/// A failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryFailure {
    pub attempt_no: i64,
    pub at: DateTime<Utc>,
    pub http_status: Option<i64>,
    pub error: String,
    pub retry_at: DateTime<Utc>,
}

/// The payer's acceptance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReceipt {
    pub attempt_no: i64,
    pub delivered_at: DateTime<Utc>,
    pub worker: String,
    pub endpoint_url: String,
    pub http_status: i64,
    pub response_sha256: String,
}

/// When a delivery is next due: its enqueue time with no attempts; after a failure, the
/// failure's retry time; after an attempt with no outcome, the end of its lease.
const NEXT_DUE: &str = "COALESCE(
    (SELECT COALESCE(f.retry_at, a.lease_until) FROM delivery_attempts a
     LEFT JOIN delivery_failures f ON f.delivery_id = a.delivery_id AND f.attempt_no = a.attempt_no
     WHERE a.delivery_id = d.id ORDER BY a.attempt_no DESC LIMIT 1),
    d.enqueued_at)";

fn i64_of(row: &AnyRow, col: &str) -> Result<i64, StoreError> {
    Ok(row.try_get::<i64, _>(col)?)
}

impl Store {
    /// The deliveries due now by the store's clock, oldest first (for the delivery worker: a
    /// system process that sends them to the payer and returns nothing to a user; each
    /// delivery's receipt is its record, a ledger leaf).
    pub async fn due_deliveries(&self, limit: i64) -> Result<Vec<DueDelivery>, StoreError> {
        let now = ts(self.now());
        let rows = sqlx::query(&format!(
            "SELECT d.id, d.payer_id, p.endpoint_url, d.idempotency_key, d.body,
                 (SELECT COUNT(*) FROM delivery_attempts a WHERE a.delivery_id = d.id) AS attempts
             FROM delivery_outstanding o
             JOIN deliveries d ON d.id = o.delivery_id
             JOIN benefit_payers p ON p.id = d.payer_id
             WHERE NOT EXISTS (SELECT 1 FROM delivery_receipts r WHERE r.delivery_id = d.id)
               AND {NEXT_DUE} <= $1
             ORDER BY d.enqueued_at, d.id LIMIT $2"
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DueDelivery {
                    id: parse_id(r, "id")?,
                    payer_id: parse_id(r, "payer_id")?,
                    endpoint: r.try_get("endpoint_url")?,
                    idempotency_key: r.try_get("idempotency_key")?,
                    body: r.try_get("body")?,
                    attempts: i64_of(r, "attempts")?,
                })
            })
            .collect()
    }

    /// Claims the next attempt of a delivery for `worker` until `lease` from now: `None` when
    /// it is no longer due (delivered, or claimed by another worker meanwhile).
    pub async fn claim_delivery(
        &self,
        id: DeliveryId,
        worker: &str,
        lease: chrono::Duration,
    ) -> Result<Option<i64>, StoreError> {
        let now = self.now();
        let worker = worker.to_owned();
        let claimed = self
            .writer
            .write(move |tx, _| {
                Box::pin(async move {
                    let due = sqlx::query(&format!(
                        "SELECT (SELECT COUNT(*) FROM delivery_attempts a
                                 WHERE a.delivery_id = d.id) AS attempts
                         FROM deliveries d
                         WHERE d.id = $1
                           AND NOT EXISTS (SELECT 1 FROM delivery_receipts r
                                           WHERE r.delivery_id = d.id)
                           AND {NEXT_DUE} <= $2"
                    ))
                    .bind(id.to_string())
                    .bind(ts(now))
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(due) = due else { return Ok(None) };
                    let attempt = i64_of(&due, "attempts")? + 1;
                    sqlx::query(
                        "INSERT INTO delivery_attempts (delivery_id, attempt_no, worker,
                             started_at, lease_until)
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(id.to_string())
                    .bind(attempt)
                    .bind(worker)
                    .bind(ts(now))
                    .bind(ts(now + lease))
                    .execute(&mut *tx)
                    .await?;
                    Ok(Some(attempt))
                })
            })
            .await;
        match claimed {
            Err(StoreError::DeliveryTaken) => Ok(None),
            other => other,
        }
    }

    /// Records a failed attempt and when to try again.
    pub async fn record_delivery_failure(
        &self,
        id: DeliveryId,
        attempt_no: i64,
        http_status: Option<u16>,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = self.now();
        let error: String = error.chars().take(500).collect();
        self.writer
            .write(move |tx, _| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO delivery_failures (delivery_id, attempt_no, at, http_status,
                             error, retry_at)
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(id.to_string())
                    .bind(attempt_no)
                    .bind(ts(now))
                    .bind(http_status.map(i64::from))
                    .bind(error)
                    .bind(ts(retry_at))
                    .execute(&mut *tx)
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    /// Records the payer's acceptance of a delivery (a ledger leaf). A second receipt for the
    /// same delivery is refused ([`StoreError::DeliveryTaken`]).
    pub async fn record_delivery_receipt(
        &self,
        id: DeliveryId,
        attempt_no: i64,
        worker: &str,
        endpoint: &str,
        http_status: u16,
        response: &[u8],
    ) -> Result<(), StoreError> {
        let client: String = sqlx::query_scalar("SELECT client_id FROM deliveries WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("delivery"))?;
        let client: ClientId = client.parse().map_err(|e| corrupt("client_id", e))?;
        let leaf = self.leaf_params(client)?;
        let now = self.now();
        let (worker, endpoint) = (worker.to_owned(), endpoint.to_owned());
        let hash = hex::encode(Sha256::digest(response));
        self.writer
            .write(move |tx, leaves| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO delivery_receipts (delivery_id, attempt_no, delivered_at,
                             worker, endpoint_url, http_status, response_sha256)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(id.to_string())
                    .bind(attempt_no)
                    .bind(ts(now))
                    .bind(worker)
                    .bind(endpoint)
                    .bind(i64::from(http_status))
                    .bind(hash)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("DELETE FROM delivery_outstanding WHERE delivery_id = $1")
                        .bind(id.to_string())
                        .execute(&mut *tx)
                        .await?;
                    leaf.defer(
                        leaves,
                        &ledger::DELIVERY_RECEIPTS,
                        &id.to_string(),
                        EventType::RoutingStep,
                        now,
                    );
                    Ok(())
                })
            })
            .await
    }

    /// Where each delivery of a client's statements stands, oldest first (a logged read).
    pub async fn deliveries(
        &self,
        client: ClientId,
        by: &Access,
    ) -> Result<Vec<DeliveryStatus>, StoreError> {
        self.deliveries_page(client, None, i64::MAX - 1, by).await
    }

    /// A page of [`Store::deliveries`]: at most `limit` after the delivery `after` (its id: the
    /// page's key).
    pub async fn deliveries_page(
        &self,
        client: ClientId,
        after: Option<&str>,
        limit: i64,
        by: &Access,
    ) -> Result<Vec<DeliveryStatus>, StoreError> {
        self.log(by, client, AccessAction::Read, "deliveries")
            .await?;
        let rows = sqlx::query(
            "SELECT d.id, d.client_id, d.payer_id, p.name_fi, p.name_sv, d.statement_kind,
                 d.statement_ref, d.idempotency_key, d.enqueued_at,
                 (SELECT COUNT(*) FROM delivery_attempts a WHERE a.delivery_id = d.id) AS attempts
             FROM deliveries d JOIN benefit_payers p ON p.id = d.payer_id
             WHERE d.client_id = $1
               AND ($2 IS NULL OR (d.enqueued_at, d.id) >
                   (SELECT k.enqueued_at, k.id FROM deliveries k WHERE k.id = $2 AND k.client_id = $1))
             ORDER BY d.enqueued_at, d.id LIMIT $3",
        )
        .bind(client.to_string())
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: DeliveryId = parse_id(r, "id")?;
            let last_failure = sqlx::query(
                "SELECT attempt_no, at, http_status, error, retry_at FROM delivery_failures
                 WHERE delivery_id = $1 ORDER BY attempt_no DESC LIMIT 1",
            )
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?
            .map(|f| -> Result<DeliveryFailure, StoreError> {
                Ok(DeliveryFailure {
                    attempt_no: i64_of(&f, "attempt_no")?,
                    at: parse_ts(&f.try_get::<String, _>("at")?)?,
                    http_status: f.try_get::<Option<i64>, _>("http_status")?,
                    error: f.try_get("error")?,
                    retry_at: parse_ts(&f.try_get::<String, _>("retry_at")?)?,
                })
            })
            .transpose()?;
            let receipt = sqlx::query(
                "SELECT attempt_no, delivered_at, worker, endpoint_url, http_status,
                     response_sha256
                 FROM delivery_receipts WHERE delivery_id = $1",
            )
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?
            .map(|x| -> Result<DeliveryReceipt, StoreError> {
                Ok(DeliveryReceipt {
                    attempt_no: i64_of(&x, "attempt_no")?,
                    delivered_at: parse_ts(&x.try_get::<String, _>("delivered_at")?)?,
                    worker: x.try_get("worker")?,
                    endpoint_url: x.try_get("endpoint_url")?,
                    http_status: i64_of(&x, "http_status")?,
                    response_sha256: x.try_get("response_sha256")?,
                })
            })
            .transpose()?;
            out.push(DeliveryStatus {
                id,
                client_id: parse_id(r, "client_id")?,
                payer_id: parse_id(r, "payer_id")?,
                payer_name_fi: r.try_get("name_fi")?,
                payer_name_sv: r.try_get("name_sv")?,
                statement_kind: r.try_get("statement_kind")?,
                statement_ref: r.try_get("statement_ref")?,
                idempotency_key: r.try_get("idempotency_key")?,
                enqueued_at: parse_ts(&r.try_get::<String, _>("enqueued_at")?)?,
                attempts: i64_of(r, "attempts")?,
                last_failure,
                receipt,
            });
        }
        Ok(out)
    }
}
