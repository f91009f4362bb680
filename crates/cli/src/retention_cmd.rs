//! `kirjuri retention`: the retention job and its reports (issue 17, docs/retention.md).
//! Thin: `run` is `App::run_retention` (a system process, like the delivery worker), `report`
//! is `App::retention_report` as a named account (the supervisor), as `GET /api/retention`.
#![allow(clippy::print_stdout)] // the command's output is what it prints

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::anyhow;
use clap::{Args, Subcommand};
use kirjuri_app::{Actor, App, AppConfig};
use kirjuri_web::wire::{RetentionReportView, RetentionRunView};

#[derive(Debug, Subcommand)]
pub enum RetentionCmd {
    /// Erase what the retention policy says has expired as of today, and record the run.
    Run(RunArgs),
    /// The policy in force and what the runs erased, newest first (as the supervisor).
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Database URL: `sqlite:PATH` or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "KIRJURI_DATABASE_URL")]
    database: String,
    /// Ledger key file: every erasure appends an erasure leaf.
    #[arg(long, env = "KIRJURI_LEDGER_KEY")]
    ledger_key: PathBuf,
    /// Print the run as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Database URL: `sqlite:PATH` or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "KIRJURI_DATABASE_URL")]
    database: String,
    /// The personal account that reads the report: the supervisor.
    #[arg(long = "as", value_name = "USERNAME")]
    as_user: String,
    /// At most this many runs (1–1000).
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// Print the report as JSON, as the API gives it.
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: RetentionCmd) -> anyhow::Result<ExitCode> {
    let rt = crate::runtime()?;
    match cmd {
        RetentionCmd::Run(args) => rt.block_on(run_job(args)),
        RetentionCmd::Report(args) => rt.block_on(report(args)),
    }
}

fn print_run(r: &RetentionRunView) {
    println!(
        "run {} at {} as of {} under {}: {} clients touched, {} removed entirely, {} failed",
        r.id,
        r.ran_at.to_rfc3339(),
        r.as_of,
        r.policy,
        r.clients,
        r.clients_removed,
        r.clients_failed
    );
    for (table, n) in &r.rows {
        println!("  {table:<26} {n:>8} rows erased");
    }
    if let (Some(first), Some(last)) = (r.first_erasure_leaf, r.last_erasure_leaf) {
        println!("  erasure leaves {first}..={last}");
    }
}

async fn run_job(args: RunArgs) -> anyhow::Result<ExitCode> {
    let keys = crate::ledger_cmd::load_keys(&args.ledger_key)?;
    let store = crate::open_store(&args.database).await?.with_ledger(keys);
    let started = Instant::now();
    let result = async {
        let app = App::new(store.clone(), AppConfig::default())?;
        app.run_retention().await.map_err(|e| anyhow!("{e}"))
    }
    .await;
    store.close().await;
    let run = RetentionRunView::from(&result?);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&run)?);
    } else {
        print_run(&run);
        println!("took {:.2} s", started.elapsed().as_secs_f64());
    }
    // The run is recorded either way; a scheduler still has to hear that some clients were
    // not erased (the server log names them).
    if run.clients_failed > 0 {
        eprintln!(
            "{} clients could not be erased (see the log); the next run tries them again",
            run.clients_failed
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

async fn report(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let store = crate::open_store(&args.database).await?;
    let result = async {
        let user = store
            .user_by_username(&args.as_user)
            .await?
            .map(|(u, _)| u)
            .ok_or_else(|| anyhow!("--as {:?}: no such account", args.as_user))?;
        let app = App::new(store.clone(), AppConfig::default())?;
        app.retention_report(&Actor::new(user), args.limit)
            .await
            .map_err(|e| anyhow!("{e}"))
    }
    .await;
    store.close().await;
    let report = RetentionReportView::from(&result?);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("policy {}:", report.policy_version);
    for p in &report.periods {
        println!(
            "  {:<14} {} years from {}{}",
            p.kind,
            p.years,
            p.from,
            if p.policy_choice {
                " (policy choice)"
            } else {
                ""
            }
        );
    }
    for r in &report.runs {
        print_run(r);
    }
    Ok(ExitCode::SUCCESS)
}
