//! Entry writes through the HTTP API (issue 2): 32 concurrent officials each post journal
//! entries to the server over real HTTP; prints durable writes/s and p50/p99 latency per backend.
//!
//! Run: `cargo bench -p kirjuri-web --bench entry_writes`. Knobs (environment):
//! `KIRJURI_BENCH_BACKENDS` (default `sqlite,postgres`), `KIRJURI_BENCH_WRITES` (default 20000),
//! `KIRJURI_BENCH_CONCURRENCY` (default 32). SQLite runs on a file in the temporary directory
//! with `synchronous = FULL` (every commit is on disk before the response); PostgreSQL on
//! `DATABASE_URL` in a fresh schema. Figures are printed, never asserted.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

mod common;

fn main() {
    let writes = common::env_usize("KIRJURI_BENCH_WRITES", 20_000);
    let concurrency = common::env_usize("KIRJURI_BENCH_CONCURRENCY", 32).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "entry writes through the HTTP API: {writes} writes, {concurrency} concurrent clients"
    );
    for backend in common::backends() {
        let f = rt.block_on(common::entry_writes::run(backend, writes, concurrency));
        println!("{backend:?}: {}", f.line("writes"));
    }
}
