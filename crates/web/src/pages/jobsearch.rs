//! Starting a job search: the prior notice of automated decision-making (B14) shown, the start
//! date asked, and the result page with the automatic statement or the queue the case went to
//! and why, in words. The page form does not yet ask the client's answers (the `reported` part
//! of the statement contract), so a start from it goes to an official, as the rules require
//! without answers.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use kirjuri_app::statements::{FormAnswers, NOTICE};
use kirjuri_app::AppError;
use serde::Deserialize;

use super::error::{rendered, PageError, PageResult};
use super::i18n::{text, Lang};
use super::layout::{helsinki_date, Layout, PageCtx, Signed};
use super::record::{client_id, FieldMessage};
use super::session::{signed, signed_form, HasCsrf};
use crate::AppState;

#[derive(Template)]
#[template(path = "jobsearch.html")]
struct StartPage {
    l: Layout,
    client_id: String,
    client_name: String,
    notice: String,
    start_date: String,
    acknowledged: bool,
    errors: Vec<FieldMessage>,
}

/// A routing reason in the page's language.
#[derive(Debug)]
pub struct ReasonRow {
    pub title: String,
    pub basis: String,
}

#[derive(Template)]
#[template(path = "jobsearch_result.html")]
struct ResultPage {
    l: Layout,
    client_id: String,
    client_name: String,
    automated: bool,
    outcome: String,
    queue: Option<String>,
    reasons: Vec<ReasonRow>,
    document: Option<String>,
    decision_id: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct StartForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    acknowledged_notice: Option<String>,
}

impl HasCsrf for StartForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

fn notice(lang: Lang) -> String {
    match lang {
        Lang::Sv => NOTICE.sv.to_owned(),
        _ => NOTICE.fi.to_owned(),
    }
}

async fn start_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    client: kirjuri_domain::ClientId,
    f: &StartForm,
    errors: Vec<FieldMessage>,
    status: StatusCode,
) -> PageResult {
    let record = state
        .app
        .client_record(&s.actor, client)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    let today = helsinki_date(state.app.clock().now());
    let page = StartPage {
        l: Layout::new(ctx, "jobsearch-title", Some(&s.actor.user), s.csrf.clone()),
        client_id: client.to_string(),
        client_name: format!("{} {}", record.client.first_name, record.client.last_name),
        notice: notice(ctx.lang),
        start_date: if f.start_date.is_empty() {
            today.format("%Y-%m-%d").to_string()
        } else {
            f.start_date.clone()
        },
        acknowledged: f.acknowledged_notice.is_some(),
        errors,
    };
    rendered(ctx, status, &page)
}

/// `GET /clients/{id}/job-search/new`.
pub async fn new_job_search(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let client = client_id(&ctx, &id)?;
    start_page(
        &state,
        &ctx,
        &s,
        client,
        &StartForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /clients/{id}/job-search`: starts the job search through the same use case as the
/// API (the automated procedure decides in the same transaction) and shows the result.
pub async fn start_job_search(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, f): (Signed, StartForm) = signed_form(&state, &ctx, &body).await?;
    let client = client_id(&ctx, &id)?;
    let lang = ctx.lang;
    let field_error = |field: &str, key: &str| FieldMessage {
        field: field.to_owned(),
        message: text(lang, key, &[]),
    };
    let Ok(start) = NaiveDate::parse_from_str(f.start_date.trim(), "%Y-%m-%d") else {
        let errors = vec![field_error("start_date", "jobsearch-error-date")];
        return start_page(
            &state,
            &ctx,
            &s,
            client,
            &f,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let form = FormAnswers {
        answers: None,
        acknowledged_notice: f.acknowledged_notice.is_some(),
    };
    let d = match state
        .app
        .start_job_search(&s.actor, client, start, form)
        .await
    {
        Ok(d) => d,
        Err(AppError::Invalid { .. }) => {
            let errors = vec![field_error("start_date", "jobsearch-error-date")];
            return start_page(
                &state,
                &ctx,
                &s,
                client,
                &f,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(AppError::Conflict { .. }) => {
            let errors = vec![field_error("start_date", "jobsearch-error-conflict")];
            return start_page(&state, &ctx, &s, client, &f, errors, StatusCode::CONFLICT).await;
        }
        Err(e) => return Err(PageError::app(&ctx, e)),
    };
    let reasons = state
        .app
        .reasons_in_words(&d.decision.reasons)
        .map_err(|e| PageError::app(&ctx, e))?
        .into_iter()
        .map(|r| ReasonRow {
            title: match lang {
                Lang::Sv => r.title_sv,
                _ => r.title_fi,
            },
            basis: r.basis,
        })
        .collect();
    let decision = &d.decision.stored.decision;
    let record = state
        .app
        .client_record(&s.actor, client)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    let page = ResultPage {
        l: Layout::new(&ctx, "jobsearch-result-title", Some(&s.actor.user), s.csrf),
        client_id: client.to_string(),
        client_name: format!("{} {}", record.client.first_name, record.client.last_name),
        automated: d.decision.automated(),
        outcome: text(lang, &format!("outcome-{}", decision.outcome), &[]),
        queue: decision
            .target
            .as_ref()
            .map(|t| text(lang, &format!("queue-{t}"), &[])),
        reasons,
        document: decision.document.clone(),
        decision_id: d.decision.stored.id.to_string(),
    };
    rendered(&ctx, StatusCode::CREATED, &page)
}
