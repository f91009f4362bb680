//! Ledger figures through the store (issue 4). Prints, never asserts:
//!
//! (a) batched append leaves/s: `Store::record_events` in batches of 1000 leaves per
//!     transaction, SQLite on a file (`synchronous = FULL`) and PostgreSQL (fresh schema);
//! (b) full-log verification (`Store::verify_ledger`: read every leaf and opening from the
//!     database, recompute commitments, leaf hashes and the root, check the signature) as a
//!     ratio to raw SHA-256 over the same bytes (salt + record + leaf encoding, in memory, one
//!     stream on one thread), measured in the same run, on both backends;
//! (c) inclusion proof at the full size: `Store::ledger_bundle` (proof from the cached tree
//!     plus the leaf and opening from the database), median, and offline bundle verification.
//!
//! Run: `cargo bench -p kirjuri-store --bench ledger`. Knobs: `KIRJURI_BENCH_LEAVES` (SQLite
//! log size, default 1 000 000), `KIRJURI_BENCH_PG_LEAVES` (default 100 000; 0 skips
//! PostgreSQL), `KIRJURI_BENCH_BATCH` (default 1000).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use kirjuri_domain::FixedClock;
use kirjuri_ledger::{EventType, LeafRecord};
use kirjuri_store::testing::{drop_schema, postgres_url, test_ledger_keys};
use kirjuri_store::{IdSource, LedgerEvent, Store};
use sha2::{Digest, Sha256};

const RECORD_LEN: usize = 100;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}: not a number: {v:?}"))
        })
        .unwrap_or(default)
}

/// A deterministic ~100-byte JSON record for leaf `i`.
fn record(i: usize) -> Vec<u8> {
    let mut r = format!("{{\"bench\":{i},\"text\":\"").into_bytes();
    while r.len() < RECORD_LEN - 2 {
        r.push(b'a' + (r.len() % 26) as u8);
    }
    r.extend_from_slice(b"\"}");
    r
}

fn event(i: usize) -> LedgerEvent {
    LedgerEvent {
        event_type: EventType::ALL[i % EventType::ALL.len()],
        subject_id: format!("client-{}", i % 5000),
        record: record(i),
    }
}

/// Appends `n` leaves in batches; returns the time spent appending.
async fn append(store: &Store, n: usize, batch: usize) -> Duration {
    let mut spent = Duration::ZERO;
    let mut done = 0;
    while done < n {
        let size = batch.min(n - done);
        let events: Vec<LedgerEvent> = (done..done + size).map(event).collect();
        let start = Instant::now();
        store.record_events(events).await.unwrap();
        spent += start.elapsed();
        done += size;
    }
    spent
}

