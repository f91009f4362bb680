//! The rules author's planned tests (issue 14, B11): a rule set's planned test cases run in
//! the browser, and a new version replayed against requests to see what it changes, grouped by
//! reason — the same engine, checks and replay as `kirjuri rules test` and `rules replay`. Pure
//! computation over what the author gives: no client data is read, nothing is written.

use kirjuri_rules::{Case, Expect, ImpactReport, Kind, Outcome, ReasonCode, RuleSet, Target};

use crate::policy::Capability;
use crate::{Actor, App, AppError, AppResult};

/// One planned test case, run.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleTestResult {
    /// The case's `id`, or `#N` by its line.
    pub id: String,
    pub expected: Option<Expect>,
    pub outcome: Outcome,
    /// Reason codes given, sorted.
    pub reasons: Vec<ReasonCode>,
    pub to: Option<Target>,
    /// Whether it came out as expected (none: the case expects nothing).
    pub passed: Option<bool>,
}

/// A run of planned test cases, with the replay of a new rule file if one was given.
#[derive(Debug, Clone)]
pub struct RuleTestRun {
    /// The rule sets the cases ran against: (name, version, hash) of start and end.
    pub rule_sets: Vec<(String, String, String)>,
    pub results: Vec<RuleTestResult>,
    pub passed: usize,
    pub failed: usize,
    /// The new rule file against the one in use over the cases' requests of its kind.
    pub impact: Option<ImpactReport>,
}

fn passed(e: &Expect, outcome: Outcome, reasons: &[ReasonCode], to: Option<Target>) -> bool {
    let mut want = e.route.clone().unwrap_or_default();
    want.sort();
    e.outcome == outcome && want == reasons && e.to == to
}

impl App {
    /// Runs planned test cases (JSON lines of `shared/cases/README.md`) against the rule sets
    /// in use, or against a new rule file (`source`, either kind) in place of the one of its
    /// kind, and then replays the cases' requests of that kind on the one in use and the new
    /// one (B11). A rules author; a faulty rule file or case line is `Invalid` with its
    /// diagnostics.
    pub fn run_rule_tests(
        &self,
        actor: &Actor,
        source: Option<&str>,
        cases: &str,
    ) -> AppResult<RuleTestRun> {
        self.permit(actor, Capability::RegisterAdoptionDecision)?;
        let new: Option<RuleSet> = match source.map(str::trim).filter(|s| !s.is_empty()) {
            Some(src) => Some(
                kirjuri_rules::check(src, "new.rules")
                    .map_err(|d| AppError::invalid("source", d.render()))?,
            ),
            None => None,
        };
        let cases = Case::parse_jsonl(cases).map_err(|(line, e)| {
            AppError::invalid("cases", format!("line {line}: {}: {}", e.path, e.message))
        })?;
        if cases.is_empty() {
            return Err(AppError::invalid("cases", "give at least one case"));
        }
        let in_use = |kind: Kind| self.rules.for_kind(kind);
        let rule_set = |kind: Kind| match &new {
            Some(n) if n.kind() == kind => n,
            _ => in_use(kind),
        };
        let mut results = Vec::with_capacity(cases.len());
        for (i, c) in cases.iter().enumerate() {
            let d = kirjuri_rules::evaluate(rule_set(c.request.kind), &c.request, false);
            let mut reasons = d.reason_codes();
            reasons.sort();
            let ok = c
                .expect
                .as_ref()
                .map(|e| passed(e, d.outcome, &reasons, d.target));
            results.push(RuleTestResult {
                id: c
                    .request
                    .id
                    .clone()
                    .unwrap_or_else(|| format!("#{}", i + 1)),
                expected: c.expect.clone(),
                outcome: d.outcome,
                reasons,
                to: d.target,
                passed: ok,
            });
        }
        let impact = new.as_ref().map(|n| {
            let requests: Vec<_> = cases
                .iter()
                .filter(|c| c.request.kind == n.kind())
                .map(|c| c.request.clone())
                .collect();
            kirjuri_rules::replay(in_use(n.kind()), n, &requests)
        });
        Ok(RuleTestRun {
            rule_sets: [Kind::JobSearchStart, Kind::JobSearchEnd]
                .into_iter()
                .map(|k| {
                    let rs = rule_set(k);
                    (
                        rs.name().to_owned(),
                        rs.version().to_owned(),
                        rs.hash().to_owned(),
                    )
                })
                .collect(),
            passed: results.iter().filter(|r| r.passed == Some(true)).count(),
            failed: results.iter().filter(|r| r.passed == Some(false)).count(),
            results,
            impact,
        })
    }
}
