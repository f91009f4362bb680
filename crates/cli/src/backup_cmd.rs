//! `kirjuri backup`: an online copy of the embedded (SQLite) database, taken while the server
//! runs (issue 17). PostgreSQL is backed up with `pg_dump` (README, Backup and restore).
#![allow(clippy::print_stdout)] // the command's output is what it prints

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The database to back up: `sqlite:PATH` (the server may be running on it).
    #[arg(long, env = "KIRJURI_DATABASE_URL")]
    database: String,
    /// The backup file to write; it must not exist. Restore by copying it to where the
    /// server's database is (with the server stopped) or by serving it as it is.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn run(args: BackupArgs) -> anyhow::Result<ExitCode> {
    crate::runtime()?.block_on(backup(args))
}

async fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    if !args.database.starts_with("sqlite:") {
        anyhow::bail!(
            "kirjuri backup copies the embedded (sqlite:PATH) database; back up PostgreSQL \
             with pg_dump or a base backup (README, Backup and restore)"
        );
    }
    // Opening a missing file would create an empty database and back that up.
    let path = args.database["sqlite:".len()..]
        .split('?')
        .next()
        .unwrap_or_default();
    if !std::path::Path::new(path).is_file() {
        anyhow::bail!("--database: no database file at {path}");
    }
    let started = Instant::now();
    let store = crate::open_store(&args.database).await?;
    let report = store.backup_to(&args.out).await;
    store.close().await;
    let report = report?;
    println!(
        "backup written: {} ({} bytes) in {:.2} s; check it with `kirjuri ledger verify \
         --database sqlite:{} --public-key KEY`",
        report.path.display(),
        report.bytes,
        started.elapsed().as_secs_f64(),
        report.path.display()
    );
    Ok(ExitCode::SUCCESS)
}
