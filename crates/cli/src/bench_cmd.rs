//! `kirjuri bench reports` (issue 14): the time of every compliance report on a database as it
//! stands — typically one made by `kirjuri generate` — read through the application layer as
//! the supervisor reads it (policy and all), each report run several times. Prints figures,
//! judges nothing: the targets (< 2 s per report at 500 000 clients on PostgreSQL, < 1 s at
//! 50 000 on SQLite) are for the reader to compare.
#![allow(clippy::print_stdout)] // the command's output is what it prints

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use clap::{Args, Subcommand};
use kirjuri_app::reports::ReportFilterInput;
use kirjuri_app::{Actor, App, AppConfig};

#[derive(Debug, Subcommand)]
pub enum BenchCmd {
    /// Time each compliance report (issue 14) over a period, as the supervisor.
    Reports(ReportsArgs),
}

#[derive(Debug, Args)]
pub struct ReportsArgs {
    /// Database URL: `sqlite:PATH` or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "KIRJURI_DATABASE_URL")]
    database: String,
    /// The supervisor's account (`kirjuri generate` makes `valvoja`).
    #[arg(long = "as", value_name = "USERNAME", default_value = "valvoja")]
    as_user: String,
    /// First day of the period (YYYY-MM-DD); the default is a year before `--to`.
    #[arg(long)]
    from: Option<String>,
    /// Last day of the period (YYYY-MM-DD); the default is today.
    #[arg(long)]
    to: Option<String>,
    /// One organisation's id (the default: all).
    #[arg(long)]
    org: Option<String>,
    /// How many times each report runs (1–100); the fastest and the median are printed.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    runs: u32,
    /// Only the reports whose name starts with this (`1`, `3`, `3b`, `5`, …); the default: all.
    #[arg(long, value_name = "NAME")]
    only: Option<String>,
}

pub fn run(cmd: BenchCmd) -> anyhow::Result<ExitCode> {
    let rt = crate::runtime()?;
    match cmd {
        BenchCmd::Reports(args) => rt.block_on(reports(args)),
    }
}

async fn reports(args: ReportsArgs) -> anyhow::Result<ExitCode> {
    let store = crate::open_store(&args.database).await?;
    let result = time_reports(&store, &args).await;
    store.close().await;
    let rows = result?;
    println!("{:<22} {:>10} {:>10}", "report", "fastest s", "median s");
    for (name, mut times) in rows {
        times.sort();
        let fastest = times.first().copied().unwrap_or_default();
        let median = times.get(times.len() / 2).copied().unwrap_or_default();
        println!(
            "{name:<22} {:>10.3} {:>10.3}",
            fastest.as_secs_f64(),
            median.as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}

type Timed = (&'static str, Vec<Duration>);

async fn time_reports(
    store: &kirjuri_store::Store,
    args: &ReportsArgs,
) -> anyhow::Result<Vec<Timed>> {
    let user = store
        .user_by_username(&args.as_user)
        .await?
        .map(|(u, _)| u)
        .ok_or_else(|| anyhow!("--as {:?}: no such account", args.as_user))?;
    let app = App::new(store.clone(), AppConfig::default())?;
    let actor = Actor::new(user);
    let to = match &args.to {
        Some(t) => t.clone(),
        None => app.clock().today().to_string(),
    };
    let from = match &args.from {
        Some(f) => f.clone(),
        None => {
            let t = chrono::NaiveDate::parse_from_str(&to, "%Y-%m-%d")
                .map_err(|_| anyhow!("--to {to:?}: not a YYYY-MM-DD date"))?;
            (t - chrono::Duration::days(364)).to_string()
        }
    };
    let input = ReportFilterInput {
        from: Some(from),
        to: Some(to),
        org: args.org.clone(),
        as_of: None,
    };
    let filter = app
        .report_filter(&actor, &input)
        .await
        .map_err(|e| anyhow!("{e}"))?
        .map_err(|faults| {
            anyhow!(
                "the period or organisation is refused: {}",
                faults
                    .iter()
                    .map(|f| format!("{} ({})", f.field, f.code))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
    println!(
        "reports {} – {}{}, {} runs each",
        filter.from,
        filter.to,
        filter
            .org
            .map(|o| format!(", organisation {o}"))
            .unwrap_or_default(),
        args.runs
    );
    let mut out: Vec<Timed> = Vec::new();
    macro_rules! time {
        ($name:literal, $call:expr) => {{
            if args.only.as_deref().is_none_or(|o| $name.starts_with(o)) {
                let mut times = Vec::new();
                for _ in 0..args.runs {
                    let t = Instant::now();
                    $call.await.map_err(|e| anyhow!("{}: {e}", $name))?;
                    times.push(t.elapsed());
                }
                out.push(($name, times));
            }
        }};
    }
    time!("1 timeliness", app.timeliness_report(&actor, &filter));
    time!(
        "2 initial interviews",
        app.interviews_report(&actor, &filter)
    );
    time!(
        "3a contact methods",
        app.contact_methods_report(&actor, &filter)
    );
    time!("3b follow-ups", app.follow_ups_report(&actor, &filter));
    time!("4 language quality", app.language_report(&actor, &filter));
    time!("5 statements", app.statements_report(&actor, &filter));
    time!("6 access", app.access_report(&actor, &filter));
    if out.is_empty() {
        return Err(anyhow!(
            "--only {:?}: no report has that name (1, 2, 3a, 3b, 4, 5, 6)",
            args.only.as_deref().unwrap_or_default()
        ));
    }
    Ok(out)
}
