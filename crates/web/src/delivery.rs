//! Benefit payers, benefit applications, the delivery of statements to the payers, and the
//! validity query (issue 5; TTL 1:4, A11, A18).
//!
//! - `GET /api/benefit-payers` (any signed-in user) and `POST /api/benefit-payers` (an
//!   administrator): the payers and their delivery endpoints (https; http only to loopback).
//! - `GET|POST /api/clients/{id}/benefit-applications`: a client's applications for benefit.
//!   Recorded by an official of the client's employment authority (the policy's `Write`),
//!   never by the client: an application makes the authority disclose the client's statement
//!   and identity code to that payer, so it is recorded from what the payer or the client
//!   shows the official, not self-declared. Recording one enqueues the statements in force
//!   for that payer in the same transaction.
//! - `GET /api/clients/{id}/deliveries`: where each statement's delivery stands (officials and
//!   the supervisor; the client is refused, as for provenance).
//! - `GET /api/statements/gaps?date=YYYY-MM-DD` (A11): the clients who apply for benefit and
//!   have no statement in force on the date (default today by the store's clock): an
//!   official's own organisation, or every organisation for the supervisor. Each client
//!   listed is a logged read.
//!
//! [`DeliveryWorker`] sends the outbox: it takes the due deliveries, claims an attempt (a
//! lease, so two instances do not send the same row at once), POSTs the JSON body with the
//! `Idempotency-Key` header, records a receipt on 2xx and otherwise a failure with the next
//! try after an exponential backoff. Time comes from the store's `Clock`; all state is in the
//! database, so a restarted worker continues. A worker stopped between sending and recording
//! leaves an attempt without an outcome: it is sent again when the lease runs out, with the
//! same idempotency key, so the payer sees the statement once.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use kirjuri_domain::{PayerId, Role};
use kirjuri_store::{AccessAction, DueDelivery, GapScope, Store};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::{client_for, own_access};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::policy::Action;
use crate::wire::*;
use crate::AppState;

type ApiResult<T> = Result<T, ApiError>;

// ---- payers ---------------------------------------------------------------------------------

#[utoipa::path(get, path = "/api/benefit-payers", tag = "statements",
    responses((status = 200, body = [PayerView]), (status = 401, body = ErrorBody)))]
