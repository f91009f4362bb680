//! Prometheus metrics at `/metrics` (issue 16), and what the transport remembers of refused
//! writes for `/health`.
//!
//! Never public: on the server's own listener `/metrics` answers only a request bearing the
//! token configured in `KIRJURI_METRICS_TOKEN` (and is "not found" without one configured);
//! `kirjuri serve --metrics-addr` serves it on a listener of its own instead, for a network
//! only the monitoring reaches.
//!
//! The text format (version 0.0.4) is written here rather than with a metrics crate: a few
//! counters, gauges and histograms are some hundred lines, and the tree gains no dependency
//! to review and keep up.
//!
//! Exported: `kirjuri_http_requests_total{method,route,status}` and
//! `kirjuri_http_request_duration_seconds{route}` (route: the template, e.g.
//! `/api/clients/{id}/entries`, so no id becomes a label), `kirjuri_write_queue_depth`,
//! `kirjuri_ledger_leaves`, `kirjuri_outbox_backlog`,
//! `kirjuri_checker_duration_seconds`, `kirjuri_storage_refusals_total`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kirjuri_app::operations::{Histogram, LATENCY_BOUNDS};

use crate::AppState;

/// Put on a response that refused a write for lack of storage (see [`WriteHealth`]). Not on
/// one refused because the database is read-only: the probe write of `/health` meets that
/// itself, where a full disk may still fit the probe.
#[derive(Debug, Clone, Copy)]
pub struct StorageRefused;

/// How long a write refused for lack of storage keeps `/health` degraded when no write has
/// succeeded since. A probe write alone can still fit where the record's writes no longer do
/// (SQLite reuses the pages of its write-ahead log), so the refusal counts; but a server the
/// load balancer took out receives no writes to prove it well again, so it counts only so
/// long, and then the probe alone decides.
pub const REFUSAL_MEMORY: Duration = Duration::from_secs(60);

/// The transport's memory of refused and successful writes.
#[derive(Debug, Default)]
pub struct WriteHealth {
    /// Counts events so that "refused after the last success" needs no clock.
    events: AtomicU64,
    last_refusal: AtomicU64,
    last_success: AtomicU64,
    refused_at: Mutex<Option<Instant>>,
    refusals: AtomicU64,
    /// The database state `/health` last reported (logged only when it changes).
    pub(crate) reported: AtomicU8,
}

impl WriteHealth {
    pub fn refused(&self) {
        let n = self.events.fetch_add(1, Ordering::Relaxed) + 1;
        self.last_refusal.store(n, Ordering::Relaxed);
        self.refusals.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut at) = self.refused_at.lock() {
            *at = Some(Instant::now());
        }
    }

    pub fn succeeded(&self) {
        let n = self.events.fetch_add(1, Ordering::Relaxed) + 1;
        self.last_success.store(n, Ordering::Relaxed);
    }

    /// A write was refused for lack of storage within [`REFUSAL_MEMORY`], and none has
    /// succeeded since.
    pub fn refusing(&self) -> bool {
        let recent = self
            .refused_at
            .lock()
            .ok()
            .and_then(|at| *at)
            .is_some_and(|at| at.elapsed() < REFUSAL_MEMORY);
        recent
            && self.last_refusal.load(Ordering::Relaxed) > self.last_success.load(Ordering::Relaxed)
    }
}

/// Requests and their latencies, by route.
#[derive(Debug)]
pub struct Metrics {
    /// `(method, route, status)` → count.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// route → latency.
    latency: Mutex<BTreeMap<String, std::sync::Arc<Histogram>>>,
    pub writes: WriteHealth,
    /// The bearer token `/metrics` on the server's own listener asks for.
    token: Option<Secret>,
}

/// A token that debug output does not show.
struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Metrics {
    pub fn new(token: Option<String>) -> Self {
        Self {
            requests: Mutex::new(BTreeMap::new()),
            latency: Mutex::new(BTreeMap::new()),
            writes: WriteHealth::default(),
            token: token.filter(|t| !t.is_empty()).map(Secret),
        }
    }

    fn record(&self, method: &Method, route: &str, status: StatusCode, took: Duration) {
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((
                method_label(method).to_owned(),
                route.to_owned(),
                status.as_u16(),
            ))
            .or_insert(0) += 1;
        }
        let histogram = self.latency.lock().ok().map(|mut l| {
            l.entry(route.to_owned())
                .or_insert_with(|| std::sync::Arc::new(Histogram::new(LATENCY_BOUNDS)))
                .clone()
        });
        if let Some(h) = histogram {
            h.observe(took);
        }
    }
}

