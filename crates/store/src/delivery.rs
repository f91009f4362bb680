//! Benefit payers, clients' benefit applications, the outbox that delivers statements to the
//! payers, and the validity query (issue 5; TTL 1:4, A11, A18; migration 9).
//!
//! **Outbox.** Whenever a statement is issued, the transaction that issues it calls
//! [`enqueue_statement_in`]: one `deliveries` row per payer the client has applied to, with
//! the JSON body and an idempotency key derived from (statement, payer). When a client's
//! application to a payer is recorded later, the statements in force are enqueued for that
//! payer in the same way. `UNIQUE (statement_kind, statement_ref, payer_id)` makes a second
//! enqueue of the same pair a no-op. A worker (in the web crate) takes the due rows
//! ([`Store::due_deliveries`]), claims an attempt ([`Store::claim_delivery`]), sends, and
//! records a receipt or a failure with the time of the next try. All of it is append-only
//! rows in the database, so a restarted worker continues where the last one stopped, and the
//! ledger's record rows never change.
//!
//! **Validity (A11).** [`Store::statement_gaps`] lists the clients who apply for benefit and,
//! on a date, have no statement in force, or whose service ended after their latest statement.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::{
    Client, ClientId, DecisionId, DeliveryId, EndpointUrl, JobSearch, JobSearchId, OrgId, PayerId,
    PersonName, UserId, HELSINKI,
};
use kirjuri_ledger::EventType;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::rows::{
    client_from_row, job_search_from_row, parse_date, parse_id, parse_ts, ts, CLIENT_COLS,
    JOB_SEARCH_SELECT,
};
use crate::statements::{corrupt, decision_from_row, DECISION_COLS};
use crate::work_queue::{step_from_row, STEP_COLS};
use crate::{
    ledger, Access, AccessAction, IdSource, OfficialStep, Reconsideration, ReconsiderationStep,
    Store, StoreError, StoredDecision,
};

// ---- payers and applications ------------------------------------------------------------------

/// A benefit payer (Kela, an unemployment fund).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenefitPayer {
    pub id: PayerId,
    pub name_fi: PersonName,
    pub name_sv: PersonName,
    pub endpoint: EndpointUrl,
    pub registered_at: DateTime<Utc>,
    pub registered_by: UserId,
}

/// A payer to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBenefitPayer {
    pub name_fi: PersonName,
    pub name_sv: PersonName,
    pub endpoint: EndpointUrl,
}

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

const PAYER_COLS: &str = "id, name_fi, name_sv, endpoint_url, registered_at, registered_by";
const APPLICATION_COLS: &str = "seq, client_id, payer_id, from_date, recorded_at, recorded_by";

fn payer_from_row(row: &AnyRow) -> Result<BenefitPayer, StoreError> {
    let text = |col: &str| -> Result<String, StoreError> { Ok(row.try_get::<String, _>(col)?) };
    Ok(BenefitPayer {
        id: parse_id(row, "id")?,
        name_fi: PersonName::parse(&text("name_fi")?).map_err(|e| corrupt("name_fi", e))?,
        name_sv: PersonName::parse(&text("name_sv")?).map_err(|e| corrupt("name_sv", e))?,
        endpoint: EndpointUrl::parse(&text("endpoint_url")?)
            .map_err(|e| corrupt("endpoint_url", e))?,
        registered_at: parse_ts(&text("registered_at")?)?,
        registered_by: parse_id(row, "registered_by")?,
    })
}

fn application_from_row(row: &AnyRow) -> Result<BenefitApplication, StoreError> {
    Ok(BenefitApplication {
        seq: row.try_get("seq")?,
        client_id: parse_id(row, "client_id")?,
        payer_id: parse_id(row, "payer_id")?,
        from_date: parse_date(&row.try_get::<String, _>("from_date")?)?,
        recorded_at: parse_ts(&row.try_get::<String, _>("recorded_at")?)?,
        recorded_by: parse_id(row, "recorded_by")?,
    })
}

// ---- statements to deliver ----------------------------------------------------------------------

