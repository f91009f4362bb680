//! [`DeliveryWorker`] sends the statement outbox to the benefit payers (TTL 1:4, A11, A18): it
//! takes the due deliveries, claims an attempt (a lease, so two instances do not send the same
//! row at once), POSTs the JSON body with the `Idempotency-Key` header, records a receipt on
//! 2xx and otherwise a failure with the next try after an exponential backoff. Time comes from
//! the store's `Clock`; all state is in the database, so a restarted worker continues. A worker
//! stopped between sending and recording leaves an attempt without an outcome: it is sent again
//! when the lease runs out, with the same idempotency key, so the payer sees the statement once.
//!
//! The worker is a system process: it discloses a statement to its payer, and the receipt (a
//! ledger leaf) is the record of that disclosure, so its reads are not access-logged.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use kirjuri_store::{DueDelivery, Store};

use crate::App;

/// Why the worker could not start.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("delivery lease ({lease}) must be longer than the payer timeout ({timeout})")]
    LeaseTooShort {
        lease: chrono::Duration,
        timeout: chrono::Duration,
    },
    #[error("delivery timeout out of range: {0}")]
    Timeout(String),
    #[error("building the HTTP client: {0}")]
    Http(String),
}

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
    pub fn spawn(app: &App, config: DeliveryConfig) -> Result<Self, WorkerError> {
        let store = app.store.clone();
        // An attempt must be answered or abandoned before its lease runs out, or a second
        // worker could send the same delivery while the first still waits.
        let timeout = chrono::Duration::from_std(config.timeout)
            .map_err(|e| WorkerError::Timeout(e.to_string()))?;
        if config.lease <= timeout {
            return Err(WorkerError::LeaseTooShort {
                lease: config.lease,
                timeout,
            });
        }
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .build()
            .map_err(|e| WorkerError::Http(e.to_string()))?;
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
