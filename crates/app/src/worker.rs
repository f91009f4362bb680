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
//!
//! Issue 15 item 5: the statement carries the client's identity code, so the worker sends
//! only to public addresses (loopback too when the configuration is a test one,
//! `AppConfig::loopback_payers`). The check is made on the address actually connected to:
//! an address written in the endpoint is checked before sending, and a host name is resolved
//! by the worker's own resolver, which refuses the whole answer when any address in it is not
//! allowed — so a name that resolved to a public address at registration and to an internal
//! one now (DNS rebinding) is not sent to. What the payer answered is never kept or shown:
//! a failure records the status only, a receipt the answer's SHA-256.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use kirjuri_domain::{is_loopback_ip, is_public_ip};
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
        let loopback = app.config.loopback_payers;
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            // Through a proxy (HTTPS_PROXY, ALL_PROXY from the environment) the proxy would
            // resolve the payer's host and our resolver's address check would never run.
            .no_proxy()
            .dns_resolver(Arc::new(AllowedOnly { loopback }))
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .build()
            .map_err(|e| WorkerError::Http(e.to_string()))?;
        let (tx, mut rx) = tokio::sync::watch::channel(false);
        let config = Arc::new(config);
        let task = tokio::spawn(async move {
            tracing::info!(worker = %config.worker, "statement delivery worker started");
            let mut said = PayerFailureLog::default();
            loop {
                if *rx.borrow() {
                    break;
                }
                if let Err(e) = run_once(&store, &http, &config, loopback, &rx, &mut said).await {
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

/// What the worker has said about failing payers (issue 16): a payer that cannot be reached
/// fails every delivery to it, so a warning per delivery filled the console (two a second in
/// the demo). A failure is logged once per payer and backoff step — the first failed attempt
/// number n of any delivery to the payer — and a payer that answers again is logged once.
#[derive(Debug, Default)]
pub struct PayerFailureLog {
    /// Per payer endpoint: the highest attempt number whose failure was logged.
    logged: std::collections::HashMap<String, i64>,
}

impl PayerFailureLog {
    /// Whether the failure of `attempt` of a delivery to `endpoint` is to be logged: the
    /// first failure of that backoff step at that payer.
    pub fn failed(&mut self, endpoint: &str, attempt: i64) -> bool {
        match self.logged.get_mut(endpoint) {
            Some(step) if *step >= attempt => false,
            Some(step) => {
                *step = attempt;
                true
            }
            None => {
                self.logged.insert(endpoint.to_owned(), attempt);
                true
            }
        }
    }

    /// A delivery to `endpoint` succeeded: whether the payer had been logged as failing (so
    /// its recovery is worth one line). Its next failure is logged again.
    pub fn delivered(&mut self, endpoint: &str) -> bool {
        self.logged.remove(endpoint).is_some()
    }
}

/// Whether the worker may send to `ip`: a public address, or loopback in a test configuration.
pub fn allowed_ip(ip: IpAddr, loopback: bool) -> bool {
    is_public_ip(ip) || (loopback && is_loopback_ip(ip))
}

/// Why a payer's host was not connected to.
#[derive(Debug, thiserror::Error)]
#[error("the payer's host {0} resolves to an address that is not public")]
struct NotAllowed(String);

/// The worker's resolver: the system's, with every answer checked (see the module's notes).
struct AllowedOnly {
    loopback: bool,
}

impl reqwest::dns::Resolve for AllowedOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let loopback = self.loopback;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = resolve_allowed(&host, loopback).await?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The addresses of `host`, when every one of them is allowed.
async fn resolve_allowed(
    host: &str,
    loopback: bool,
) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, 0)).await?.collect();
    if addrs.is_empty() || addrs.iter().any(|a| !allowed_ip(a.ip(), loopback)) {
        return Err(Box::new(NotAllowed(host.to_owned())));
    }
    Ok(addrs)
}

/// Whether the endpoint's host may be sent to now: an address written in it is checked as
/// it is; a name is resolved and every address checked (the resolver checks again at
/// connect).
async fn endpoint_allowed(endpoint: &str, loopback: bool) -> bool {
    let Ok(url) = reqwest::Url::parse(endpoint) else {
        return false;
    };
    let Some(host) = url.host_str() else {
        return false;
    };
    match host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        Ok(ip) => allowed_ip(ip, loopback),
        Err(_) => resolve_allowed(host, loopback).await.is_ok(),
    }
}

