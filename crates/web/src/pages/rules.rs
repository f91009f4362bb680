//! The rules author's page (issue 14, B10, B11, B13, B17): the rule sets the procedure decides
//! with (name, version, hash), the adoption decisions with a form to register one and a form
//! to retire one in force, and the quality figures per rule-set version as charts (server-side
//! SVG with a text alternative: automated share, routed cases by reason, changed
//! reconsiderations) and a table (routed cases by reason, in words). Read and written through the same use cases as the JSON API
//! (`App::rule_sets`, `adoption_decisions`, `register_adoption_decision`,
//! `retire_adoption_decision`, `statement_quality`); the forms are shown to those the policy
//! lets register, and the use cases refuse everyone else. A refused form shows the page again
//! with an error summary and writes nothing; a saved one returns to the page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use kirjuri_app::model::QualityFigures;
use kirjuri_app::statements::AdoptionDecisionInput;
use kirjuri_app::AppError;
use serde::Deserialize;

use super::chart::{Bar, ChartView};
use super::error::{rendered, see_other, PageError, PageErrorKind, PageResult};
use super::i18n::{text, Lang};
use super::layout::{date, helsinki_date, Layout, PageCtx, Signed};
use super::record::FieldMessage;
use super::reports::{per_mille, percent};
use super::rule_tests::reason_words;
use super::session::{signed, signed_form, HasCsrf};
use crate::AppState;

/// A rule set in use.
#[derive(Debug)]
pub struct RuleSetRow {
    pub name: String,
    pub version: String,
    pub kind: String,
    pub valid_from: String,
    pub hash: String,
}

/// An adoption decision.
#[derive(Debug)]
pub struct AdoptionRow {
    pub number: String,
    pub decided_on: String,
    pub hashes: Vec<String>,
    pub quality_owner: String,
    pub error_owner: String,
    pub url: String,
    /// The retirement date, if retired.
    pub retired_on: Option<String>,
}

/// The quality figures of one rule-set version.
#[derive(Debug)]
pub struct QualityRow {
    pub rule_set: String,
    pub hash: String,
    pub adoption_decisions: String,
    pub decisions: i64,
    pub automated: i64,
    pub routed: i64,
    /// Routed cases by reason: the reason in words and the count.
    pub by_reason: Vec<(String, i64)>,
    pub reconsiderations_requested: i64,
    pub reconsiderations_of_automated: i64,
    pub reconsiderations_resolved: i64,
    pub reconsiderations_changed: i64,
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    l: Layout,
    rule_sets: Vec<RuleSetRow>,
    adoptions: Vec<AdoptionRow>,
    quality: Vec<QualityRow>,
    /// Charts of the quality figures (each with its text alternative; the table has the
    /// numbers).
    charts: Vec<ChartView>,
    /// Whether the forms are shown (the policy lets this user register).
    author: bool,
    form: AdoptionForm,
    errors: Vec<FieldMessage>,
    /// Today, the retirement form's default date (`YYYY-MM-DD`).
    today: String,
}

/// The form registering an adoption decision. The shipped rule sets are adopted by ticking
/// them; other hashes (a version not yet shipped) are written out.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct AdoptionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub decided_on: String,
    #[serde(default)]
    pub adopt_start: Option<String>,
    #[serde(default)]
    pub adopt_end: Option<String>,
    #[serde(default)]
    pub other_hashes: String,
    #[serde(default)]
    pub quality_owner: String,
    #[serde(default)]
    pub error_owner: String,
    #[serde(default)]
    pub url: String,
}

impl HasCsrf for AdoptionForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// The form retiring an adoption decision.
#[derive(Debug, Deserialize, Default)]
pub struct RetireForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    retired_on: String,
}

impl HasCsrf for RetireForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// The field of the register form an error of the use case belongs to.
const FORM_FIELDS: [&str; 6] = [
    "number",
    "decided_on",
    "rule_set_hashes",
    "quality_owner",
    "error_owner",
    "url",
];