/// A statement as it is delivered: what the issuing transaction knows about it. Built with
/// [`issued_from_decision`] (an automated statement) or [`issued_from_step`] (an official's
/// resolution); another place that issues statements builds one of its own and passes it to
/// [`enqueue_statement_in`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedStatement {
    /// Where the statement lives: `decision`, `official_step`, or a later source's own kind.
    pub source: String,
    /// Its key there (a decision id, an official step's seq).
    pub reference: String,
    pub client: ClientId,
    /// `job_search_start` or `job_search_end`.
    pub subject: String,
    /// `auto_positive`, `auto_end`, or an official's `no_obstacle`, `obstacle`,
    /// `job_search_ended`.
    pub outcome: String,
    pub effective_date: Option<NaiveDate>,
    pub issued_at: DateTime<Utc>,
    /// The issuing organisation; `None`: the client's own employment authority (in whose name
    /// the automated procedure issues).
    pub issuer: Option<OrgId>,
    pub automated: bool,
    /// The adoption decision under which an automated statement was made (B8).
    pub adoption_number: Option<String>,
    pub document: String,
    pub document_language: String,
    /// The statement this one replaces, as `source:reference` (a reconsideration).
    pub replaces: Option<String>,
}

/// The statement of an automated decision; `None` for a routed one (an official issues it).
pub fn issued_from_decision(d: &StoredDecision) -> Option<IssuedStatement> {
    if d.decision.outcome == "routed" {
        return None;
    }
    Some(IssuedStatement {
        source: "decision".into(),
        reference: d.id.to_string(),
        client: d.client_id,
        subject: d.decision.kind.clone(),
        outcome: d.decision.outcome.clone(),
        effective_date: d.decision.effective_date,
        issued_at: d.recorded_at,
        issuer: None,
        automated: true,
        adoption_number: d.decision.adoption_number.clone(),
        document: d.decision.document.clone().unwrap_or_default(),
        document_language: d.decision.document_language.clone().unwrap_or_default(),
        replaces: None,
    })
}

/// The statement of an official's resolution of a routed decision of kind `kind`; `None` for
/// a step that is not a resolution.
pub fn issued_from_step(s: &OfficialStep, kind: &str) -> Option<IssuedStatement> {
    let r = s.resolution.as_ref()?;
    Some(IssuedStatement {
        source: "official_step".into(),
        reference: s.seq.to_string(),
        client: s.client_id,
        subject: kind.to_owned(),
        outcome: r.outcome.clone(),
        effective_date: Some(r.effective_date),
        issued_at: s.at,
        issuer: Some(s.org),
        automated: false,
        adoption_number: None,
        document: r.document.clone(),
        document_language: r.document_language.clone(),
        replaces: None,
    })
}

/// The statement issued on reconsideration (B7) of `request`, which concerned a decision of
/// kind `kind`; `None` for a step that is not a resolution. It names the statement it
/// replaces, so the payer knows which one no longer stands.
pub fn issued_from_reconsideration(
    s: &ReconsiderationStep,
    request: &Reconsideration,
    kind: &str,
) -> Option<IssuedStatement> {
    let r = s.resolution.as_ref()?;
    let replaces = match request.official_step {
        Some(seq) => format!("official_step:{seq}"),
        None => format!("decision:{}", request.decision_id),
    };
    Some(IssuedStatement {
        source: "reconsideration".into(),
        reference: s.seq.to_string(),
        client: s.client_id,
        subject: kind.to_owned(),
        outcome: r.outcome.clone(),
        effective_date: Some(r.effective_date),
        issued_at: s.at,
        issuer: Some(s.org),
        automated: false,
        adoption_number: None,
        document: r.document.clone(),
        document_language: r.document_language.clone(),
        replaces: Some(replaces),
    })
}

/// The idempotency key of a statement's delivery to a payer: the same pair always gives the
/// same key, and it reveals neither.
pub fn idempotency_key(source: &str, reference: &str, payer: PayerId) -> String {
    let digest = Sha256::digest(format!(
        "kirjuri-delivery/v1\n{source}:{reference}\n{payer}"
    ));
    format!("kirjuri-{}", &hex::encode(digest)[..40])
}

/// What a write job needs to enqueue deliveries for one client: the client's ledger subject
/// and the salts of the leaves, prepared outside the transaction (see [`Store::outbox`]).
#[derive(Debug, Clone)]
pub(crate) struct Outbox {
    subject: [u8; 32],
    ids: Arc<IdSource>,
}

impl Store {
    /// Prepares [`enqueue_statement_in`] for a write job about `client`.
    pub(crate) fn outbox(&self, client: ClientId) -> Result<Outbox, StoreError> {
        Ok(Outbox {
            subject: self.subject(client)?,
            ids: self.ids.clone(),
        })
    }
}