/// The method as a label from a fixed set: the HTTP crate accepts any token as a method, and
/// an unauthenticated caller must not be able to add label values (and memory) at will.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts every request by route and status and times it; notes refused and successful
/// writes for `/health`.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let resp = next.run(req).await;
    let status = resp.status();
    let metrics = &state.metrics;
    metrics.record(&method, &route, status, started.elapsed());
    if resp.extensions().get::<StorageRefused>().is_some() {
        metrics.writes.refused();
    } else if status.is_success() && !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS)
    {
        // Every successful change wrote and committed (a read writes its access-log row too,
        // but reads of what is not client data write nothing, so only changes count).
        metrics.writes.succeeded();
    }
    resp
}

/// `/metrics` on the server's own listener: only with the configured bearer token.
pub async fn metrics_with_token(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(Secret(token)) = state.metrics.token.as_ref() else {
        // Not configured: as if there were no such path (nothing to guess at).
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !given.is_some_and(|g| constant_time_eq(g.as_bytes(), token.as_bytes())) {
        return (
            StatusCode::UNAUTHORIZED,
            [("www-authenticate", "Bearer realm=\"kirjuri-metrics\"")],
            "a bearer token is needed\n",
        )
            .into_response();
    }
    render_response(&state).await
}

/// `/metrics` on the metrics listener of its own (`--metrics-addr`).
pub async fn metrics_open(State(state): State<AppState>) -> Response {
    render_response(&state).await
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn render_response(state: &AppState) -> Response {
    let body = render(state).await;
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A label value, escaped as the text format wants.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn histogram(out: &mut String, name: &str, labels: &str, h: &Histogram) {
    let (buckets, sum) = h.snapshot();
    let sep = if labels.is_empty() { "" } else { "," };
    let mut count = 0;
    for (bound, n) in buckets {
        let le = bound.map_or_else(|| "+Inf".to_owned(), |b| b.to_string());
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{le}\"}} {n}");
        count = n;
    }
    let braces = if labels.is_empty() {
        String::new()
    } else {
        format!("{{{labels}}}")
    };
    let _ = writeln!(out, "{name}_sum{braces} {sum}");
    let _ = writeln!(out, "{name}_count{braces} {count}");
}

/// The whole exposition.
pub async fn render(state: &AppState) -> String {
    let mut out = String::new();
    let m = &state.metrics;
    out.push_str("# HELP kirjuri_http_requests_total HTTP requests answered, by route template and status.\n");
    out.push_str("# TYPE kirjuri_http_requests_total counter\n");
    let requests = m.requests.lock().map(|r| r.clone()).unwrap_or_default();
    for ((method, route, status), n) in &requests {
        let _ = writeln!(
            out,
            "kirjuri_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
            label(method),
            label(route)
        );
    }
    out.push_str(
        "# HELP kirjuri_http_request_duration_seconds Time to answer, by route template.\n",
    );
    out.push_str("# TYPE kirjuri_http_request_duration_seconds histogram\n");
    let latency = m.latency.lock().map(|l| l.clone()).unwrap_or_default();
    for (route, h) in &latency {
        histogram(
            &mut out,
            "kirjuri_http_request_duration_seconds",
            &format!("route=\"{}\"", label(route)),
            h,
        );
    }
    out.push_str(
        "# HELP kirjuri_checker_duration_seconds Time the entry-quality checker took per text.\n",
    );
    out.push_str("# TYPE kirjuri_checker_duration_seconds histogram\n");
    histogram(
        &mut out,
        "kirjuri_checker_duration_seconds",
        "",
        state.app.checker_times(),
    );
    out.push_str("# HELP kirjuri_storage_refusals_total Requests refused because the database's storage was full.\n");
    out.push_str("# TYPE kirjuri_storage_refusals_total counter\n");
    let _ = writeln!(
        out,
        "kirjuri_storage_refusals_total {}",
        m.writes.refusals.load(Ordering::Relaxed)
    );
    match state.app.gauges().await {
        Ok(g) => {
            out.push_str("# HELP kirjuri_write_queue_depth Writes waiting for the writer (SQLite: the next group commit; PostgreSQL: connections busy).\n");
            out.push_str("# TYPE kirjuri_write_queue_depth gauge\n");
            let _ = writeln!(out, "kirjuri_write_queue_depth {}", g.write_queue_depth);
            out.push_str("# HELP kirjuri_ledger_leaves Leaves in the ledger.\n");
            out.push_str("# TYPE kirjuri_ledger_leaves gauge\n");
            let _ = writeln!(out, "kirjuri_ledger_leaves {}", g.ledger_size);
            out.push_str(
                "# HELP kirjuri_outbox_backlog Statements waiting to reach a benefit payer.\n",
            );
            out.push_str("# TYPE kirjuri_outbox_backlog gauge\n");
            let _ = writeln!(out, "kirjuri_outbox_backlog {}", g.outbox_backlog);
        }
        Err(e) => {
            // The counters above still help; the gauges are left out rather than made up.
            tracing::warn!("metrics: the store's figures could not be read: {e}");
        }
    }
    out
}
