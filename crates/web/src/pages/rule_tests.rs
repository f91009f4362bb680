//! The rules author's test page (issue 14, B11): planned test cases (JSON lines) run against
//! the rule sets in use or a new rule file in place of the one of its kind, each case passed or
//! failed with what was expected and what came out in words, and the new file's replay over the
//! cases' requests with the impact grouped by reason. Through `App::run_rule_tests` (the same
//! engine and replay as `kirjuri rules test` and `rules replay`); nothing is written.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use kirjuri_app::rule_tests::RuleTestRun;
use kirjuri_app::AppError;
use kirjuri_rules::{Outcome, ReasonCode, Target};
use serde::Deserialize;

use super::error::{rendered, PageError, PageResult};
use super::i18n::{text, Lang};
use super::layout::{Layout, PageCtx, Signed};
use super::record::FieldMessage;
use super::session::{signed, signed_form, HasCsrf};
use crate::AppState;

/// One case's row.
#[derive(Debug)]
pub struct CaseRow {
    pub id: String,
    pub expected: String,
    pub got: String,
    /// `passed`, `failed` or `none` (the case expects nothing).
    pub result: &'static str,
}

/// One group of the replay's impact: what changed, in words, and the cases.
#[derive(Debug)]
pub struct ImpactRow {
    pub change: String,
    pub count: usize,
    pub cases: String,
}

/// The replay's figures.
#[derive(Debug)]
pub struct Impact {
    pub old: String,
    pub new: String,
    pub total: usize,
    pub changed: usize,
    pub outcome_changed: usize,
    pub groups: Vec<ImpactRow>,
}

#[derive(Template)]
#[template(path = "rules_test.html")]
struct TestPage {
    l: Layout,
    source: String,
    cases: String,
    errors: Vec<FieldMessage>,
    /// The problem in the file or cases, as the checks wrote it.
    detail: Option<String>,
    rule_sets: Vec<String>,
    rows: Vec<CaseRow>,
    passed: usize,
    failed: usize,
    impact: Option<Impact>,
}

#[derive(Debug, Deserialize, Default)]
pub struct TestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    cases: String,
}

impl HasCsrf for TestForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

fn outcome_words(lang: Lang, o: Outcome) -> String {
    text(lang, &format!("rules-test-outcome-{}", o.as_str()), &[])
}

fn target_words(lang: Lang, t: Target) -> String {
    text(lang, &format!("queue-{}", t.as_str()), &[])
}

fn summary_words(
    state: &AppState,
    lang: Lang,
    outcome: Outcome,
    reasons: &[ReasonCode],
    to: Option<Target>,
) -> String {
    let mut s = outcome_words(lang, outcome);
    if !reasons.is_empty() {
        let words: Vec<String> = reasons
            .iter()
            .map(|c| reason_words(state, lang, c.as_str()))
            .collect();
        s.push_str(": ");
        s.push_str(&words.join(", "));
    }
    if let Some(t) = to {
        s.push_str(" → ");
        s.push_str(&target_words(lang, t));
    }
    s
}

/// A routing reason code as the rule giving it titles it, in the reader's language (the
/// reports and the rules page name reasons with it too).
pub(super) fn reason_words(state: &AppState, lang: Lang, code: &str) -> String {
    let (fi, sv) = state.app.reason_code_in_words(code);
    match lang {
        Lang::Sv => sv,
        _ => fi,
    }
}

/// A replay group (`+CODE`, `-CODE`, `old -> new`, `target old -> new`) in words.
fn group_words(state: &AppState, lang: Lang, group: &str) -> String {
    let outcome = |s: &str| match s.trim() {
        "auto_positive" => outcome_words(lang, Outcome::AutoPositive),
        "auto_end" => outcome_words(lang, Outcome::AutoEnd),
        "routed" => outcome_words(lang, Outcome::Routed),
        "employment_authority" => target_words(lang, Target::EmploymentAuthority),
        "keha" => target_words(lang, Target::Keha),
        other => other.to_owned(),
    };
    if let Some(code) = group.strip_prefix('+') {
        return text(
            lang,
            "rules-test-added",
            &[("reason", &reason_words(state, lang, code))],
        );
    }
    if let Some(code) = group.strip_prefix('-') {
        return text(
            lang,
            "rules-test-removed",
            &[("reason", &reason_words(state, lang, code))],
        );
    }
    let (target, rest) = match group.strip_prefix("target ") {
        Some(r) => (true, r),
        None => (false, group),
    };
    match rest.split_once("->") {
        Some((a, b)) => text(
            lang,
            if target {
                "rules-test-target"
            } else {
                "rules-test-outcome"
            },
            &[("old", &outcome(a)), ("new", &outcome(b))],
        ),
        None => group.to_owned(),
    }
}

