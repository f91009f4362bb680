//! The work queue (issue 12 page 8): routed cases of the official's organisation (KEHA-keskus's
//! for a KEHA official), taken and resolved with a preview of the statement before it is
//! issued. Every step is a use case of the application layer: it decides who may, logs the
//! access and checks the reasoning's language, exactly as for the API.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use kirjuri_app::cases::{CaseRef, ResolutionInput, RoutedCase};
use kirjuri_app::AppError;
use kirjuri_domain::{DecisionId, LegalBasis, Reasoning};
use serde::Deserialize;

use super::error::{rendered, see_other, PageError, PageErrorKind, PageResult};
use super::i18n::{text, Lang};
use super::jobsearch::ReasonRow;
use super::layout::{date, date_time, Layout, PageCtx, Signed};
use super::record::FieldMessage;
use super::session::{signed, signed_form, CsrfOnly, HasCsrf};
use crate::AppState;

/// A case as the queue lists it.
#[derive(Debug)]
pub struct CaseRow {
    pub id: String,
    pub client: String,
    pub hetu_masked: String,
    pub kind: String,
    pub decision_date: String,
    pub reasons: Vec<ReasonRow>,
    pub taken: Option<String>,
}

fn row(lang: Lang, c: &RoutedCase) -> CaseRow {
    let d = &c.case.decision;
    CaseRow {
        id: d.id.to_string(),
        client: format!("{} {}", c.case.client.first_name, c.case.client.last_name),
        hetu_masked: c.case.client.hetu.masked(),
        kind: text(lang, &format!("decision-{}", d.decision.kind), &[]),
        decision_date: date(d.decision.decision_date),
        reasons: c
            .reasons
            .iter()
            .map(|r| ReasonRow {
                title: match lang {
                    Lang::Sv => r.title_sv.clone(),
                    _ => r.title_fi.clone(),
                },
                basis: r.basis.clone(),
            })
            .collect(),
        taken: c.taken.as_ref().map(|t| {
            text(
                lang,
                "queue-taken-by",
                &[("name", t.by.as_str()), ("at", &date_time(lang, t.at))],
            )
        }),
    }
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    l: Layout,
    cases: Vec<CaseRow>,
}

/// `GET /queue`.
pub async fn queue(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let cases = state
        .app
        .work_queue(&s.actor)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    let page = QueuePage {
        l: Layout::new(&ctx, "queue-title", Some(&s.actor.user), s.csrf),
        cases: cases.iter().map(|c| row(ctx.lang, c)).collect(),
    };
    rendered(&ctx, StatusCode::OK, &page)
}

fn decision_id(ctx: &PageCtx, s: &str) -> Result<DecisionId, PageError> {
    s.parse()
        .map_err(|_| PageError::new(ctx, PageErrorKind::NotFound))
}

/// `POST /queue/{id}/take`: takes the case and opens it.
pub async fn take(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, _f): (Signed, CsrfOnly) = signed_form(&state, &ctx, &body).await?;
    let id = decision_id(&ctx, &id)?;
    state
        .app
        .take_case(&s.actor, CaseRef::Routed(id))
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    Ok(see_other(&format!("/queue/{id}")))
}

#[derive(Template)]
#[template(path = "resolve.html")]
struct ResolvePage {
    l: Layout,
    case: CaseRow,
    outcomes: Vec<(&'static str, String, bool)>,
    effective_date: String,
    reasoning: String,
    basis: String,
    preview: Option<String>,
    errors: Vec<FieldMessage>,
}

#[derive(Debug, Deserialize, Default)]
pub struct ResolveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    effective_date: String,
    #[serde(default)]
    reasoning: String,
    #[serde(default)]
    basis: String,
    /// `preview` or `resolve`.
    #[serde(default)]
    action: String,
}

impl HasCsrf for ResolveForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

struct Shown {
    preview: Option<String>,
    errors: Vec<FieldMessage>,
}