/// One pass over the due deliveries.
async fn run_once(
    store: &Store,
    http: &reqwest::Client,
    config: &DeliveryConfig,
    loopback: bool,
    stop: &tokio::sync::watch::Receiver<bool>,
    said: &mut PayerFailureLog,
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
        deliver(store, http, config, loopback, &due, attempt, said).await?;
    }
    Ok(())
}

/// The failure recorded when the endpoint's address may not be sent to.
pub const NOT_PUBLIC: &str = "not sent: the address of the payer is not a public address";

/// Sends one claimed attempt and records its outcome.
async fn deliver(
    store: &Store,
    http: &reqwest::Client,
    config: &DeliveryConfig,
    loopback: bool,
    due: &DueDelivery,
    attempt: i64,
    said: &mut PayerFailureLog,
) -> Result<(), kirjuri_store::StoreError> {
    let backoff = config.backoff_after(attempt);
    let retry_at = store.clock().now() + backoff;
    let next = format_wait(backoff);
    if !endpoint_allowed(&due.endpoint, loopback).await {
        if said.failed(&due.endpoint, attempt) {
            tracing::warn!(payer = %due.endpoint, attempt, "statement delivery: the payer's address is not public; not sent (next try in {next}; further deliveries to this payer at this attempt are not logged)");
        }
        return store
            .record_delivery_failure(due.id, attempt, None, NOT_PUBLIC, retry_at)
            .await;
    }
    let sent = http
        .post(&due.endpoint)
        .header("content-type", "application/json")
        .header("idempotency-key", &due.idempotency_key)
        .body(due.body.clone())
        .send()
        .await;
    match sent {
        Ok(resp) if resp.status().is_success() => {
            let status = resp.status().as_u16();
            let answer = resp.bytes().await.unwrap_or_default();
            if said.delivered(&due.endpoint) {
                tracing::info!(payer = %due.endpoint, "statement delivery: the payer answers again");
            }
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
            // The answer's body is neither kept nor shown (issue 15 item 5): an endpoint that
            // is not a payer could answer with anything, an internal service's secret say.
            let status = resp.status();
            if said.failed(&due.endpoint, attempt) {
                tracing::warn!(payer = %due.endpoint, attempt, %status, "payer refused the statement (next try in {next}; further deliveries to this payer at this attempt are not logged)");
            }
            store
                .record_delivery_failure(
                    due.id,
                    attempt,
                    Some(status.as_u16()),
                    &format!("the payer answered HTTP {}", status.as_u16()),
                    retry_at,
                )
                .await
        }
        Err(e) => {
            let what = if e.is_connect() && is_not_allowed(&e) {
                NOT_PUBLIC.to_owned()
            } else if e.is_timeout() {
                "no answer in time".to_owned()
            } else if e.is_connect() {
                "could not connect".to_owned()
            } else {
                "sending failed".to_owned()
            };
            if said.failed(&due.endpoint, attempt) {
                tracing::warn!(payer = %due.endpoint, attempt, "statement delivery: {what}: {e} (next try in {next}; further deliveries to this payer at this attempt are not logged)");
            }
            store
                .record_delivery_failure(due.id, attempt, None, &what, retry_at)
                .await
        }
    }
}

/// A wait in words for the log: `30 s`, `4 min`, `1 h`.
fn format_wait(d: chrono::Duration) -> String {
    let s = d.num_seconds();
    if s < 120 {
        format!("{s} s")
    } else if s < 7200 {
        format!("{} min", s / 60)
    } else {
        format!("{} h", s / 3600)
    }
}

/// Whether a send failed because the resolver refused the payer's addresses.
fn is_not_allowed(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<NotAllowed>() {
            return true;
        }
        source = err.source();
    }
    false
}
