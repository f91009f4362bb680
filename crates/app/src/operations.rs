//! What the operators see (issue 16): whether the database takes writes, and the figures the
//! metrics endpoint exports beside the transport's own (write-queue depth, ledger size, outbox
//! backlog, the entry-quality checker's time).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use kirjuri_store::StoreError;

use crate::{App, AppResult};

/// What `/health` learns of the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseHealth {
    /// It answers and took the probe write.
    Ok,
    /// It does not answer at all.
    Unreachable(String),
    /// It answers, but its storage is full: writes are refused.
    StorageFull,
    /// It answers, but refuses writes for another reason (a read-only file or server).
    Unwritable(String),
}

/// The store's figures at one moment.
#[derive(Debug, Clone, Copy)]
pub struct Gauges {
    pub write_queue_depth: usize,
    pub ledger_size: u64,
    pub outbox_backlog: i64,
}

/// A histogram with fixed upper bounds (seconds), counted lock-free: what the Prometheus
/// text format calls `_bucket`, `_sum` and `_count`.
#[derive(Debug)]
pub struct Histogram {
    bounds: &'static [f64],
    /// One per bound, and one more for `+Inf`; not cumulative (the renderer sums).
    buckets: Vec<AtomicU64>,
    sum_micros: AtomicU64,
}

/// Bounds for request latencies and the checker's time, in seconds.
pub const LATENCY_BOUNDS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

impl Histogram {
    pub fn new(bounds: &'static [f64]) -> Self {
        Self {
            bounds,
            buckets: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum_micros: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        let i = self
            .bounds
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(self.bounds.len());
        if let Some(bucket) = self.buckets.get(i) {
            bucket.fetch_add(1, Ordering::Relaxed);
        }
        let micros = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// `(upper bound, cumulative count)` per bound, then `(None, count)` for `+Inf`, and the
    /// sum in seconds.
    pub fn snapshot(&self) -> (Vec<(Option<f64>, u64)>, f64) {
        let mut total = 0;
        let mut out = Vec::with_capacity(self.buckets.len());
        for (i, b) in self.buckets.iter().enumerate() {
            total += b.load(Ordering::Relaxed);
            out.push((self.bounds.get(i).copied(), total));
        }
        // Micros to seconds: precision beyond 2^53 µs (285 years) is not a concern.
        #[allow(clippy::cast_precision_loss)]
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        (out, sum)
    }
}

impl App {
    /// Whether the database answers and takes a write (the probe row of migration 18).
    /// `server` names this process in the probe row.
    pub async fn database_health(&self, server: &str) -> DatabaseHealth {
        if let Err(e) = self.store.ping().await {
            return DatabaseHealth::Unreachable(e.to_string());
        }
        match self.store.probe_write(server, self.clock().now()).await {
            Ok(()) => DatabaseHealth::Ok,
            Err(StoreError::StorageFull) => DatabaseHealth::StorageFull,
            Err(e) => DatabaseHealth::Unwritable(e.to_string()),
        }
    }

    /// The store's figures for the metrics endpoint.
    pub async fn gauges(&self) -> AppResult<Gauges> {
        Ok(Gauges {
            write_queue_depth: self.store.write_queue_depth(),
            ledger_size: self.store.ledger_size().await?,
            outbox_backlog: self.store.outbox_backlog().await?,
        })
    }

    /// How long the entry-quality checker took per text checked, since start.
    pub fn checker_times(&self) -> &Histogram {
        &self.checker_times
    }
}
