//! The job seeker registers or ends their own job search (issue 13; B1, B14): the prior notice
//! of automated processing on a page of its own first, then the form — the client's answers of
//! the statement contract, in the same fieldsets as the officials' job-search page builds
//! (`jobsearch::questions_in`), worded to the client — then the result: the automatic statement
//! at once, or the organisation the case went to and why, in words. The answers are read by the
//! same wire parser as the JSON API's; what the client may do (the notice acknowledged, every
//! question answered, the reasons a client can end for) is decided by the application layer.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use kirjuri_app::own::OWN_END_REASONS;
use kirjuri_app::statements::{FormAnswers, JobSearchDecision};
use kirjuri_app::AppError;
use kirjuri_domain::{EndReason, JobSearchId};
use serde::Deserialize;

use super::error::{rendered, see_other, PageError, PageErrorKind, PageResult};
use super::i18n::{text, Lang};
use super::jobsearch::{
    answers_json_in, field_message, form_field, notice, questions_in, reason_question, Question,
    ReasonRow, StartForm,
};
use super::layout::{date, Layout, PageCtx, Signed};
use super::own::target_name;
use super::record::FieldMessage;
use super::session::{signed, signed_form, HasCsrf};
use crate::AppState;

/// A published adoption decision of the automated procedure (B13).
#[derive(Debug)]
pub struct AdoptionRow {
    pub number: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "own_notice.html")]
struct NoticePage {
    l: Layout,
    notice: String,
    notice_lang: &'static str,
    adoptions: Vec<AdoptionRow>,
    /// The job search in progress (the notice leads to its end), if any.
    open_since: Option<String>,
    error: Option<FieldMessage>,
}

#[derive(Template)]
#[template(path = "own_jobsearch.html")]
struct StartPage {
    l: Layout,
    today: String,
    questions: Vec<Question>,
    free_text: String,
    errors: Vec<FieldMessage>,
}

#[derive(Template)]
#[template(path = "own_jobsearch_end.html")]
struct EndPage {
    l: Layout,
    started: String,
    job_search_id: String,
    end_date: String,
    reason: Vec<Question>,
    errors: Vec<FieldMessage>,
}

#[derive(Template)]
#[template(path = "own_result.html")]
struct ResultPage {
    l: Layout,
    automated: bool,
    automated_key: &'static str,
    outcome: String,
    effective: Option<String>,
    /// Where a routed case went, named in full.
    went_to: Option<String>,
    reasons: Vec<ReasonRow>,
    document: Option<String>,
    document_lang: String,
    decision_id: String,
}

/// The prior notice in the page's language: the application layer's text in Finnish and
/// Swedish (the one the procedure records as shown), an English rendering for English.
fn notice_in(lang: Lang) -> (String, &'static str) {
    match lang {
        Lang::En => (text(lang, "own-notice-text", &[]), "en"),
        Lang::Sv => (notice(lang), "sv"),
        Lang::Fi => (notice(lang), "fi"),
    }
}

async fn notice_page(
    state: &AppState,
    ctx: &PageCtx,
    s: Signed,
    error: Option<FieldMessage>,
    status: StatusCode,
) -> PageResult {
    let err = |e| PageError::app(ctx, e);
    let (record, adoptions) = tokio::try_join!(
        state.app.my_record(&s.actor),
        state.app.adoption_decisions()
    )
    .map_err(err)?;
    let today = state.app.clock().today();
    let (notice, notice_lang) = notice_in(ctx.lang);
    let page = NoticePage {
        l: Layout::new(ctx, "own-notice-title", Some(&s.actor), s.csrf),
        notice,
        notice_lang,
        adoptions: adoptions
            .iter()
            .filter(|a| a.retired_on.is_none_or(|r| r > today))
            .map(|a| AdoptionRow {
                number: a.number.clone(),
                url: a.url.clone(),
            })
            .collect(),
        open_since: record.job_search.as_ref().map(|j| date(j.start_date)),
        error,
    };
    rendered(ctx, status, &page)
}

