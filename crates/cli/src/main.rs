//! `kirjuri`: the one binary. `main` parses arguments and calls [`run`]; every subcommand lives
//! in its own module and returns an exit code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod ledger_cmd;
mod rules_cmd;

#[derive(Debug, Parser)]
#[command(name = "kirjuri", version, about = "Kirjuri client information system")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Processing rules: check, test, evaluate, explain and replay rule sets.
    #[command(subcommand)]
    Rules(rules_cmd::RulesCmd),
    /// Verifiable ledger: checkpoints and offline verification.
    #[command(subcommand)]
    Ledger(ledger_cmd::LedgerCmd),
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Rules(cmd) => rules_cmd::run(cmd),
        Command::Ledger(cmd) => ledger_cmd::run(cmd),
    }
}