fn field_error(lang: Lang, field: &str) -> FieldMessage {
    // `rule_set_hashes[1]` is the hashes' field
    let field = field.split('[').next().unwrap_or(field);
    let field = FORM_FIELDS
        .iter()
        .find(|f| **f == field)
        .copied()
        .unwrap_or("number");
    FieldMessage {
        field: format!("adoption-{field}"),
        message: text(lang, &format!("rules-error-{field}"), &[]),
    }
}

async fn rules_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    form: AdoptionForm,
    errors: Vec<FieldMessage>,
    status: StatusCode,
) -> PageResult {
    let app = &state.app;
    let lang = ctx.lang;
    let sets = app
        .rule_sets(&s.actor)
        .map_err(|e| PageError::app(ctx, e))?;
    let (adoptions, quality) =
        tokio::try_join!(app.adoption_decisions(), app.statement_quality(&s.actor))
            .map_err(|e| PageError::app(ctx, e))?;
    let in_words = |code: &str| reason_words(state, lang, code);
    let charts = quality_charts(lang, &quality, &in_words)
        .map_err(|e| PageError::new(ctx, PageErrorKind::Internal(format!("chart: {e}"))))?;
    let page = RulesPage {
        l: Layout::new(ctx, "rules-title", Some(&s.actor), s.csrf.clone()),
        charts,
        rule_sets: sets
            .iter()
            .map(|r| RuleSetRow {
                name: r.name.clone(),
                version: r.version.clone(),
                kind: text(lang, &format!("rules-kind-{}", r.kind.as_str()), &[]),
                valid_from: date(r.valid_from),
                hash: r.hash.clone(),
            })
            .collect(),
        adoptions: adoptions
            .into_iter()
            .map(|a| AdoptionRow {
                number: a.number,
                decided_on: date(a.decided_on),
                hashes: a.rule_set_hashes,
                quality_owner: a.quality_owner,
                error_owner: a.error_owner,
                url: a.url,
                retired_on: a.retired_on.map(date),
            })
            .collect(),
        quality: quality
            .into_iter()
            .map(|q| QualityRow {
                rule_set: format!("{} {}", q.rule_set_name, q.rule_set_version),
                hash: q.rule_set_hash,
                adoption_decisions: q.adoption_decisions.join(", "),
                decisions: q.decisions,
                automated: q.automated,
                routed: q.routed,
                by_reason: q
                    .routed_by_reason
                    .iter()
                    .map(|r| (in_words(&r.code), r.count))
                    .collect(),
                reconsiderations_requested: q.reconsiderations_requested,
                reconsiderations_of_automated: q.reconsiderations_of_automated,
                reconsiderations_resolved: q.reconsiderations_resolved,
                reconsiderations_changed: q.reconsiderations_changed,
            })
            .collect(),
        author: app.may_register_adoption_decisions(&s.actor),
        form,
        errors,
        today: helsinki_date(app.clock().now()).to_string(),
    };
    rendered(ctx, status, &page)
}

/// The quality figures as charts (issue 14): the automated share of each version's decisions,
/// the cases routed to an official by reason and version, and the share of resolved
/// reconsiderations that changed the statement.
fn quality_charts(
    lang: Lang,
    quality: &[QualityFigures],
    in_words: &dyn Fn(&str) -> String,
) -> Result<Vec<ChartView>, String> {
    let name = |q: &QualityFigures| format!("{} {}", q.rule_set_name, q.rule_set_version);
    let share = |part: i64, whole: i64| {
        let pm = per_mille(part, whole);
        Bar {
            label: String::new(),
            value: pm as f64,
            shown: format!("{} ({part}/{whole})", percent(lang, pm)),
        }
    };
    let automated: Vec<Bar> = quality
        .iter()
        .map(|q| Bar {
            label: name(q),
            ..share(q.automated, q.decisions)
        })
        .collect();
    let routed: Vec<Bar> = quality
        .iter()
        .flat_map(|q| {
            q.routed_by_reason.iter().map(move |r| Bar {
                label: format!("{} – {}", in_words(&r.code), name(q)),
                value: r.count as f64,
                shown: r.count.to_string(),
            })
        })
        .collect();
    let changed: Vec<Bar> = quality
        .iter()
        .filter(|q| q.reconsiderations_resolved > 0)
        .map(|q| Bar {
            label: name(q),
            ..share(q.reconsiderations_changed, q.reconsiderations_resolved)
        })
        .collect();
    let mut charts = Vec::new();
    for (id, key, bars) in [
        ("chart-automated", "rules-chart-automated", automated),
        ("chart-routed", "rules-chart-routed", routed),
        ("chart-changed", "rules-chart-changed", changed),
    ] {
        charts.extend(ChartView::of(id, &text(lang, key, &[]), &bars)?);
    }
    Ok(charts)
}

