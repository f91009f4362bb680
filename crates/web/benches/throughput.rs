//! Write throughput against PostgreSQL's own on this machine (issue 16), in one run: `pgbench`
//! inserting one row per transaction at 32 clients (when pgbench is installed), then Kirjuri's
//! entry writes and job-search starts through the HTTP API on each backend, and one table of
//! throughput, p50, p99 and the ratio of each to pgbench's transactions/s. The targets (issue
//! 16): entry writes on PostgreSQL at least 0.5 of pgbench with p99 under 25 ms, job-search
//! starts at least 0.3. Figures are printed, never asserted.
//!
//! Run: `cargo bench -p kirjuri-web --bench throughput`. Knobs (environment):
//! `KIRJURI_BENCH_BACKENDS` (default `sqlite,postgres`), `KIRJURI_BENCH_WRITES` (default
//! 20000), `KIRJURI_BENCH_STARTS` (default 5000), `KIRJURI_BENCH_CONCURRENCY` (default 32; also
//! pgbench's clients), `KIRJURI_BENCH_PGBENCH_SECONDS` (default 10), `DATABASE_URL`.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{ms, Figures};
use kirjuri_store::Backend;

fn main() {
    let writes = common::env_usize("KIRJURI_BENCH_WRITES", 20_000);
    let starts = common::env_usize("KIRJURI_BENCH_STARTS", 5_000);
    let concurrency = common::env_usize("KIRJURI_BENCH_CONCURRENCY", 32).max(1);
    let seconds = common::env_usize("KIRJURI_BENCH_PGBENCH_SECONDS", 10) as u64;
    let backends = common::backends();
    let url = kirjuri_store::testing::postgres_url();
    let pg = if backends.contains(&Backend::Postgres) {
        println!("pgbench: one-row INSERT per transaction, -c {concurrency} -j 2 -T {seconds}");
        common::pgbench::run(&url, concurrency, seconds)
    } else {
        None
    };
    if let Some(pg) = &pg {
        println!(
            "pgbench: {:.0} transactions/s at {} clients, latency average {:.2} ms",
            pg.tps,
            pg.clients,
            ms(pg.latency_avg)
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut rows: Vec<(String, Figures)> = Vec::new();
    for backend in backends {
        let f = rt.block_on(common::entry_writes::run(backend, writes, concurrency));
        println!("{backend:?} entry writes: {}", f.line("writes"));
        rows.push((format!("entry writes, {backend:?}"), f));
        let f = rt.block_on(common::job_search_starts::run(backend, starts, concurrency));
        println!("{backend:?} job-search starts: {}", f.line("starts"));
        rows.push((format!("job-search starts, {backend:?}"), f));
    }
    println!();
    println!(
        "{:<30} {:>10} {:>9} {:>9} {:>12}",
        format!("at {concurrency} clients"),
        "per s",
        "p50 ms",
        "p99 ms",
        "/ pgbench"
    );
    if let Some(pg) = &pg {
        println!(
            "{:<30} {:>10.0} {:>9} {:>9} {:>12}",
            "pgbench one-row INSERT", pg.tps, "", "", "1.00"
        );
    }
    for (what, f) in &rows {
        let ratio = pg
            .as_ref()
            .map(|pg| format!("{:.2}", f.per_second() / pg.tps))
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<30} {:>10.0} {:>9.2} {:>9.2} {:>12}",
            what,
            f.per_second(),
            ms(f.p50),
            ms(f.p99),
            ratio
        );
    }
}