async fn resolve_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    id: DecisionId,
    f: &ResolveForm,
    shown: Shown,
    status: StatusCode,
) -> PageResult {
    let cases = state
        .app
        .work_queue(&s.actor)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    let case = cases
        .iter()
        .find(|c| c.case.decision.id == id)
        .ok_or_else(|| PageError::new(ctx, PageErrorKind::NotFound))?;
    let kind = case.case.decision.decision.kind.clone();
    let codes: &[&'static str] = if kind == "job_search_end" {
        &["job_search_ended", "obstacle"]
    } else {
        &["no_obstacle", "obstacle"]
    };
    let chosen = if f.outcome.is_empty() {
        codes[0]
    } else {
        f.outcome.as_str()
    };
    let page = ResolvePage {
        l: Layout::new(ctx, "resolve-title", Some(&s.actor.user), s.csrf.clone()),
        case: row(ctx.lang, case),
        outcomes: codes
            .iter()
            .map(|c| {
                (
                    *c,
                    text(ctx.lang, &format!("resolution-{c}"), &[]),
                    *c == chosen,
                )
            })
            .collect(),
        effective_date: if f.effective_date.is_empty() {
            case.case
                .decision
                .decision
                .decision_date
                .format("%Y-%m-%d")
                .to_string()
        } else {
            f.effective_date.clone()
        },
        reasoning: f.reasoning.clone(),
        basis: f.basis.clone(),
        preview: shown.preview,
        errors: shown.errors,
    };
    rendered(ctx, status, &page)
}

/// `GET /queue/{id}`: the resolve form of a case.
pub async fn case(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let id = decision_id(&ctx, &id)?;
    let none = Shown {
        preview: None,
        errors: Vec::new(),
    };
    resolve_page(
        &state,
        &ctx,
        &s,
        id,
        &ResolveForm::default(),
        none,
        StatusCode::OK,
    )
    .await
}

/// `POST /queue/{id}`: previews (`action=preview`) or issues the statement.
pub async fn resolve(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, f): (Signed, ResolveForm) = signed_form(&state, &ctx, &body).await?;
    let id = decision_id(&ctx, &id)?;
    let lang = ctx.lang;
    let err = |field: &str, key: &str| FieldMessage {
        field: field.to_owned(),
        message: text(lang, key, &[]),
    };
    let mut errors = Vec::new();
    let effective = NaiveDate::parse_from_str(f.effective_date.trim(), "%Y-%m-%d").ok();
    if effective.is_none() {
        errors.push(err("effective_date", "resolve-error-date"));
    }
    let reasoning = Reasoning::parse(f.reasoning.trim()).ok();
    if reasoning.is_none() {
        errors.push(err("reasoning", "resolve-error-reasoning"));
    }
    let basis = LegalBasis::parse(f.basis.trim()).ok();
    if basis.is_none() {
        errors.push(err("basis", "resolve-error-basis"));
    }
    let (Some(effective_date), Some(reasoning), Some(basis)) = (effective, reasoning, basis) else {
        let shown = Shown {
            preview: None,
            errors,
        };
        return resolve_page(
            &state,
            &ctx,
            &s,
            id,
            &f,
            shown,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let input = ResolutionInput {
        outcome: f.outcome.clone(),
        effective_date,
        reasoning,
        basis,
    };
    let case = CaseRef::Routed(id);
    let result = if f.action == "preview" {
        state
            .app
            .preview_resolution(&s.actor, case, &input)
            .await
            .map(|doc| (Some(doc), false))
    } else {
        state
            .app
            .resolve_case(&s.actor, case, &input)
            .await
            .map(|step| (step.resolution.map(|r| r.document), true))
    };
    match result {
        Ok((preview, true)) => {
            // Issued: the case has left the queue; show the statement as issued.
            let page = IssuedPage {
                l: Layout::new(&ctx, "resolve-issued-title", Some(&s.actor.user), s.csrf),
                document: preview.unwrap_or_default(),
            };
            rendered(&ctx, StatusCode::CREATED, &page)
        }
        Ok((preview, false)) => {
            let shown = Shown {
                preview,
                errors: Vec::new(),
            };
            resolve_page(&state, &ctx, &s, id, &f, shown, StatusCode::OK).await
        }
        Err(AppError::Blocked { field, .. }) => {
            let shown = Shown {
                preview: None,
                errors: vec![err(field, "resolve-error-blocked")],
            };
            resolve_page(
                &state,
                &ctx,
                &s,
                id,
                &f,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Invalid { field, .. }) => {
            let key = match field.as_str() {
                "effective_date" => "resolve-error-date",
                "basis" => "resolve-error-basis",
                "reasoning" => "resolve-error-reasoning",
                _ => "resolve-error-outcome",
            };
            let shown = Shown {
                preview: None,
                errors: vec![err(&field, key)],
            };
            resolve_page(
                &state,
                &ctx,
                &s,
                id,
                &f,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}

#[derive(Template)]
#[template(path = "issued.html")]
struct IssuedPage {
    l: Layout,
    document: String,
}
