//! The outbox (issue 5; TTL 1:4, A18; migration 9): how a statement enters delivery to the
//! benefit payers.
//!
//! Whenever a statement is issued, the transaction that issues it calls
//! [`enqueue_statement_in`]: one `deliveries` row per payer the client has applied to, with
//! the JSON body and an idempotency key derived from (statement, payer). When a client's
//! application to a payer is recorded later, the statements in force are enqueued for that
//! payer in the same way ([`enqueue_for`]). `UNIQUE (statement_kind, statement_ref, payer_id)`
//! makes a second enqueue of the same pair a no-op. A worker (in the web crate) then takes the
//! due rows (see `deliveries`); all of it is append-only rows in the database, so a restarted
//! worker continues where the last one stopped, and the ledger's record rows never change.
//!
//! This module is at the bottom of the statement modules: it takes a statement as plain data
//! ([`IssuedStatement`]) and reads only the client, the issuing organisation, the adoption
//! decision and the payer registry, never a statement issuer's tables. Each issuer builds its
//! `IssuedStatement` itself (`issued_from_decision` in `statements`, `issued_from_step` in
//! `work_queue`, `issued_from_reconsideration` in `reconsideration`), so no issuer and the
//! outbox depend on each other both ways.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::{ClientId, DeliveryId, OrgId, PayerId};
use kirjuri_ledger::EventType;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::clients::require_client;
use crate::ledger::{self, Pending};
use crate::payers::{payer_from_row, PAYER_COLS};
use crate::rows::{corrupt, org_from_row, ts};
use crate::{IdSource, Store, StoreError};

/// A statement as it is delivered: what the issuing transaction knows about it. Built with
/// [`crate::issued_from_decision`] (an automated statement), [`crate::issued_from_step`] (an
/// official's resolution) or [`crate::issued_from_reconsideration`] (a statement given on
/// reconsideration); another place that issues statements builds one of its own and passes it
/// to `enqueue_statement_in`.
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
    leaves: &mut Pending,
    outbox: &Outbox,
    statement: &IssuedStatement,
    now: DateTime<Utc>,
) -> Result<Vec<DeliveryId>, StoreError> {
    // Issue 13: the client is told by e-mail that a statement waits in Kirjuri (nothing more),
    // where the contact method has an e-mail address; one notice per statement.
    crate::notices::enqueue_notice_in(
        tx,
        &outbox.ids,
        statement.client,
        crate::notices::NoticeKind::NewStatement,
        &format!("{}:{}", statement.source, statement.reference),
        now,
        now,
    )
    .await?;
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

/// Enqueues `s` for delivery to each of `payers` (see [`enqueue_statement_in`]).
pub(crate) async fn enqueue_for(
    tx: &mut sqlx::AnyConnection,
    leaves: &mut Pending,
    outbox: &Outbox,
    s: &IssuedStatement,
    now: DateTime<Utc>,
    payers: &[PayerId],
) -> Result<Vec<DeliveryId>, StoreError> {
    if payers.is_empty() {
        return Ok(Vec::new());
    }
    let client = require_client(tx, s.client).await?;
    let issuer_id = s.issuer.unwrap_or(client.org_id);
    let issuer = sqlx::query("SELECT id, kind, name_fi, name_sv FROM organisations WHERE id = $1")
        .bind(issuer_id.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("issuing organisation"))?;
    let issuer = org_from_row(&issuer)?;
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