/// `GET /me/job-search`: the prior notice of automated processing (B14), before any form.
pub async fn notice_first(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let s = signed(&state, &ctx).await?;
    notice_page(&state, &ctx, s, None, StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
pub struct Acknowledged {
    #[serde(default)]
    acknowledged: Option<String>,
}

/// The forms are reached only through the notice: without its confirmation the notice is
/// shown again, saying so.
async fn require_notice(
    state: &AppState,
    ctx: &PageCtx,
    s: Signed,
    q: &Acknowledged,
) -> Result<Signed, PageResult> {
    if q.acknowledged.as_deref() == Some("yes") {
        return Ok(s);
    }
    let error = FieldMessage::new(ctx.lang, "acknowledged", "own-error-notice");
    Err(notice_page(state, ctx, s, Some(error), StatusCode::UNPROCESSABLE_ENTITY).await)
}

async fn start_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    f: &StartForm,
    errors: Vec<FieldMessage>,
    status: StatusCode,
) -> PageResult {
    let page = StartPage {
        l: Layout::new(ctx, "own-register-title", Some(&s.actor), s.csrf.clone()),
        today: date(state.app.clock().today()),
        questions: questions_in(ctx.lang, "own-answer", f, &errors),
        free_text: f.free_text.clone(),
        errors,
    };
    rendered(ctx, status, &page)
}

/// `GET /me/job-search/new?acknowledged=yes`: the client's own registration form (after the
/// notice). A client whose job search is in progress is sent to the notice, which leads to
/// ending it.
pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<Acknowledged>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let s = match require_notice(&state, &ctx, s, &q).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    let record = state
        .app
        .my_record(&s.actor)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    if record.job_search.is_some() {
        return Ok(see_other("/me/job-search"));
    }
    start_page(
        &state,
        &ctx,
        &s,
        &StartForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /me/job-search`: registers the client's job search with their answers through the
/// client's own use case (the automated procedure decides in the same transaction) and shows
/// the result. A question left unanswered keeps the form with the answers given.
pub async fn register(State(state): State<AppState>, ctx: PageCtx, body: Bytes) -> PageResult {
    let (s, f): (Signed, StartForm) = signed_form(&state, &ctx, &body).await?;
    let lang = ctx.lang;
    let answers = match answers_json_in(lang, "own-answer", true, &f) {
        Ok(Some(v)) => match crate::wire::answers(Some(&v)) {
            Ok(a) => a,
            Err(e) => {
                let errors = vec![own_field_message(lang, &form_field(&e.field))];
                return start_page(
                    &state,
                    &ctx,
                    &s,
                    &f,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
        Ok(None) => None,
        Err(errors) => {
            return start_page(
                &state,
                &ctx,
                &s,
                &f,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let form = FormAnswers {
        answers,
        acknowledged_notice: f.acknowledged_notice.is_some(),
    };
    let d = match state.app.register_my_job_search(&s.actor, form).await {
        Ok(d) => d,
        Err(AppError::Invalid { field, .. }) if field == "acknowledged_notice" => {
            let error = FieldMessage::new(lang, "acknowledged", "own-error-notice");
            return notice_page(
                &state,
                &ctx,
                s,
                Some(error),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(AppError::Invalid { field, .. }) => {
            let errors = vec![own_field_message(lang, &form_field(&field))];
            return start_page(
                &state,
                &ctx,
                &s,
                &f,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(AppError::Conflict { .. }) => {
            let errors = vec![FieldMessage::new(
                lang,
                "employment-none",
                "own-error-conflict",
            )];
            return start_page(&state, &ctx, &s, &f, errors, StatusCode::CONFLICT).await;
        }
        Err(e) => return Err(PageError::app(&ctx, e)),
    };
    result_page(&state, &ctx, s, &d, false, StatusCode::CREATED).await
}

/// A refused field in the client's words (the officials' messages speak of "the client").
fn own_field_message(lang: Lang, field: &str) -> FieldMessage {
    match field {
        "free_text" => FieldMessage::new(lang, field, "own-error-free-text"),
        _ => field_message(lang, field),
    }
}

async fn result_page(
    state: &AppState,
    ctx: &PageCtx,
    s: Signed,
    d: &JobSearchDecision,
    end: bool,
    status: StatusCode,
) -> PageResult {
    let lang = ctx.lang;
    let reasons = reasons_in_words(state, ctx, &d.decision.reasons)?;
    let record = state
        .app
        .my_record(&s.actor)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    let decision = &d.decision.stored.decision;
    let page = ResultPage {
        l: Layout::new(
            ctx,
            if end {
                "own-end-result-title"
            } else {
                "own-register-result-title"
            },
            Some(&s.actor),
            s.csrf,
        ),
        automated: d.decision.automated(),
        automated_key: if end {
            "own-end-automated"
        } else {
            "own-automated"
        },
        outcome: text(lang, &format!("own-outcome-{}", decision.outcome), &[]),
        effective: decision.effective_date.map(date),
        went_to: (!d.decision.automated())
            .then(|| target_name(lang, decision.target.as_deref(), &record.organisation)),
        reasons,
        document: decision.document.clone(),
        document_lang: decision
            .document_language
            .clone()
            .unwrap_or_else(|| "fi".to_owned()),
        decision_id: d.decision.stored.id.to_string(),
    };
    rendered(ctx, status, &page)
}

/// Routing reasons in the page's language (the rules' titles, Swedish for Swedish, else
/// Finnish) with the law behind each, in full.
pub fn reasons_in_words(
    state: &AppState,
    ctx: &PageCtx,
    reasons: &serde_json::Value,
) -> Result<Vec<ReasonRow>, PageError> {
    Ok(state
        .app
        .reasons_in_words(reasons)
        .map_err(|e| PageError::app(ctx, e))?
        .into_iter()
        .map(|r| ReasonRow {
            title: match ctx.lang {
                Lang::Sv => r.title_sv,
                _ => r.title_fi,
            },
            basis: r.basis,
        })
        .collect())
}

#[derive(Debug, Deserialize, Default)]
pub struct EndForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    job_search_id: String,
    #[serde(default)]
    end_date: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    acknowledged_notice: Option<String>,
}

impl HasCsrf for EndForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

fn reason_anchor() -> String {
    format!("reason-{}", OWN_END_REASONS[0].code())
}

fn end_reason_question(lang: Lang, chosen: Option<&str>, errors: &[FieldMessage]) -> Question {
    reason_question(
        &OWN_END_REASONS,
        ("own-end-reason", "own-end-reason-"),
        lang,
        chosen,
        errors,
    )
}

async fn end_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    f: &EndForm,
    errors: Vec<FieldMessage>,
    status: StatusCode,
) -> PageResult {
    let record = state
        .app
        .my_record(&s.actor)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    let Some(open) = record.job_search else {
        return Ok(see_other("/me/job-search"));
    };
    let page = EndPage {
        l: Layout::new(ctx, "own-end-title", Some(&s.actor), s.csrf.clone()),
        started: date(open.start_date),
        job_search_id: open.id.to_string(),
        end_date: if f.end_date.is_empty() {
            state.app.clock().today().format("%Y-%m-%d").to_string()
        } else {
            f.end_date.clone()
        },
        reason: vec![end_reason_question(ctx.lang, f.reason.as_deref(), &errors)],
        errors,
    };
    rendered(ctx, status, &page)
}

/// `GET /me/job-search/end?acknowledged=yes`: the end form of the client's job search in
/// progress (after the notice).
pub async fn end_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<Acknowledged>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let s = match require_notice(&state, &ctx, s, &q).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    end_page(
        &state,
        &ctx,
        &s,
        &EndForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /me/job-search/end`: ends the client's job search through the client's own use case
/// (the end statement decided in the same transaction) and shows the result.
pub async fn end(State(state): State<AppState>, ctx: PageCtx, body: Bytes) -> PageResult {
    let (s, f): (Signed, EndForm) = signed_form(&state, &ctx, &body).await?;
    let js: JobSearchId = f
        .job_search_id
        .parse()
        .map_err(|_| PageError::new(&ctx, PageErrorKind::BadRequest))?;
    let lang = ctx.lang;
    let mut errors = Vec::new();
    let end: Option<NaiveDate> = crate::wire::date("end_date", f.end_date.trim()).ok();
    if end.is_none() {
        errors.push(FieldMessage::new(lang, "end_date", "own-error-end-date"));
    }
    let reason: Option<EndReason> = f.reason.as_deref().and_then(|r| r.parse().ok());
    if reason.is_none() {
        errors.push(FieldMessage::new(
            lang,
            reason_anchor(),
            "jobsearch-error-end-reason",
        ));
    }
    let (Some(end), Some(reason)) = (end, reason) else {
        return end_page(
            &state,
            &ctx,
            &s,
            &f,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let d = match state
        .app
        .end_my_job_search(&s.actor, js, end, reason, f.acknowledged_notice.is_some())
        .await
    {
        Ok(d) => d,
        Err(AppError::Invalid { field, .. }) if field == "acknowledged_notice" => {
            let error = FieldMessage::new(lang, "acknowledged", "own-error-notice");
            return notice_page(
                &state,
                &ctx,
                s,
                Some(error),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(AppError::Invalid { field, .. }) => {
            let errors = vec![if field == "reason" {
                FieldMessage::new(lang, reason_anchor(), "jobsearch-error-end-reason")
            } else {
                FieldMessage::new(lang, "end_date", "own-error-end-date")
            }];
            return end_page(
                &state,
                &ctx,
                &s,
                &f,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(AppError::Conflict { .. }) => {
            let errors = vec![FieldMessage::new(
                lang,
                "end_date",
                "jobsearch-error-end-conflict",
            )];
            return end_page(&state, &ctx, &s, &f, errors, StatusCode::CONFLICT).await;
        }
        Err(e) => return Err(PageError::app(&ctx, e)),
    };
    result_page(&state, &ctx, s, &d, true, StatusCode::OK).await
}