/// Enqueues `statement` for delivery to every payer its client has applied to, inside the
/// write transaction that issues it (so the statement and its deliveries are committed
/// together or not at all). A pair already enqueued is left as it is. Returns the new
/// deliveries.
///
/// The one entry point for every place that issues a statement: prepare the [`Outbox`] with
/// [`Store::outbox`] before the write job, and call this after inserting the statement.
pub(crate) async fn enqueue_statement_in(
    tx: &mut sqlx::AnyConnection,
    leaves: &mut ledger::Pending,
    outbox: &Outbox,
    statement: &IssuedStatement,
    now: DateTime<Utc>,
) -> Result<Vec<DeliveryId>, StoreError> {
    let payers: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT payer_id FROM benefit_applications WHERE client_id = $1 ORDER BY payer_id",
    )
    .bind(statement.client.to_string())
    .fetch_all(&mut *tx)
    .await?;
    let payers = payers
        .iter()
        .map(|p| p.parse().map_err(|e| corrupt("payer_id", e)))
        .collect::<Result<Vec<PayerId>, _>>()?;
    enqueue_for(tx, leaves, outbox, statement, now, &payers).await
}

async fn enqueue_for(
    tx: &mut sqlx::AnyConnection,
    leaves: &mut ledger::Pending,
    outbox: &Outbox,
    s: &IssuedStatement,
    now: DateTime<Utc>,
    payers: &[PayerId],
) -> Result<Vec<DeliveryId>, StoreError> {
    if payers.is_empty() {
        return Ok(Vec::new());
    }
    let client = crate::clients::require_client(tx, s.client).await?;
    let issuer_id = s.issuer.unwrap_or(client.org_id);
    let issuer = sqlx::query("SELECT id, kind, name_fi, name_sv FROM organisations WHERE id = $1")
        .bind(issuer_id.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("issuing organisation"))?;
    let issuer = crate::rows::org_from_row(&issuer)?;
    let adoption = match &s.adoption_number {
        Some(n) => {
            sqlx::query("SELECT number, decided_on, url FROM adoption_decisions WHERE number = $1")
                .bind(n.clone())
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| -> Result<serde_json::Value, StoreError> {
                    Ok(serde_json::json!({
                        "number": r.try_get::<String, _>("number")?,
                        "decided_on": r.try_get::<String, _>("decided_on")?,
                        "url": r.try_get::<String, _>("url")?,
                    }))
                })
                .transpose()?
        }
        None => None,
    };
    let mut made = Vec::new();
    for payer in payers {
        let row = sqlx::query(&format!(
            "SELECT {PAYER_COLS} FROM benefit_payers WHERE id = $1"
        ))
        .bind(payer.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("benefit payer"))?;
        let p = payer_from_row(&row)?;
        let key = idempotency_key(&s.source, &s.reference, *payer);
        // What the payer needs to pay or refuse the benefit (TTL 1:4): the statement, its
        // outcome and effective date, the client's identity code, the issuer, and for an
        // automated statement the adoption decision it was made under.
        let body = serde_json::json!({
            "idempotency_key": key,
            "statement": {
                "id": format!("{}:{}", s.source, s.reference),
                "subject": s.subject,
                "outcome": s.outcome,
                "effective_date": s.effective_date.map(|d| d.to_string()),
                "issued_at": ts(s.issued_at),
                "automated": s.automated,
                "document": s.document,
                "language": s.document_language,
                "replaces": s.replaces,
            },
            "client": { "hetu": client.hetu.as_str() },
            "issuer": {
                "organisation_id": issuer.id.to_string(),
                "name_fi": issuer.name_fi.as_str(),
                "name_sv": issuer.name_sv.as_str(),
            },
            "adoption_decision": adoption,
            "payer": { "id": p.id.to_string(), "name_fi": p.name_fi.as_str() },
        });
        let id = DeliveryId::from_uuid(outbox.ids.next());
        let inserted = sqlx::query(
            "INSERT INTO deliveries (id, client_id, payer_id, statement_kind, statement_ref,
                 idempotency_key, body, enqueued_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        )
        .bind(id.to_string())
        .bind(s.client.to_string())
        .bind(payer.to_string())
        .bind(s.source.clone())
        .bind(s.reference.clone())
        .bind(key)
        .bind(body.to_string())
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 1 {
            sqlx::query("INSERT INTO delivery_outstanding (delivery_id) VALUES ($1)")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
            leaves.add(
                &ledger::DELIVERIES,
                id.to_string(),
                EventType::RoutingStep,
                outbox.subject,
                outbox.ids.salt(),
                ts(now),
            );
            made.push(id);
        }
    }
    Ok(made)
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
        if let Some(s) = crate::reconsideration::issued_on_reconsideration_in(tx, d).await? {
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

// ---- the worker's side ----------------------------------------------------------------------

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
        self.log(by, client, AccessAction::Read, "deliveries")
            .await?;
        let rows = sqlx::query(
            "SELECT d.id, d.client_id, d.payer_id, p.name_fi, p.name_sv, d.statement_kind,
                 d.statement_ref, d.idempotency_key, d.enqueued_at,
                 (SELECT COUNT(*) FROM delivery_attempts a WHERE a.delivery_id = d.id) AS attempts
             FROM deliveries d JOIN benefit_payers p ON p.id = d.payer_id
             WHERE d.client_id = $1 ORDER BY d.enqueued_at, d.id",
        )
        .bind(client.to_string())
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

    // ---- payers (not client data) ----------------------------------------------------------

    /// Registers a benefit payer (an administrator). Names are unique.
    pub async fn register_payer(
        &self,
        new: NewBenefitPayer,
        by: UserId,
    ) -> Result<BenefitPayer, StoreError> {
        let id = PayerId::from_uuid(self.ids.next());
        let now = self.now();
        self.writer
            .write(move |tx, _| {
                Box::pin(async move {
                    sqlx::query(&format!(
                        "INSERT INTO benefit_payers ({PAYER_COLS}) VALUES ($1, $2, $3, $4, $5, $6)"
                    ))
                    .bind(id.to_string())
                    .bind(new.name_fi.as_str().to_owned())
                    .bind(new.name_sv.as_str().to_owned())
                    .bind(new.endpoint.as_str().to_owned())
                    .bind(ts(now))
                    .bind(by.to_string())
                    .execute(&mut *tx)
                    .await?;
                    let row = sqlx::query(&format!(
                        "SELECT {PAYER_COLS} FROM benefit_payers WHERE id = $1"
                    ))
                    .bind(id.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                    payer_from_row(&row)
                })
            })
            .await
    }

    /// Every benefit payer, by Finnish name.
    pub async fn payers(&self) -> Result<Vec<BenefitPayer>, StoreError> {
        sqlx::query(&format!(
            "SELECT {PAYER_COLS} FROM benefit_payers ORDER BY name_fi"
        ))
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(payer_from_row)
        .collect()
    }

    /// One benefit payer.
    pub async fn payer(&self, id: PayerId) -> Result<BenefitPayer, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {PAYER_COLS} FROM benefit_payers WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound("benefit payer"))?;
        payer_from_row(&row)
    }

    // ---- applications (client data) --------------------------------------------------------

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
                    crate::clients::require_client(tx, client).await?;
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

