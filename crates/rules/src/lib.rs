//! # kirjuri-rules — processing rules for labour-policy statements
//!
//! Pure library (no I/O, no clock) implementing the automated procedure of KEHA decision
//! KEHA/73792/2024 for statements at the start and end of job search (B1–B6, B9–B11, B16).
//!
//! Main types and functions:
//! - [`check`]`(source, filename) -> Result<`[`RuleSet`]`, `[`Diagnostics`]`>`: parse a rule file
//!   written in the small declarative language (see `README.md`), run the static checks
//!   (unknown inputs, types, titles and legal bases, protected inputs (B16), parameter periods,
//!   contradictory and unreachable rules …) and compile it. [`Diagnostics::render`] gives
//!   plain-text diagnostics with line, column and a hint.
//! - [`Request`] / [`Case`]: the strict JSON request contract of `shared/cases/README.md`.
//! - [`evaluate`]`(&RuleSet, &Request, trace) -> `[`Decision`]: outcome, all routing reasons
//!   with legal bases, target, effective date, rule-set hash and version, optional trace.
//! - [`explain`]`(&Decision, `[`Lang`]`) -> String`: the decision and its trace in plain text,
//!   in words for a lawyer: laws in full ([`basis_in_words`]), reasons and inputs in words, the
//!   facts the rules derived (age and the age limit, dates against the window).
//! - [`replay`]`(old, new, requests) -> `[`ImpactReport`]: what a new rule set changes (B11).
//! - [`RuleSets`]: the shipped rule files (`rules/statement-start.rules`,
//!   `rules/statement-end.rules`), picked by request kind.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![warn(missing_docs)]

pub mod ast;
mod check;
pub mod contract;
mod diag;
mod engine;
mod explain;
mod outcome;
mod parser;
mod replay;
mod request;

pub use check::check;
pub use diag::{Diagnostic, Diagnostics, Severity};
pub use engine::{
    evaluate, Decision, Outcome, Reason, ReasonCode, Role, RuleMeta, RuleSet, RuleStatus, Target,
    TraceRead, TraceStep,
};
pub use explain::{automated_notice, basis_in_words, explain, Lang};
pub use replay::{replay, Change, ImpactReport, OutcomeSummary};
pub use request::{
    Business, Case, Employment, EndReason, Expect, InService, Kind, Language, Person,
    PreviousEmploymentEnd, PreviousEndReason, Registers, Reported, Request, RequestError,
    RightToWork, Sex, Studies,
};

/// Source of the shipped start-of-job-search rule file.
pub const START_RULES: &str = include_str!("../rules/statement-start.rules");
/// Source of the shipped end-of-job-search rule file.
pub const END_RULES: &str = include_str!("../rules/statement-end.rules");

/// The two rule sets of the procedure, picked by request kind.
#[derive(Debug, Clone)]
pub struct RuleSets {
    /// `kind job_search_start`.
    pub start: RuleSet,
    /// `kind job_search_end`.
    pub end: RuleSet,
}

impl RuleSets {
    /// Check and compile the shipped rule files.
    pub fn shipped() -> Result<RuleSets, Diagnostics> {
        RuleSets::from_sources(START_RULES, END_RULES)
    }

    /// Check and compile two rule files; each must declare the right `kind`.
    pub fn from_sources(start: &str, end: &str) -> Result<RuleSets, Diagnostics> {
        let start_rs = check(start, "statement-start.rules")?;
        let end_rs = check(end, "statement-end.rules")?;
        for (rs, src, name, kind) in [
            (
                &start_rs,
                start,
                "statement-start.rules",
                Kind::JobSearchStart,
            ),
            (&end_rs, end, "statement-end.rules", Kind::JobSearchEnd),
        ] {
            if rs.kind() != kind {
                let mut d = Diagnostics::new(name, src);
                let at = src.find("kind").unwrap_or(0);
                d.error(
                    "E015",
                    at..at + 4,
                    format!(
                        "this rule set is for `{}`, expected `{}`",
                        rs.kind().as_str(),
                        kind.as_str()
                    ),
                    "wrong kind",
                    "pass the start rules first and the end rules second",
                );
                return Err(d);
            }
        }
        Ok(RuleSets {
            start: start_rs,
            end: end_rs,
        })
    }

    /// The rule set for a request kind.
    pub fn for_kind(&self, kind: Kind) -> &RuleSet {
        match kind {
            Kind::JobSearchStart => &self.start,
            Kind::JobSearchEnd => &self.end,
        }
    }

    /// Evaluate a request with the rule set of its kind.
    pub fn evaluate(&self, request: &Request, trace: bool) -> Decision {
        evaluate(self.for_kind(request.kind), request, trace)
    }
}
