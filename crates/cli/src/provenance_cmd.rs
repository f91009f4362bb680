//! `kirjuri provenance ID`: which processing-rule version decided a statement, under which
//! adoption decision, every step with who and when, and an offline-verifiable ledger proof
//! (B10). Thin: the answer is the same use case (`App::provenance`) as `GET /api/decisions/{id}/provenance`,
//! for a named account, so the same access rules apply and the read is logged the same way.
#![allow(clippy::print_stdout)] // the command's output is what it prints

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use clap::Args;
use kirjuri_app::{Actor, App, AppConfig};
use kirjuri_domain::{DecisionId, ShortText};
use kirjuri_web::wire::ProvenanceView;

#[derive(Debug, Args)]
pub struct ProvenanceArgs {
    /// The decision's id (UUID).
    id: String,
    /// Database URL: `sqlite:PATH` or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "KIRJURI_DATABASE_URL")]
    database: String,
    /// The personal account the read is made and logged as (A1, A3): an official of the
    /// client's organisation, or the supervisor.
    #[arg(long = "as", value_name = "USERNAME")]
    as_user: String,
    /// Why the data are read, for the access log (the supervisor must give one).
    #[arg(long)]
    purpose: Option<String>,
    /// Ledger key file. Needed because the read itself is recorded: every access-log row is a
    /// ledger leaf (and a checkpoint is signed when none covers the decision yet).
    #[arg(long, env = "KIRJURI_LEDGER_KEY")]
    key: PathBuf,
    /// Write the proof bundle to this file (for `kirjuri ledger verify --bundle`); refused if
    /// the file exists.
    #[arg(long, value_name = "FILE")]
    bundle_out: Option<PathBuf>,
    /// Print the whole answer as JSON, as the API gives it.
    #[arg(long)]
    json: bool,
}

pub fn run(args: ProvenanceArgs) -> anyhow::Result<ExitCode> {
    crate::runtime()?.block_on(provenance(args))
}

async fn provenance(args: ProvenanceArgs) -> anyhow::Result<ExitCode> {
    let purpose = args
        .purpose
        .as_deref()
        .map(|p| ShortText::parse(p.trim()).map_err(|e| anyhow!("--purpose: {e}")))
        .transpose()?;
    let id: DecisionId = args
        .id
        .trim()
        .parse()
        .map_err(|_| anyhow!("{:?} is not a decision id", args.id))?;
    let keys = crate::ledger_cmd::load_keys(&args.key)?;
    let store = crate::open_store(&args.database).await?.with_ledger(keys);
    let result = async {
        let user = store
            .user_by_username(&args.as_user)
            .await?
            .map(|(u, _)| u)
            .ok_or_else(|| anyhow!("--as {:?}: no such account", args.as_user))?;
        let app = App::new(store.clone(), AppConfig::default())?;
        app.provenance(&Actor::with_purpose(user, purpose), id)
            .await
            .map_err(|e| anyhow!("{e}"))
    }
    .await;
    store.close().await;
    let p = ProvenanceView::from(&result?);
    if let Some(path) = &args.bundle_out {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| anyhow!("cannot create {}: {e}", path.display()))?;
        std::io::Write::write_all(&mut file, p.ledger_bundle.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&p)?);
        return Ok(ExitCode::SUCCESS);
    }
    let d = &p.decision;
    println!(
        "decision {} ({}, decided {}): {}{}",
        d.id,
        d.kind,
        d.decision_date,
        d.outcome,
        if d.automated {
            ", made automatically"
        } else {
            ""
        }
    );
    println!(
        "rule set: {} version {} (sha256 {})",
        p.rule_set.name, p.rule_set.version, p.rule_set.hash
    );
    match &p.adoption_decision {
        Some(a) => println!(
            "adoption decision: {} of {} ({}); responsible for quality {}, for errors {}{}",
            a.number,
            a.decided_on,
            a.url,
            a.quality_owner,
            a.error_owner,
            a.retired_on
                .map(|r| format!("; retired {r}"))
                .unwrap_or_default()
        ),
        None => println!("adoption decision: none covered the rule set (the case was routed)"),
    }
    println!("steps:");
    for s in &p.steps {
        println!(
            "  {}  {:<28} {} (requested by {})",
            s.at.to_rfc3339(),
            s.step,
            s.by,
            s.requested_by
        );
    }
    match &args.bundle_out {
        Some(path) => println!(
            "ledger leaf {}: proof bundle written to {} (check it offline with \
             `kirjuri ledger verify --bundle {} --public-key KEY`)",
            p.ledger_leaf_index,
            path.display(),
            path.display()
        ),
        None => {
            println!("ledger leaf {}: proof bundle:", p.ledger_leaf_index);
            print!("{}", p.ledger_bundle);
        }
    }
    Ok(ExitCode::SUCCESS)
}