fn per_s(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

async fn sqlite(n: usize, batch: usize) {
    let dir = std::env::temp_dir().join(format!("kirjuri-ledger-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}", dir.join("ledger.db").display());
    let store = Store::connect(&url, None, clock(), IdSource::seeded(1))
        .await
        .unwrap()
        .with_ledger(test_ledger_keys());
    let spent = append(&store, n, batch).await;
    println!(
        "(a) SQLite file, synchronous=FULL: appended {n} leaves in batches of {batch}: {:.1} s, \
         {:.0} leaves/s",
        spent.as_secs_f64(),
        per_s(n, spent)
    );

    let start = Instant::now();
    let cp = store.ledger_checkpoint().await.unwrap();
    println!(
        "    first checkpoint (loads the tree of {} leaves from the database, signs): {:.2} s",
        cp.size,
        start.elapsed().as_secs_f64()
    );

    // (b) whole-log verification against raw SHA-256 over the same bytes.
    let verifier = [test_ledger_keys().verifier()];
    let mut best = Duration::MAX;
    for _ in 0..2 {
        let start = Instant::now();
        let report = store.verify_ledger(&verifier).await.unwrap();
        best = best.min(start.elapsed());
        assert_eq!(report.fault, None);
        assert_eq!(report.leaves, n as u64);
    }
    let (bytes, raw) = raw_sha256(n);
    print_verify("SQLite file", n, best, bytes, raw);

    // (c) inclusion proofs at the full size.
    let samples = 1001;
    let (mut gen, mut ver) = (Vec::with_capacity(samples), Vec::with_capacity(samples));
    let mut state = 42u64;
    for _ in 0..samples {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let idx = (state >> 33) % n as u64;
        let start = Instant::now();
        let bundle = store.ledger_bundle(idx).await.unwrap();
        gen.push(start.elapsed());
        let start = Instant::now();
        bundle.verify(&verifier).unwrap();
        ver.push(start.elapsed());
    }
    gen.sort_unstable();
    ver.sort_unstable();
    println!(
        "(c) inclusion proof at {n} leaves, median of {samples}: bundle from the store \
         (proof + leaf + opening + checkpoint) {:.1} µs, offline bundle verification \
         (signature + proof + opening) {:.1} µs",
        gen[samples / 2].as_secs_f64() * 1e6,
        ver[samples / 2].as_secs_f64() * 1e6
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

async fn postgres(n: usize, batch: usize) {
    let schema = format!("kirjuri_ledger_bench_{}", std::process::id());
    let store = Store::connect(&postgres_url(), Some(&schema), clock(), IdSource::seeded(1))
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {}: {e}", postgres_url()))
        .with_ledger(test_ledger_keys());
    let spent = append(&store, n, batch).await;
    println!(
        "(a) PostgreSQL: appended {n} leaves in batches of {batch}: {:.1} s, {:.0} leaves/s",
        spent.as_secs_f64(),
        per_s(n, spent)
    );
    let verifier = [test_ledger_keys().verifier()];
    store.ledger_checkpoint().await.unwrap();
    let mut best = Duration::MAX;
    for _ in 0..2 {
        let start = Instant::now();
        let report = store.verify_ledger(&verifier).await.unwrap();
        best = best.min(start.elapsed());
        assert_eq!(report.fault, None);
        assert_eq!(report.leaves, n as u64);
    }
    let (bytes, raw) = raw_sha256(n);
    print_verify("PostgreSQL", n, best, bytes, raw);
    store.close().await;
    drop_schema(&schema).await;
}

/// The baseline of (b): raw SHA-256, one stream on one thread, over the same bytes
/// verification reads per leaf — its salt (32 B), its record and its canonical leaf
/// encoding — laid out contiguously in memory; best of three, measured in this run.
fn raw_sha256(n: usize) -> (usize, Duration) {
    let keys = test_ledger_keys();
    let mut stream = Vec::with_capacity(n * (32 + RECORD_LEN + 100));
    for i in 0..n {
        let e = event(i);
        stream.extend_from_slice(&[7u8; 32]);
        stream.extend_from_slice(&e.record);
        LeafRecord {
            event_type: e.event_type,
            subject: keys.subject(&e.subject_id),
            commitment: kirjuri_ledger::sha256(&e.record),
        }
        .encode_into(&mut stream);
    }
    let mut raw = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        std::hint::black_box(Sha256::digest(std::hint::black_box(&stream)));
        raw = raw.min(start.elapsed());
    }
    (stream.len(), raw)
}

fn print_verify(backend: &str, n: usize, verify: Duration, bytes: usize, raw: Duration) {
    let mb = bytes as f64 / 1e6;
    println!(
        "(b) {backend}: verify_ledger over {n} leaves, best of 2: {:.3} s, {:.0} leaves/s, \
         {:.0} MB/s of the same bytes ({mb:.0} MB: per leaf salt 32 B + record ~{RECORD_LEN} B + \
         canonical leaf ~77 B)",
        verify.as_secs_f64(),
        per_s(n, verify),
        mb / verify.as_secs_f64(),
    );
    println!(
        "    raw SHA-256, one stream, one thread, over the same bytes in memory: {:.3} s, \
         {:.0} MB/s -> ratio {:.3} (raw time / verify time; issue 4 target >= 0.8)",
        raw.as_secs_f64(),
        mb / raw.as_secs_f64(),
        raw.as_secs_f64() / verify.as_secs_f64()
    );
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ))
}

fn main() {
    let n = env_usize("KIRJURI_BENCH_LEAVES", 1_000_000);
    let pg = env_usize("KIRJURI_BENCH_PG_LEAVES", 100_000);
    let batch = env_usize("KIRJURI_BENCH_BATCH", 1000).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        sqlite(n, batch).await;
        if pg > 0 {
            postgres(pg, batch).await;
        }
    });
}
