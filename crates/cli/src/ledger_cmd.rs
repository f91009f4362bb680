//! `kirjuri ledger ...` (placeholder until the ledger tools land).

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum LedgerCmd {
    /// Not built yet.
    Placeholder,
}

pub fn run(cmd: LedgerCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        LedgerCmd::Placeholder => anyhow::bail!("the ledger tools are not built yet"),
    }
}