// ---- validity (A11) -----------------------------------------------------------------------------

/// Why a client who applies for benefit has no statement in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapReason {
    /// No job search has started on or before the date.
    NoJobSearch,
    /// The job search in progress has no statement (no decision was made).
    NoStatement,
    /// The job search's statement was routed to an official and is not resolved.
    RoutedUnresolved,
    /// The job search has ended and no end statement was issued.
    EndWithoutStatement,
    /// A service or training ended after the latest statement, and no new statement followed.
    ServiceEnded,
}

impl GapReason {
    pub fn code(self) -> &'static str {
        match self {
            GapReason::NoJobSearch => "no_job_search",
            GapReason::NoStatement => "no_statement",
            GapReason::RoutedUnresolved => "routed_unresolved",
            GapReason::EndWithoutStatement => "end_without_statement",
            GapReason::ServiceEnded => "service_ended",
        }
    }
    /// The reason in Finnish and Swedish.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            GapReason::NoJobSearch => (
                "Asiakas hakee etuutta, mutta hänen työnhakunsa ei ole voimassa.",
                "Kunden ansöker om förmån, men hens arbetssökande är inte i kraft.",
            ),
            GapReason::NoStatement => (
                "Työnhaku on voimassa, mutta työvoimapoliittista lausuntoa ei ole annettu.",
                "Arbetssökandet är i kraft, men inget arbetskraftspolitiskt utlåtande har getts.",
            ),
            GapReason::RoutedUnresolved => (
                "Lausuntoasia on virkailijan käsiteltävänä, eikä lausuntoa ole vielä annettu.",
                "Utlåtandeärendet behandlas av en tjänsteman och utlåtandet har ännu inte getts.",
            ),
            GapReason::EndWithoutStatement => (
                "Työnhaku on päättynyt, mutta päättymisestä ei ole annettu lausuntoa.",
                "Arbetssökandet har upphört, men inget utlåtande om att det upphört har getts.",
            ),
            GapReason::ServiceEnded => (
                "Palvelu tai koulutus on päättynyt viimeisimmän lausunnon jälkeen, eikä uutta lausuntoa ole annettu.",
                "En tjänst eller utbildning har upphört efter det senaste utlåtandet, och inget nytt utlåtande har getts.",
            ),
        }
    }
}