/// The benefit payers statements are delivered to.
pub async fn list_payers(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
) -> ApiResult<Json<Vec<PayerView>>> {
    Ok(Json(
        state
            .store
            .payers()
            .await?
            .iter()
            .map(PayerView::from)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/benefit-payers", tag = "statements", request_body = NewPayerRequest,
    responses((status = 201, body = PayerView), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Registers a benefit payer (an administrator).
pub async fn create_payer(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(req): ApiJson<NewPayerRequest>,
) -> ApiResult<(StatusCode, Json<PayerView>)> {
    if user.role != Role::Administrator {
        return Err(ApiError::forbidden(
            "benefit payers are registered by an administrator",
        ));
    }
    let new = req.parse()?;
    let payer = state.store.register_payer(new, user.id).await?;
    Ok((StatusCode::CREATED, Json(PayerView::from(&payer))))
}

// ---- applications ---------------------------------------------------------------------------

async fn application_view(
    state: &AppState,
    a: &kirjuri_store::BenefitApplication,
    enqueued: Option<usize>,
) -> ApiResult<ApplicationView> {
    let payer = state.store.payer(a.payer_id).await?;
    let by = state.store.user(a.recorded_by).await?;
    Ok(ApplicationView {
        payer_id: a.payer_id.to_string(),
        payer_name_fi: payer.name_fi.to_string(),
        payer_name_sv: payer.name_sv.to_string(),
        from_date: a.from_date,
        recorded_at: a.recorded_at,
        recorded_by: by.display_name.to_string(),
        deliveries_enqueued: enqueued,
    })
}

/// A client's benefit applications as shown (the read is logged by the store).
pub(crate) async fn application_views(
    state: &AppState,
    client: kirjuri_domain::ClientId,
    access: &kirjuri_store::Access,
) -> ApiResult<Vec<ApplicationView>> {
    let mut out = Vec::new();
    for a in state.store.benefit_applications(client, access).await? {
        out.push(application_view(state, &a, None).await?);
    }
    Ok(out)
}

#[utoipa::path(get, path = "/api/clients/{id}/benefit-applications", tag = "statements",
    params(("id" = String, Path)), responses((status = 200, body = [ApplicationView]),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// A client's benefit applications, oldest first.
pub async fn list_applications(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ApplicationView>>> {
    let (client, access) = client_for(
        &state,
        &user,
        &headers,
        &id,
        Action::Read,
        "benefit_applications",
    )
    .await?;
    Ok(Json(application_views(&state, client.id, &access).await?))
}

#[utoipa::path(post, path = "/api/clients/{id}/benefit-applications", tag = "statements",
    params(("id" = String, Path)), request_body = ApplicationRequest,
    responses((status = 201, body = ApplicationView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records the client's application for benefit at a payer; the statements in force are
/// enqueued for that payer in the same transaction.
pub async fn record_application(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ApplicationRequest>,
) -> ApiResult<(StatusCode, Json<ApplicationView>)> {
    let (client, access) = client_for(
        &state,
        &user,
        &headers,
        &id,
        Action::Write,
        "benefit_applications",
    )
    .await?;
    let payer: PayerId = field("payer_id", req.payer_id.trim().parse())?;
    let from = date("from_date", &req.from_date)?;
    match state.store.payer(payer).await {
        Ok(_) => {}
        Err(kirjuri_store::StoreError::NotFound(_)) => {
            return Err(ApiError::field(
                "payer_id",
                "no benefit payer with this id is registered (see /api/benefit-payers)",
            ))
        }
        Err(e) => return Err(e.into()),
    }
    let (app, made) = state
        .store
        .record_benefit_application(client.id, payer, from, &access)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(application_view(&state, &app, Some(made.len())).await?),
    ))
}

// ---- deliveries -----------------------------------------------------------------------------

#[utoipa::path(get, path = "/api/clients/{id}/deliveries", tag = "statements",
    params(("id" = String, Path)), responses((status = 200, body = [DeliveryView]),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Where each delivery of the client's statements to a benefit payer stands (officials and
/// the supervisor).
pub async fn list_deliveries(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<DeliveryView>>> {
    let (client, access) =
        client_for(&state, &user, &headers, &id, Action::Read, "deliveries").await?;
    if user.role == Role::JobSeeker {
        let refused = kirjuri_store::Access {
            flagged: true,
            ..access
        };
        state
            .store
            .log(&refused, client.id, AccessAction::Denied, "deliveries")
            .await?;
        return Err(ApiError::forbidden(
            "delivery state is for officials and the supervisor",
        ));
    }
    Ok(Json(
        state
            .store
            .deliveries(client.id, &access)
            .await?
            .iter()
            .map(DeliveryView::from)
            .collect(),
    ))
}

// ---- validity (A11) -------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct GapParams {
    /// The date (YYYY-MM-DD); default today in Finland by the server's clock.
    pub date: Option<String>,
}

#[utoipa::path(get, path = "/api/statements/gaps", tag = "statements", params(GapParams),
    responses((status = 200, body = StatementGaps), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// A11: every client who applies for benefit and has no labour-policy statement in force on
/// the date, or whose service or training ended after their latest statement, with the
/// reason. An official sees their own organisation's clients, the supervisor everyone's.
pub async fn statement_gaps(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Query(p): Query<GapParams>,
) -> ApiResult<Json<StatementGaps>> {
    let (scope, purpose) =
        match (user.role, user.org_id) {
            (Role::Official, Some(org)) => (GapScope::Organisation(org), "asiakaspalvelu"),
            (Role::Supervisor, _) => (GapScope::All, "valvonta"),
            _ => return Err(ApiError::forbidden(
                "the validity query is for officials of an employment authority and the supervisor",
            )),
        };
    let on = match &p.date {
        Some(s) => date("date", s)?,
        None => state.store.clock().today(),
    };
    let access = own_access(&user, &headers, purpose)?;
    let gaps = state.store.statement_gaps(scope, on, &access).await?;
    let payers = state.store.payers().await?;
    let name_of = |id: &PayerId| {
        payers
            .iter()
            .find(|p| p.id == *id)
            .map(|p| p.name_fi.to_string())
            .unwrap_or_default()
    };
    Ok(Json(StatementGaps {
        date: on,
        gaps: gaps
            .iter()
            .map(|g| {
                let (fi, sv) = g.reason.words();
                StatementGapView {
                    client_id: g.client.id.to_string(),
                    hetu_masked: g.client.hetu.masked(),
                    name: format!("{} {}", g.client.first_name, g.client.last_name),
                    organisation_id: g.client.org_id.to_string(),
                    reason: g.reason.code(),
                    reason_fi: fi,
                    reason_sv: sv,
                    since: g.since,
                    job_search_id: g.job_search_id.map(|j| j.to_string()),
                    decision_id: g.decision_id.map(|d| d.to_string()),
                    payers: g.payers.iter().map(name_of).collect(),
                    applied_from: g.applied_from,
                }
            })
            .collect(),
    }))
}

// ---- the worker -----------------------------------------------------------------------------

/// How the delivery worker runs.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// The name in each attempt and receipt (host and process, say).
    pub worker: String,
    /// How often to look for due deliveries (wall time between polls).
    pub poll: StdDuration,
    /// How long a claimed attempt is held before it counts as lost (by the store's clock).
    pub lease: chrono::Duration,
    /// How long to wait for the payer's answer.
    pub timeout: StdDuration,
    /// The first retry comes this long after a failure; each next one twice as long.
    pub backoff: chrono::Duration,
    /// The longest wait between tries.
    pub max_backoff: chrono::Duration,
    /// Deliveries taken per poll.
    pub batch: i64,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            worker: format!("kirjuri-{}", std::process::id()),
            poll: StdDuration::from_secs(2),
            lease: chrono::Duration::minutes(2),
            timeout: StdDuration::from_secs(30),
            backoff: chrono::Duration::seconds(30),
            max_backoff: chrono::Duration::hours(1),
            batch: 50,
        }
    }
}

impl DeliveryConfig {
    /// The wait before the next try after `attempt` failed.
    pub fn backoff_after(&self, attempt: i64) -> chrono::Duration {
        let doublings = u32::try_from(attempt.saturating_sub(1).max(0))
            .unwrap_or(u32::MAX)
            .min(20);
        (self.backoff * 2i32.pow(doublings)).min(self.max_backoff)
    }
}

/// The running worker: [`DeliveryWorker::stop`] finishes the delivery in hand and stops;
/// dropping the handle or [`DeliveryWorker::abort`] stops it at once (as a crash would).
#[derive(Debug)]
pub struct DeliveryWorker {
    stop: Option<tokio::sync::watch::Sender<bool>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl DeliveryWorker {
    /// Starts the worker on the store. The HTTP client speaks rustls only (A18: the payer's
    /// endpoint is https; plain http is accepted only to loopback by `EndpointUrl`).
    pub fn spawn(store: Store, config: DeliveryConfig) -> anyhow::Result<Self> {
        // An attempt must be answered or abandoned before its lease runs out, or a second
        // worker could send the same delivery while the first still waits.
        let timeout = chrono::Duration::from_std(config.timeout)?;
        if config.lease <= timeout {
            anyhow::bail!(
                "delivery lease ({}) must be longer than the payer timeout ({timeout})",
                config.lease
            );
        }
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .build()?;
        let (tx, mut rx) = tokio::sync::watch::channel(false);
        let config = Arc::new(config);
        let task = tokio::spawn(async move {
            tracing::info!(worker = %config.worker, "statement delivery worker started");
            loop {
                if *rx.borrow() {
                    break;
                }
                if let Err(e) = run_once(&store, &http, &config, &rx).await {
                    tracing::warn!("statement delivery: {e}");
                }
                tokio::select! {
                    _ = tokio::time::sleep(config.poll) => {}
                    _ = rx.changed() => {}
                }
            }
            tracing::info!(worker = %config.worker, "statement delivery worker stopped");
        });
        Ok(Self {
            stop: Some(tx),
            task: Some(task),
        })
    }

    /// Stops after the delivery in hand.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(true);
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Stops at once, wherever it is (between sending and recording, say).
    pub async fn abort(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for DeliveryWorker {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// One pass over the due deliveries.
async fn run_once(
    store: &Store,
    http: &reqwest::Client,
    config: &DeliveryConfig,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> Result<(), kirjuri_store::StoreError> {
    for due in store.due_deliveries(config.batch).await? {
        if *stop.borrow() {
            break;
        }
        let Some(attempt) = store
            .claim_delivery(due.id, &config.worker, config.lease)
            .await?
        else {
            continue;
        };
        deliver(store, http, config, &due, attempt).await?;
    }
    Ok(())
}

/// Sends one claimed attempt and records its outcome.
async fn deliver(
    store: &Store,
    http: &reqwest::Client,
    config: &DeliveryConfig,
    due: &DueDelivery,
    attempt: i64,
) -> Result<(), kirjuri_store::StoreError> {
    let sent = http
        .post(&due.endpoint)
        .header("content-type", "application/json")
        .header("idempotency-key", &due.idempotency_key)
        .body(due.body.clone())
        .send()
        .await;
    let retry_at = store.clock().now() + config.backoff_after(attempt);
    match sent {
        Ok(resp) if resp.status().is_success() => {
            let status = resp.status().as_u16();
            let answer = resp.bytes().await.unwrap_or_default();
            tracing::info!(delivery = %due.id, attempt, status, "statement delivered");
            store
                .record_delivery_receipt(
                    due.id,
                    attempt,
                    &config.worker,
                    &due.endpoint,
                    status,
                    &answer,
                )
                .await
        }
        Ok(resp) => {
            let status = resp.status();
            let answer = resp.text().await.unwrap_or_default();
            let excerpt: String = answer.chars().take(200).collect();
            tracing::warn!(delivery = %due.id, attempt, %status, "payer refused the statement");
            store
                .record_delivery_failure(
                    due.id,
                    attempt,
                    Some(status.as_u16()),
                    &format!("HTTP {status}: {excerpt}"),
                    retry_at,
                )
                .await
        }
        Err(e) => {
            let what = if e.is_timeout() {
                "no answer in time".to_owned()
            } else if e.is_connect() {
                "could not connect".to_owned()
            } else {
                "sending failed".to_owned()
            };
            tracing::warn!(delivery = %due.id, attempt, "statement delivery: {what}: {e}");
            store
                .record_delivery_failure(due.id, attempt, None, &what, retry_at)
                .await
        }
    }
}
