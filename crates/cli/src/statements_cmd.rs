//! `kirjuri statements ...`: the automated statement procedure seen from the quality owner's
//! desk (B11). Thin: the figures come from `kirjuri-store`, in the same shape as
//! `GET /api/statements/quality`.
#![allow(clippy::print_stdout)] // these commands' output is what they print

use std::process::ExitCode;

use clap::Args;
use kirjuri_web::wire::RuleSetQualityView;

#[derive(Debug, clap::Subcommand)]
pub enum StatementsCmd {
    /// Quality figures per rule-set version: decisions, automated and routed shares, routed
    /// cases by reason, requests for reconsideration, resolved and changed. No client data.
    Quality(QualityArgs),
}

#[derive(Debug, Args)]
pub struct QualityArgs {
    /// Database URL: `sqlite:PATH` or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "KIRJURI_DATABASE_URL")]
    database: String,
    /// Print JSON (as `GET /api/statements/quality` answers) instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: StatementsCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        StatementsCmd::Quality(args) => crate::runtime()?.block_on(quality(args)),
    }
}

fn percent(n: i64, of: i64) -> String {
    if of == 0 {
        "-".to_owned()
    } else {
        format!("{:.1} %", 100.0 * n as f64 / of as f64)
    }
}

async fn quality(args: QualityArgs) -> anyhow::Result<ExitCode> {
    let store = crate::open_store(&args.database).await?;
    let figures = store.statement_quality().await;
    store.close().await;
    let views: Vec<RuleSetQualityView> = figures?.iter().map(RuleSetQualityView::from).collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&views)?);
        return Ok(ExitCode::SUCCESS);
    }
    if views.is_empty() {
        println!("no decisions yet");
    }
    for v in &views {
        let r = &v.rule_set;
        println!("{} {} (sha256 {})", r.name, r.version, r.hash);
        println!(
            "  adoption decisions: {}",
            if v.adoption_decisions.is_empty() {
                "none".to_owned()
            } else {
                v.adoption_decisions.join(", ")
            }
        );
        println!(
            "  decisions: {} (automated {} = {}, routed {} = {})",
            v.decisions,
            v.automated,
            percent(v.automated, v.decisions),
            v.routed,
            percent(v.routed, v.decisions)
        );
        let reasons: Vec<String> = v
            .routed_by_reason
            .iter()
            .map(|c| format!("{} {}", c.code, c.count))
            .collect();
        println!(
            "  routed by reason: {}",
            if reasons.is_empty() {
                "none".to_owned()
            } else {
                reasons.join(", ")
            }
        );
        println!(
            "  reconsiderations: {} requested ({} of automated statements), {} resolved, {} changed the outcome",
            v.reconsiderations_requested,
            v.reconsiderations_of_automated,
            v.reconsiderations_resolved,
            v.reconsiderations_changed
        );
    }
    Ok(ExitCode::SUCCESS)
}