/// What the page shows below the form.
enum Shown {
    Form,
    Run(RuleTestRun),
    /// The field at fault and the checks' own words.
    Refused(FieldMessage, String),
}

fn page(state: &AppState, ctx: &PageCtx, s: &Signed, f: &TestForm, shown: Shown) -> PageResult {
    let lang = ctx.lang;
    let (run, errors, detail, status) = match shown {
        Shown::Form => (None, Vec::new(), None, StatusCode::OK),
        Shown::Run(r) => (Some(r), Vec::new(), None, StatusCode::OK),
        Shown::Refused(e, d) => (None, vec![e], Some(d), StatusCode::UNPROCESSABLE_ENTITY),
    };
    let mut p = TestPage {
        l: Layout::new(ctx, "rules-test-title", Some(&s.actor), s.csrf.clone()),
        source: f.source.clone(),
        cases: f.cases.clone(),
        errors,
        detail,
        rule_sets: Vec::new(),
        rows: Vec::new(),
        passed: 0,
        failed: 0,
        impact: None,
    };
    if let Some(run) = run {
        p.rule_sets = run
            .rule_sets
            .iter()
            .map(|(n, v, h)| format!("{n} {v} (sha256 {h})"))
            .collect();
        p.passed = run.passed;
        p.failed = run.failed;
        p.rows = run
            .results
            .iter()
            .map(|r| CaseRow {
                id: r.id.clone(),
                expected: r.expected.as_ref().map_or_else(
                    || text(lang, "rules-test-no-expectation", &[]),
                    |e| {
                        let mut want = e.route.clone().unwrap_or_default();
                        want.sort();
                        summary_words(state, lang, e.outcome, &want, e.to)
                    },
                ),
                got: summary_words(state, lang, r.outcome, &r.reasons, r.to),
                result: match r.passed {
                    Some(true) => "passed",
                    Some(false) => "failed",
                    None => "none",
                },
            })
            .collect();
        p.impact = run.impact.map(|i| Impact {
            old: format!("{} ({})", i.old_version, i.old_hash),
            new: format!("{} ({})", i.new_version, i.new_hash),
            total: i.total,
            changed: i.changed,
            outcome_changed: i.outcome_changed,
            groups: i
                .by_group
                .iter()
                .map(|(g, ids)| ImpactRow {
                    change: group_words(state, lang, g),
                    count: ids.len(),
                    cases: ids.join(", "),
                })
                .collect(),
        });
    }
    rendered(ctx, status, &p)
}

/// `GET /rules/test`: the form.
pub async fn test_form(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let s = signed(&state, &ctx).await?;
    // Only those who may run the tests get the form; the others are refused as by the use
    // case (the empty run is refused for its cases, not its caller, so ask first).
    if !state.app.may_register_adoption_decisions(&s.actor) {
        return Err(PageError::app(
            &ctx,
            AppError::forbidden("only a rules author runs the planned tests"),
        ));
    }
    page(&state, &ctx, &s, &TestForm::default(), Shown::Form)
}

/// `POST /rules/test`: runs the cases (and the replay) and shows the results on the page.
pub async fn run(State(state): State<AppState>, ctx: PageCtx, body: Bytes) -> PageResult {
    let (s, f): (Signed, TestForm) = signed_form(&state, &ctx, &body).await?;
    let source = Some(f.source.as_str()).filter(|t| !t.trim().is_empty());
    match state.app.run_rule_tests(&s.actor, source, &f.cases) {
        Ok(run) => page(&state, &ctx, &s, &f, Shown::Run(run)),
        Err(AppError::Invalid { field, message }) => {
            let field = if field == "source" { "source" } else { "cases" };
            let err = FieldMessage {
                field: field.to_owned(),
                message: text(ctx.lang, &format!("rules-test-error-{field}"), &[]),
            };
            page(&state, &ctx, &s, &f, Shown::Refused(err, message))
        }
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}