/// One row of the validity query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementGap {
    pub client: Client,
    pub reason: GapReason,
    /// The date the situation began (job-search start or end, routed decision, service end).
    pub since: Option<NaiveDate>,
    pub job_search_id: Option<JobSearchId>,
    pub decision_id: Option<DecisionId>,
    /// The payers the client has applied to (in force on the date).
    pub payers: Vec<PayerId>,
    /// The earliest application in force on the date.
    pub applied_from: NaiveDate,
}

/// Which clients the validity query covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapScope {
    /// The clients of one employment authority.
    Organisation(OrgId),
    /// Every client (the supervisor).
    All,
}

/// What the validity query reads about one client.
#[derive(Debug, Clone, Default)]
pub struct ClientHistory {
    pub job_searches: Vec<JobSearch>,
    pub decisions: Vec<StoredDecision>,
    /// Statements issued by officials on decisions: resolutions of routed decisions and
    /// resolutions of requests for reconsideration (B7): decision, when.
    pub resolutions: Vec<(DecisionId, DateTime<Utc>)>,
    /// When the client's services or trainings ended (`service_end` entries in force).
    pub service_ends: Vec<DateTime<Utc>>,
}

fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&HELSINKI).date_naive()
}

/// What [`gap_on`] finds: why, since when, and the job search and decision concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub reason: GapReason,
    pub since: Option<NaiveDate>,
    pub job_search_id: Option<JobSearchId>,
    pub decision_id: Option<DecisionId>,
}

/// Why the client has no statement in force on `date`, if so. Only what was issued and
/// happened on or before `date` counts, so a past date is answered as it stood then.
///
/// The job search that matters is the latest one started on or before the date. While it is
/// in progress its start statement must exist (automatic, or an official's resolution of the
/// routed case), and no service may have ended after that statement; once it has ended (on or
/// before the date) its end statement must exist.
pub fn gap_on(h: &ClientHistory, date: NaiveDate) -> Option<Gap> {
    let gap = |reason, since, job_search_id, decision_id| Gap {
        reason,
        since,
        job_search_id,
        decision_id,
    };
    let Some(js) = h
        .job_searches
        .iter()
        .filter(|j| j.start_date <= date)
        .max_by_key(|j| (j.start_date, j.recorded_at))
    else {
        return Some(gap(GapReason::NoJobSearch, None, None, None));
    };
    let ended = js.end.as_ref().filter(|e| e.date <= date);
    let kind = if ended.is_some() {
        "job_search_end"
    } else {
        "job_search_start"
    };
    let mut latest: Option<DateTime<Utc>> = None;
    let mut pending: Option<&StoredDecision> = None;
    for d in h.decisions.iter().filter(|d| {
        d.job_search_id == js.id && d.decision.kind == kind && local_date(d.recorded_at) <= date
    }) {
        // An official's resolution, and a statement given on reconsideration, issue a
        // statement for the decision: the latest of them counts.
        let resolved = h
            .resolutions
            .iter()
            .filter(|(id, at)| *id == d.id && local_date(*at) <= date)
            .map(|(_, at)| *at)
            .max();
        let issued = if d.decision.outcome == "routed" {
            resolved
        } else {
            Some(d.recorded_at).max(resolved)
        };
        match issued {
            Some(t) => latest = latest.max(Some(t)),
            None => pending = Some(d),
        }
    }
    let js_id = Some(js.id);
    match (latest, pending, ended) {
        (None, Some(d), _) => Some(gap(
            GapReason::RoutedUnresolved,
            Some(d.decision.decision_date),
            js_id,
            Some(d.id),
        )),
        (None, None, Some(e)) => Some(gap(
            GapReason::EndWithoutStatement,
            Some(e.date),
            js_id,
            None,
        )),
        (None, None, None) => Some(gap(
            GapReason::NoStatement,
            Some(js.start_date),
            js_id,
            None,
        )),
        // Ended, with its end statement: in force (the payer knows the job search ended).
        (Some(_), _, Some(_)) => None,
        (Some(t), _, None) => h
            .service_ends
            .iter()
            .filter(|s| **s > t && local_date(**s) <= date)
            .min()
            .map(|s| gap(GapReason::ServiceEnded, Some(local_date(*s)), js_id, None)),
    }
}