/// `GET /rules`: rule sets, adoption decisions and quality figures.
pub async fn rules(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let s = signed(&state, &ctx).await?;
    rules_page(
        &state,
        &ctx,
        &s,
        AdoptionForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /rules/adoption-decisions`: registers an adoption decision and returns to the page.
pub async fn register(State(state): State<AppState>, ctx: PageCtx, body: Bytes) -> PageResult {
    let (s, f): (Signed, AdoptionForm) = signed_form(&state, &ctx, &body).await?;
    let again = |errors: Vec<FieldMessage>| {
        rules_page(
            &state,
            &ctx,
            &s,
            f.clone(),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let Ok(decided_on) = f.decided_on.trim().parse::<NaiveDate>() else {
        return again(vec![field_error(ctx.lang, "decided_on")]).await;
    };
    let sets = state
        .app
        .rule_sets(&s.actor)
        .map_err(|e| PageError::app(&ctx, e))?;
    let mut hashes: Vec<String> = Vec::new();
    for (ticked, kind) in [
        (&f.adopt_start, kirjuri_rules::Kind::JobSearchStart),
        (&f.adopt_end, kirjuri_rules::Kind::JobSearchEnd),
    ] {
        if ticked.is_some() {
            hashes.extend(
                sets.iter()
                    .filter(|r| r.kind == kind)
                    .map(|r| r.hash.clone()),
            );
        }
    }
    hashes.extend(
        f.other_hashes
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|h| !h.is_empty())
            .map(str::to_owned),
    );
    if hashes.is_empty() {
        return again(vec![field_error(ctx.lang, "rule_set_hashes")]).await;
    }
    let input = AdoptionDecisionInput {
        number: f.number.clone(),
        decided_on,
        rule_set_hashes: hashes,
        quality_owner: f.quality_owner.clone(),
        error_owner: f.error_owner.clone(),
        url: f.url.clone(),
    };
    match state.app.register_adoption_decision(&s.actor, &input).await {
        Ok(_) => Ok(see_other("/rules")),
        Err(AppError::Invalid { field, .. }) => again(vec![field_error(ctx.lang, &field)]).await,
        Err(AppError::Conflict { .. }) => {
            again(vec![FieldMessage {
                field: "adoption-number".to_owned(),
                message: text(ctx.lang, "rules-error-duplicate", &[]),
            }])
            .await
        }
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}

/// `POST /rules/adoption-decisions/retire`: retires an adoption decision from a date.
pub async fn retire(State(state): State<AppState>, ctx: PageCtx, body: Bytes) -> PageResult {
    let (s, f): (Signed, RetireForm) = signed_form(&state, &ctx, &body).await?;
    let again = |message: &str| {
        rules_page(
            &state,
            &ctx,
            &s,
            AdoptionForm::default(),
            vec![FieldMessage {
                field: format!("retire-{}", f.number),
                message: text(ctx.lang, message, &[("number", &f.number)]),
            }],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let Ok(on) = f.retired_on.trim().parse::<NaiveDate>() else {
        return again("rules-error-retired_on").await;
    };
    match state
        .app
        .retire_adoption_decision(&s.actor, &f.number, on)
        .await
    {
        Ok(()) => Ok(see_other("/rules")),
        Err(AppError::Invalid { .. }) => again("rules-error-retired_on").await,
        Err(AppError::NotFound(_)) => again("rules-error-not-in-force").await,
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}
