//! `kirjuri rules ...` (placeholder until the rules tools land).

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum RulesCmd {
    /// Not built yet.
    Placeholder,
}

pub fn run(cmd: RulesCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        RulesCmd::Placeholder => anyhow::bail!("the rules tools are not built yet"),
    }
}