impl Store {
    /// The validity query (A11): every client in `scope` with a benefit application in force
    /// on `date` and no statement in force then (see [`gap_on`]), by name. Every client
    /// listed is a logged read (`statement_gaps`).
    pub async fn statement_gaps(
        &self,
        scope: GapScope,
        date: NaiveDate,
        by: &Access,
    ) -> Result<Vec<StatementGap>, StoreError> {
        let org = match scope {
            GapScope::Organisation(o) => Some(o.to_string()),
            GapScope::All => None,
        };
        let clients = sqlx::query(&format!(
            "SELECT {CLIENT_COLS} FROM clients
             WHERE id IN (SELECT client_id FROM benefit_applications WHERE from_date <= $1)
               AND ($2 IS NULL OR org_id = $2)
             ORDER BY last_name, first_name, id"
        ))
        .bind(date.to_string())
        .bind(org)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(client_from_row)
        .collect::<Result<Vec<_>, _>>()?;
        let mut gaps = Vec::new();
        for client in clients {
            let h = self.history(client.id).await?;
            let Some(Gap {
                reason,
                since,
                job_search_id,
                decision_id,
            }) = gap_on(&h, date)
            else {
                continue;
            };
            let apps = sqlx::query(&format!(
                "SELECT {APPLICATION_COLS} FROM benefit_applications
                 WHERE client_id = $1 AND from_date <= $2 ORDER BY from_date, seq"
            ))
            .bind(client.id.to_string())
            .bind(date.to_string())
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(application_from_row)
            .collect::<Result<Vec<_>, _>>()?;
            let Some(first) = apps.first() else { continue };
            let applied_from = first.from_date;
            let mut payers: Vec<PayerId> = Vec::new();
            for a in &apps {
                if !payers.contains(&a.payer_id) {
                    payers.push(a.payer_id);
                }
            }
            gaps.push(StatementGap {
                client,
                reason,
                since,
                job_search_id,
                decision_id,
                payers,
                applied_from,
            });
        }
        let logs = gaps
            .iter()
            .map(|g| self.logged(by, g.client.id))
            .collect::<Result<Vec<_>, _>>()?;
        if !logs.is_empty() {
            let now = self.now();
            self.writer
                .write(move |tx, leaves| {
                    Box::pin(async move {
                        for logged in logs {
                            logged
                                .record(tx, leaves, now, AccessAction::Read, "statement_gaps")
                                .await?;
                        }
                        Ok(())
                    })
                })
                .await?;
        }
        Ok(gaps)
    }

    /// What [`gap_on`] needs about a client (unlogged: the caller logs what it shows).
    async fn history(&self, client: ClientId) -> Result<ClientHistory, StoreError> {
        let id = client.to_string();
        let job_searches = sqlx::query(&format!("{JOB_SEARCH_SELECT} WHERE j.client_id = $1"))
            .bind(id.clone())
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(job_search_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let decisions = sqlx::query(&format!(
            "SELECT {DECISION_COLS} FROM decisions WHERE client_id = $1"
        ))
        .bind(id.clone())
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(decision_from_row)
        .collect::<Result<Vec<_>, _>>()?;
        let resolutions = sqlx::query(
            "SELECT decision_id, at FROM official_steps WHERE client_id = $1 AND step = 'resolved'
             UNION ALL
             SELECT r.decision_id, s.at FROM reconsideration_steps s
               JOIN reconsideration_requests r ON r.id = s.request_id
              WHERE s.client_id = $1 AND s.step = 'resolved'",
        )
        .bind(id.clone())
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok((
                parse_id(r, "decision_id")?,
                parse_ts(&r.try_get::<String, _>("at")?)?,
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        // A corrected entry is replaced by its correction.
        let service_ends = sqlx::query(
            "SELECT e.event_at FROM entries e WHERE e.client_id = $1 AND e.kind = 'service_end'
               AND NOT EXISTS (SELECT 1 FROM entries c WHERE c.corrects_id = e.id)",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| parse_ts(&r.try_get::<String, _>("event_at")?))
        .collect::<Result<Vec<_>, _>>()?;
        Ok(ClientHistory {
            job_searches,
            decisions,
            resolutions,
            service_ends,
        })
    }
}
