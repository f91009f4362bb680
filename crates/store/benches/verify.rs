//! Whole-log verification from the database at scale (issue 16). Prints, never asserts.
//!
//! Per backend: a ledger of realistic rows (access-log rows and journal entries of the real
//! tables, each with its leaf, opening and link: `Store::bulk_load_ledger`, multi-row
//! INSERTs on SQLite and COPY on PostgreSQL, then `ANALYZE`) is built up to the small size,
//! signed, and verified with `Store::verify_ledger` (best of two); then grown to the large
//! size and verified again. Beside each: raw SHA-256 over the same bytes verification hashes
//! per leaf (salt, record, canonical leaf encoding), in memory, one stream on one thread,
//! best of three. Prints the time per leaf at both sizes, their ratio (linear: ≤ 1.3) and
//! each size's ratio to raw SHA-256 (target ≥ 0.25 at 1 M leaves).
//!
//! Run: `cargo bench -p kirjuri-store --bench verify`. Knobs: `KIRJURI_BENCH_BACKENDS`
//! (default `sqlite,postgres`), `KIRJURI_BENCH_SMALL` (default 100 000 leaves),
//! `KIRJURI_BENCH_LARGE` (default 1 000 000). SQLite runs on a file in the temporary
//! directory, PostgreSQL on `DATABASE_URL` in a fresh schema.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use kirjuri_domain::*;
use kirjuri_store::testing::{
    acting, drop_schema, fixture, parse_backends, postgres_url, test_ledger_keys,
};
use kirjuri_store::{Backend, IdSource, Store};
use sha2::{Digest, Sha256};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .map(|v| {
            v.replace(['_', ' '], "")
                .parse()
                .unwrap_or_else(|_| panic!("{name}: not a number: {v:?}"))
        })
        .unwrap_or(default)
}

/// Valid test-range identity codes (900–999), one per client.
fn test_hetu(i: usize) -> Hetu {
    let born =
        chrono::NaiveDate::from_ymd_opt(1985, 1 + (i % 9) as u32, 1 + (i % 28) as u32).unwrap();
    Hetu::from_parts(born, 900 + (i % 100) as u16).unwrap()
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ))
}

/// Best of three runs of raw SHA-256 over `bytes`, one stream.
fn raw_sha256(bytes: &[u8]) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        std::hint::black_box(Sha256::digest(std::hint::black_box(bytes)));
        best = best.min(start.elapsed());
    }
    best
}

struct Figure {
    leaves: u64,
    verify: Duration,
    raw: Duration,
    bytes: usize,
}

impl Figure {
    fn per_leaf_us(&self) -> f64 {
        self.verify.as_secs_f64() * 1e6 / self.leaves as f64
    }
    fn ratio(&self) -> f64 {
        self.raw.as_secs_f64() / self.verify.as_secs_f64()
    }
}

async fn measure(store: &Store, hashed: &[u8]) -> Figure {
    let cp = store.ledger_checkpoint().await.unwrap();
    let verifier = [test_ledger_keys().verifier()];
    let mut best = Duration::MAX;
    for _ in 0..2 {
        let start = Instant::now();
        let report = store.verify_ledger(&verifier).await.unwrap();
        best = best.min(start.elapsed());
        assert_eq!(report.fault, None, "{report:?}");
        assert_eq!(report.leaves, cp.size);
        assert_eq!(report.records_checked, cp.size);
    }
    Figure {
        leaves: cp.size,
        verify: best,
        raw: raw_sha256(hashed),
        bytes: hashed.len(),
    }
}

async fn run(backend: Backend, small: u64, large: u64) {
    let dir = std::env::temp_dir().join(format!("kirjuri-verify-bench-{}", std::process::id()));
    let schema = format!("kirjuri_verify_bench_{}", std::process::id());
    let store = match backend {
        Backend::Sqlite => {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            let url = format!("sqlite:{}", dir.join("ledger.db").display());
            Store::connect(&url, None, clock(), IdSource::seeded(1)).await
        }
        Backend::Postgres => {
            Store::connect(&postgres_url(), Some(&schema), clock(), IdSource::seeded(1)).await
        }
    }
    .unwrap_or_else(|e| panic!("{backend:?}: {e}"))
    .with_ledger(test_ledger_keys());
    let fx = fixture(&store).await;
    let mut clients = vec![fx.client_a.id];
    for i in 1..50u64 {
        let c = store
            .create_client(
                NewClient {
                    hetu: test_hetu(i as usize),
                    first_name: PersonName::parse("Penkki").unwrap(),
                    last_name: PersonName::parse(&format!("Asiakas {i}")).unwrap(),
                    language: Language::Fi,
                    org_id: fx.org_a.id,
                },
                &acting(&fx.official_a),
            )
            .await
            .unwrap();
        clients.push(c.id);
    }
    // The cached tree holds every leaf so far, so the bulk load extends it in memory.
    store.ledger_checkpoint().await.unwrap();
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let mut hashed = Vec::new();
    let mut figures = Vec::new();
    let mut loaded = 0u64;
    for target in [small, large] {
        let existing = u64::try_from(
            kirjuri_store::testing::raw_i64(&store, "SELECT COUNT(*) FROM ledger_leaves").await,
        )
        .unwrap();
        // The bytes of the leaves written before the bulk load are left out of the raw
        // baseline: a few hundred against 10^5 or more.
        let n = target.saturating_sub(existing);
        let t = Instant::now();
        store
            .bulk_load_ledger(
                n,
                &fx.official_a,
                &clients,
                start + chrono::Duration::milliseconds(loaded as i64),
                Some(&mut hashed),
            )
            .await
            .unwrap();
        loaded += n;
        println!(
            "{backend:?}: loaded {n} leaves (to {target}) in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let f = measure(&store, &hashed).await;
        println!(
            "{backend:?}: verify_ledger over {} leaves, best of 2: {:.3} s = {:.3} µs/leaf; \
             raw SHA-256 over the same {:.0} MB in memory (one stream, best of 3): {:.3} s \
             -> ratio to raw SHA-256 {:.3}",
            f.leaves,
            f.verify.as_secs_f64(),
            f.per_leaf_us(),
            f.bytes as f64 / 1e6,
            f.raw.as_secs_f64(),
            f.ratio()
        );
        figures.push(f);
    }
    if let [a, b] = &figures[..] {
        println!(
            "{backend:?}: time per leaf at {} / at {} leaves = {:.3} (linear: <= 1.3); \
             ratio to raw SHA-256 at {} leaves {:.3} (target >= 0.25)",
            b.leaves,
            a.leaves,
            b.per_leaf_us() / a.per_leaf_us(),
            b.leaves,
            b.ratio()
        );
    }
    store.close().await;
    match backend {
        Backend::Sqlite => {
            let _ = std::fs::remove_dir_all(&dir);
        }
        Backend::Postgres => drop_schema(&schema).await,
    }
}

fn main() {
    let backends = std::env::var("KIRJURI_BENCH_BACKENDS").unwrap_or("sqlite,postgres".into());
    let backends = parse_backends(&backends).unwrap();
    let small = env_u64("KIRJURI_BENCH_SMALL", 100_000);
    let large = env_u64("KIRJURI_BENCH_LARGE", 1_000_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    for backend in backends {
        rt.block_on(run(backend, small, large));
    }
}
