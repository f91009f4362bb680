//! Job-search starts through the HTTP API (issue 5): concurrent officials register job searches
//! for clean cases; each request runs the whole procedure in one transaction — request built
//! from the answers and register facts, rules evaluated under an adoption decision, statement
//! document generated and language-checked, decision row, ledger leaves, access log, commit.
//! Prints starts/s and p50/p99 latency per backend.
//!
//! Run: `cargo bench -p kirjuri-web --bench job_search_starts`. Knobs (environment):
//! `KIRJURI_BENCH_BACKENDS` (default `sqlite,postgres`), `KIRJURI_BENCH_STARTS` (default 5000;
//! one client per start, since a client has one job search at a time),
//! `KIRJURI_BENCH_CONCURRENCY` (default 32). SQLite runs on a file with `synchronous = FULL`;
//! PostgreSQL on `DATABASE_URL` in a fresh schema. Figures are printed, never asserted.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

mod common;

fn main() {
    let starts = common::env_usize("KIRJURI_BENCH_STARTS", 5_000);
    let concurrency = common::env_usize("KIRJURI_BENCH_CONCURRENCY", 32).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "job-search starts through the HTTP API (decision + statement document + ledger + commit): \
         {starts} starts, {concurrency} concurrent officials"
    );
    for backend in common::backends() {
        let f = rt.block_on(common::job_search_starts::run(backend, starts, concurrency));
        println!("{backend:?}: {}", f.line("starts"));
    }
}
