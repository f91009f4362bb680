//! `kirjuri rules ...`: the rules author's and quality owner's tools (B3, B9, B11). Thin: reads
//! files, calls `kirjuri_rules`, prints. Exit codes: 0 success, 1 the rules or cases failed
//! (a diagnostic, a failing case), 2 bad usage or an unreadable input (from `main`).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use kirjuri_rules::{Case, Decision, Lang, Request, RuleSet};

#[derive(Debug, clap::Subcommand)]
pub enum RulesCmd {
    /// Check a rule file: syntax, types, legal bases, protected inputs (B16); print diagnostics.
    Check {
        /// The rule file.
        file: PathBuf,
    },
    /// Run cases (JSON lines with `expect`) against rule files; report pass/fail with diffs.
    Test {
        /// Rule files (one per kind of statement), then the cases file last.
        #[arg(required = true, num_args = 2..)]
        files: Vec<PathBuf>,
    },
    /// Evaluate one request (JSON) and print the decision and its trace as JSON.
    Eval {
        /// The rule file.
        file: PathBuf,
        /// The request (the contract of `shared/cases/README.md`).
        request: PathBuf,
        /// Leave the trace out.
        #[arg(long)]
        no_trace: bool,
    },
    /// Explain a decision in plain language with the legal basis of each step.
    Explain {
        /// The rule file.
        file: PathBuf,
        /// The request.
        request: PathBuf,
        /// Language of the explanation.
        #[arg(long, default_value = "fi", value_parser = ["fi", "sv", "en"])]
        lang: String,
    },
    /// Evaluate historic requests under two rule-set versions and report what changes (B11).
    Replay {
        /// The rule set in force.
        old: PathBuf,
        /// The proposed rule set.
        new: PathBuf,
        /// Requests (JSON lines; `expect` is ignored).
        cases: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: RulesCmd) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match cmd {
        RulesCmd::Check { file } => {
            let rules = match load(&file)? {
                Ok(rules) => rules,
                Err(code) => return Ok(code),
            };
            let warnings = rules.warnings();
            if !warnings.is_empty() {
                eprint!("{}", warnings.render());
            }
            writeln!(
                out,
                "ok: {} version {} ({}), {} rules, hash {}",
                rules.name(),
                rules.version(),
                rules.kind().as_str(),
                rules.rules().len(),
                rules.hash()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        RulesCmd::Test { mut files } => {
            let cases_path = files.pop().context("the cases file is missing")?;
            let mut sets: Vec<RuleSet> = Vec::new();
            for f in &files {
                match load(f)? {
                    Ok(rules) => {
                        if sets.iter().any(|s| s.kind() == rules.kind()) {
                            anyhow::bail!(
                                "{}: a second rule set for {}; give one file per kind",
                                f.display(),
                                rules.kind().as_str()
                            );
                        }
                        sets.push(rules);
                    }
                    Err(code) => return Ok(code),
                }
            }
            let cases = read_cases(&cases_path)?;
            let (report, failed) = test_report(&sets, &cases);
            out.write_all(report.as_bytes())?;
            Ok(if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        RulesCmd::Eval {
            file,
            request,
            no_trace,
        } => {
            let rules = match load(&file)? {
                Ok(rules) => rules,
                Err(code) => return Ok(code),
            };
            let request = read_request(&request)?;
            let decision = kirjuri_rules::evaluate(&rules, &request, !no_trace);
            serde_json::to_writer_pretty(&mut out, &decision)?;
            writeln!(out)?;
            Ok(ExitCode::SUCCESS)
        }
        RulesCmd::Explain {
            file,
            request,
            lang,
        } => {
            let rules = match load(&file)? {
                Ok(rules) => rules,
                Err(code) => return Ok(code),
            };
            let request = read_request(&request)?;
            let decision = kirjuri_rules::evaluate(&rules, &request, true);
            let lang = match lang.as_str() {
                "sv" => Lang::Sv,
                "en" => Lang::En,
                _ => Lang::Fi,
            };
            write!(out, "{}", kirjuri_rules::explain(&decision, lang))?;
            Ok(ExitCode::SUCCESS)
        }
        RulesCmd::Replay {
            old,
            new,
            cases,
            json,
        } => {
            let old = match load(&old)? {
                Ok(rules) => rules,
                Err(code) => return Ok(code),
            };
            let new = match load(&new)? {
                Ok(rules) => rules,
                Err(code) => return Ok(code),
            };
            if old.kind() != new.kind() {
                anyhow::bail!(
                    "the two rule sets decide different statements ({} and {})",
                    old.kind().as_str(),
                    new.kind().as_str()
                );
            }
            let requests: Vec<Request> = read_cases(&cases)?
                .into_iter()
                .map(|c| c.request)
                .filter(|r| r.kind == old.kind())
                .collect();
            let report = kirjuri_rules::replay(&old, &new, &requests);
            if json {
                serde_json::to_writer_pretty(&mut out, &report)?;
                writeln!(out)?;
            } else {
                write!(out, "{}", report.render())?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Loads and checks a rule file. A file that does not pass the checks prints its diagnostics
/// and yields exit code 1; an unreadable file is an error (exit 2).
fn load(path: &Path) -> anyhow::Result<Result<RuleSet, ExitCode>> {
    let source =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let name = path.display().to_string();
    match kirjuri_rules::check(&source, &name) {
        Ok(rules) => Ok(Ok(rules)),
        Err(diags) => {
            eprint!("{}", diags.render());
            eprintln!("{name}: the rule set does not load");
            Ok(Err(ExitCode::from(1)))
        }
    }
}

fn read_request(path: &Path) -> anyhow::Result<Request> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    // A case line (with `id` and `expect`) is accepted unchanged; `expect` plays no part.
    Case::from_json(&text)
        .map(|c| c.request)
        .with_context(|| format!("{}", path.display()))
}

fn read_cases(path: &Path) -> anyhow::Result<Vec<Case>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Case::parse_jsonl(&text).map_err(|(line, e)| anyhow::anyhow!("{}:{line}: {e}", path.display()))
}

/// What a case expects and what it got, in the same words.
fn summary(outcome: &str, reasons: &BTreeSet<String>, to: Option<&str>) -> String {
    let mut s = outcome.to_owned();
    if !reasons.is_empty() {
        let list: Vec<&str> = reasons.iter().map(String::as_str).collect();
        let _ = write!(s, " [{}]", list.join(", "));
    }
    if let Some(to) = to {
        let _ = write!(s, " to {to}");
    }
    s
}

fn got(d: &Decision) -> String {
    let reasons = d
        .reason_codes()
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    summary(d.outcome.as_str(), &reasons, d.target.map(|t| t.as_str()))
}

/// Runs every case; returns the report and the number of failures.
fn test_report(sets: &[RuleSet], cases: &[Case]) -> (String, usize) {
    let mut report = String::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    for (i, case) in cases.iter().enumerate() {
        let id = case
            .request
            .id
            .clone()
            .unwrap_or_else(|| format!("#{}", i + 1));
        let Some(rules) = sets.iter().find(|s| s.kind() == case.request.kind) else {
            failed += 1;
            let _ = writeln!(
                report,
                "FAIL {id}: no rule set for {} was given",
                case.request.kind.as_str()
            );
            continue;
        };
        let Some(expect) = &case.expect else {
            failed += 1;
            let _ = writeln!(report, "FAIL {id}: the case has no `expect`");
            continue;
        };
        let decision = kirjuri_rules::evaluate(rules, &case.request, false);
        let want_reasons: BTreeSet<String> = expect
            .route
            .iter()
            .flatten()
            .map(|c| c.as_str().to_owned())
            .collect();
        let want = summary(
            expect.outcome.as_str(),
            &want_reasons,
            expect.to.map(|t| t.as_str()),
        );
        let have = got(&decision);
        if want == have {
            passed += 1;
            let _ = writeln!(report, "pass {id}: {have}");
        } else {
            failed += 1;
            let _ = writeln!(
                report,
                "FAIL {id}\n  - expected: {want}\n  + got:      {have}"
            );
        }
    }
    let _ = writeln!(report, "rules test: {passed} passed, {failed} failed");
    (report, failed)
}
