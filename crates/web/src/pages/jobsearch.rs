//! Starting and ending a job search (issue 12 page 7): the prior notice of automated
//! decision-making (B14) shown, the client's answers asked (the `reported` part of the
//! statement contract, `shared/cases/README.md`) as radio buttons in fieldsets, and the result
//! page with the automatic statement issued at once, or the queue the case went to and why, in
//! words. The answers are read by the same wire parser as the JSON API's and the job search is
//! started or ended through the same use case; what the answers mean is the rules' business.
//!
//! A form left wholly unanswered (the client was not asked) starts the job search without
//! answers, and the procedure routes it to an official, as the rules require (B2).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use kirjuri_app::statements::{FormAnswers, JobSearchDecision, NOTICE};
use kirjuri_app::AppError;
use kirjuri_domain::{ClientId, EndReason, JobSearchId};
use serde::Deserialize;
use serde_json::{json, Value};

use super::error::{rendered, PageError, PageErrorKind, PageResult};
use super::i18n::{text, Lang};
use super::layout::{date, helsinki_date, Layout, PageCtx, Signed};
use super::record::{client_id, FieldMessage};
use super::session::{signed, signed_form, HasCsrf};
use crate::AppState;

/// One radio button of a question.
#[derive(Debug)]
pub struct Choice {
    pub value: &'static str,
    pub label: String,
    pub checked: bool,
}

/// A date asked with a question (the previous employment's end, the business's start).
#[derive(Debug)]
pub struct DateField {
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    pub value: String,
    pub error: Option<String>,
}

/// A question of the form: a fieldset of radio buttons, its legend the question.
#[derive(Debug)]
pub struct Question {
    pub name: &'static str,
    pub legend: String,
    pub choices: Vec<Choice>,
    pub error: Option<String>,
    pub date: Option<DateField>,
}

#[derive(Template)]
#[template(path = "jobsearch.html")]
struct StartPage {
    l: Layout,
    client_id: String,
    client_name: String,
    notice: String,
    start_date: String,
    acknowledged: bool,
    questions: Vec<Question>,
    free_text: String,
    errors: Vec<FieldMessage>,
}

#[derive(Template)]
#[template(path = "jobsearch_end.html")]
struct EndPage {
    l: Layout,
    client_id: String,
    client_name: String,
    notice: String,
    job_search_id: String,
    started: String,
    end_date: String,
    acknowledged: bool,
    /// The one question of the end: why (a list, for the form's question template).
    reason: Vec<Question>,
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
    /// What an automatic statement means: at the start all conditions were clearly met, at
    /// the end the client reported the end (two texts, one page).
    automated_key: &'static str,
    outcome: String,
    effective: Option<String>,
    queue: Option<String>,
    reasons: Vec<ReasonRow>,
    document: Option<String>,
    document_lang: String,
    decision_id: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct StartForm {
    #[serde(default)]
    pub(crate) csrf: String,
    #[serde(default)]
    pub(crate) start_date: String,
    #[serde(default)]
    pub(crate) acknowledged_notice: Option<String>,
    #[serde(default)]
    pub(crate) employment: Option<String>,
    #[serde(default)]
    pub(crate) seeks_full_time_work: Option<String>,
    #[serde(default)]
    pub(crate) previous_end: Option<String>,
    #[serde(default)]
    pub(crate) previous_end_date: String,
    #[serde(default)]
    pub(crate) studies: Option<String>,
    #[serde(default)]
    pub(crate) business: Option<String>,
    #[serde(default)]
    pub(crate) business_started_on: String,
    #[serde(default)]
    pub(crate) in_service: Option<String>,
    #[serde(default)]
    pub(crate) free_text: String,
}

impl HasCsrf for StartForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
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

pub(crate) fn notice(lang: Lang) -> String {
    match lang {
        Lang::Sv => NOTICE.sv.to_owned(),
        _ => NOTICE.fi.to_owned(),
    }
}

/// The contract's values of each question, in the contract's order (`none` first where the
/// contract has `null` or `none`).
const EMPLOYMENT: &[&str] = &[
    "none",
    "laid_off_full",
    "under_4h_week",
    "part_time",
    "full_time",
];
const YES_NO: &[&str] = &["yes", "no"];
const PREVIOUS_END: &[&str] = &[
    "none",
    "fixed_term_ended",
    "employer_production_reasons",
    "laid_off",
    "own_resignation",
    "dismissed_own_conduct",
];
const STUDIES: &[&str] = &["none", "full_time_degree", "part_time", "other"];
const BUSINESS: &[&str] = &["none", "part_time", "full_time"];
const IN_SERVICE: &[&str] = &["none", "conscript", "prison", "institutional_care"];

/// The anchor of a question in the error summary: its first radio button.
fn first_radio(name: &str, values: &[&str]) -> String {
    format!("{name}-{}", values.first().copied().unwrap_or("none"))
}

fn question(
    lang: Lang,
    prefix: &str,
    name: &'static str,
    values: &[&'static str],
    chosen: Option<&str>,
    errors: &[FieldMessage],
    date: Option<DateField>,
) -> Question {
    let anchor = first_radio(name, values);
    Question {
        name,
        legend: text(lang, &format!("{prefix}-{name}"), &[]),
        choices: values
            .iter()
            .map(|v| Choice {
                value: v,
                label: text(lang, &format!("{prefix}-{name}-{v}"), &[]),
                checked: chosen == Some(*v),
            })
            .collect(),
        error: errors
            .iter()
            .find(|e| e.field == anchor)
            .map(|e| e.message.clone()),
        date,
    }
}

fn date_field(
    lang: Lang,
    prefix: &str,
    name: &'static str,
    value: &str,
    errors: &[FieldMessage],
) -> Option<DateField> {
    Some(DateField {
        name,
        label: text(lang, &format!("{prefix}-{name}"), &[]),
        hint: text(lang, &format!("{prefix}-{name}-hint"), &[]),
        value: value.to_owned(),
        error: errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.clone()),
    })
}

fn questions(lang: Lang, f: &StartForm, errors: &[FieldMessage]) -> Vec<Question> {
    questions_in(lang, "answer", f, errors)
}

/// The contract's questions as fieldsets, worded by the Fluent messages under `prefix`
/// (`answer` asks the official about the client; `own-answer` asks the client themself).
pub(crate) fn questions_in(
    lang: Lang,
    prefix: &str,
    f: &StartForm,
    errors: &[FieldMessage],
) -> Vec<Question> {
    vec![
        question(
            lang,
            prefix,
            "employment",
            EMPLOYMENT,
            f.employment.as_deref(),
            errors,
            None,
        ),
        question(
            lang,
            prefix,
            "seeks_full_time_work",
            YES_NO,
            f.seeks_full_time_work.as_deref(),
            errors,
            None,
        ),
        question(
            lang,
            prefix,
            "previous_end",
            PREVIOUS_END,
            f.previous_end.as_deref(),
            errors,
            date_field(
                lang,
                prefix,
                "previous_end_date",
                &f.previous_end_date,
                errors,
            ),
        ),
        question(
            lang,
            prefix,
            "studies",
            STUDIES,
            f.studies.as_deref(),
            errors,
            None,
        ),
        question(
            lang,
            prefix,
            "business",
            BUSINESS,
            f.business.as_deref(),
            errors,
            date_field(
                lang,
                prefix,
                "business_started_on",
                &f.business_started_on,
                errors,
            ),
        ),
        question(
            lang,
            prefix,
            "in_service",
            IN_SERVICE,
            f.in_service.as_deref(),
            errors,
            None,
        ),
    ]
}

/// Where a field the wire parser or the application layer names is on the form.
pub(crate) fn form_field(field: &str) -> String {
    match field {
        "answers.previous_employment_end.date" => "previous_end_date".to_owned(),
        "answers.business_started_while_unemployed_on" => "business_started_on".to_owned(),
        "answers.previous_employment_end" | "answers.previous_employment_end.reason" => {
            first_radio("previous_end", PREVIOUS_END)
        }
        "answers.employment" => first_radio("employment", EMPLOYMENT),
        "answers.seeks_full_time_work" => first_radio("seeks_full_time_work", YES_NO),
        "answers.studies" => first_radio("studies", STUDIES),
        "answers.business" => first_radio("business", BUSINESS),
        "answers.in_service" => first_radio("in_service", IN_SERVICE),
        "answers.free_text" => "free_text".to_owned(),
        _ => "start_date".to_owned(),
    }
}

/// The message for a refused field of the form.
pub(crate) fn field_message(lang: Lang, field: &str) -> FieldMessage {
    let key = match field {
        "previous_end_date" | "business_started_on" => "jobsearch-error-answer-date",
        "free_text" => "jobsearch-error-free-text",
        "start_date" => "jobsearch-error-date",
        _ => "jobsearch-error-answer-value",
    };
    FieldMessage::new(lang, field, key)
}

/// The client's answers as the contract's JSON, for the API's parser; `None` when the form was
/// left wholly unanswered (the client was not asked). A question left unanswered among
/// answered ones, or an end of employment without its date, is a field error.
fn answers_json(lang: Lang, f: &StartForm) -> Result<Option<Value>, Vec<FieldMessage>> {
    answers_json_in(lang, "answer", false, f)
}

/// [`answers_json`] with the questions worded under `prefix`; `required`: a form left wholly
/// unanswered is refused like one with a question left out (the client's own form).
pub(crate) fn answers_json_in(
    lang: Lang,
    prefix: &str,
    required: bool,
    f: &StartForm,
) -> Result<Option<Value>, Vec<FieldMessage>> {
    let radios = [
        ("employment", EMPLOYMENT, &f.employment),
        ("seeks_full_time_work", YES_NO, &f.seeks_full_time_work),
        ("previous_end", PREVIOUS_END, &f.previous_end),
        ("studies", STUDIES, &f.studies),
        ("business", BUSINESS, &f.business),
        ("in_service", IN_SERVICE, &f.in_service),
    ];
    let previous_date = f.previous_end_date.trim();
    let business_date = f.business_started_on.trim();
    let free_text = f.free_text.trim();
    let answered = radios.iter().any(|(_, _, v)| v.is_some())
        || !previous_date.is_empty()
        || !business_date.is_empty()
        || !free_text.is_empty();
    if !answered && !required {
        return Ok(None);
    }
    let mut errors = Vec::new();
    for (name, values, v) in radios {
        if v.is_none() {
            let legend = text(lang, &format!("{prefix}-{name}"), &[]);
            errors.push(FieldMessage {
                field: first_radio(name, values),
                message: text(lang, "jobsearch-error-unanswered", &[("question", &legend)]),
            });
        }
    }
    let previous = f.previous_end.as_deref();
    if previous.is_some_and(|p| p != "none") && previous_date.is_empty() {
        errors.push(FieldMessage::new(
            lang,
            "previous_end_date",
            "jobsearch-error-previous-end-date",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let or_null = |s: &str| {
        if s.is_empty() {
            Value::Null
        } else {
            json!(s)
        }
    };
    let none_null = |v: &Option<String>| match v.as_deref() {
        None | Some("none") => Value::Null,
        Some(s) => json!(s),
    };
    let seeks = match f.seeks_full_time_work.as_deref() {
        Some("yes") => json!(true),
        Some("no") => json!(false),
        other => json!(other),
    };
    Ok(Some(json!({
        "employment": f.employment,
        "seeks_full_time_work": seeks,
        "previous_employment_end": match previous {
            None | Some("none") => Value::Null,
            Some(reason) => json!({"date": previous_date, "reason": reason}),
        },
        "studies": f.studies,
        "business": f.business,
        "business_started_while_unemployed_on": or_null(business_date),
        "in_service": none_null(&f.in_service),
        "free_text": or_null(free_text),
    })))
}

async fn client_name(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    client: ClientId,
) -> Result<(String, Option<kirjuri_domain::JobSearch>), PageError> {
    let record = state
        .app
        .client_record(&s.actor, client)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    Ok((
        format!("{} {}", record.client.first_name, record.client.last_name),
        record.job_search,
    ))
}

fn today(state: &AppState) -> String {
    helsinki_date(state.app.clock().now())
        .format("%Y-%m-%d")
        .to_string()
}

async fn start_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    client: ClientId,
    f: &StartForm,
    errors: Vec<FieldMessage>,
    status: StatusCode,
) -> PageResult {
    let (name, _) = client_name(state, ctx, s, client).await?;
    let page = StartPage {
        l: Layout::new(ctx, "jobsearch-title", Some(&s.actor), s.csrf.clone()),
        client_id: client.to_string(),
        client_name: name,
        notice: notice(ctx.lang),
        start_date: if f.start_date.is_empty() {
            today(state)
        } else {
            f.start_date.clone()
        },
        acknowledged: f.acknowledged_notice.is_some(),
        questions: questions(ctx.lang, f, &errors),
        free_text: f.free_text.clone(),
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

/// `POST /clients/{id}/job-search`: starts the job search with the client's answers through
/// the same use case as the API (the automated procedure decides in the same transaction)
/// and shows the result.
pub async fn start_job_search(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, f): (Signed, StartForm) = signed_form(&state, &ctx, &body).await?;
    let client = client_id(&ctx, &id)?;
    let lang = ctx.lang;
    let mut errors = Vec::new();
    let start = crate::wire::date("start_date", f.start_date.trim()).ok();
    if start.is_none() {
        errors.push(field_message(lang, "start_date"));
    }
    let answers = match answers_json(lang, &f) {
        Ok(None) => None,
        Ok(Some(v)) => match crate::wire::answers(Some(&v)) {
            Ok(a) => a,
            Err(e) => {
                errors.push(field_message(lang, &form_field(&e.field)));
                None
            }
        },
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    let again = |errors: Vec<FieldMessage>, status: StatusCode| {
        start_page(&state, &ctx, &s, client, &f, errors, status)
    };
    let Some(start) = start.filter(|_| errors.is_empty()) else {
        return again(errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let form = FormAnswers {
        answers,
        acknowledged_notice: f.acknowledged_notice.is_some(),
    };
    let d = match state
        .app
        .start_job_search(&s.actor, client, start, form)
        .await
    {
        Ok(d) => d,
        Err(AppError::Invalid { field, .. }) => {
            let errors = vec![field_message(lang, &form_field(&field))];
            return again(errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(AppError::Conflict { .. }) => {
            let errors = vec![FieldMessage::new(
                lang,
                "start_date",
                "jobsearch-error-conflict",
            )];
            return again(errors, StatusCode::CONFLICT).await;
        }
        Err(e) => return Err(PageError::app(&ctx, e)),
    };
    result_page(
        &state,
        &ctx,
        s,
        client,
        &d,
        "jobsearch-result-title",
        StatusCode::CREATED,
    )
    .await
}

/// The result of a start or an end: the automatic statement, or where the case went and why.
async fn result_page(
    state: &AppState,
    ctx: &PageCtx,
    s: Signed,
    client: ClientId,
    d: &JobSearchDecision,
    title: &str,
    status: StatusCode,
) -> PageResult {
    let lang = ctx.lang;
    let reasons = state
        .app
        .reasons_in_words(&d.decision.reasons)
        .map_err(|e| PageError::app(ctx, e))?
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
    let (name, _) = client_name(state, ctx, &s, client).await?;
    let automated_key = if title == "jobsearch-end-result-title" {
        "jobsearch-end-automated"
    } else {
        "jobsearch-automated"
    };
    let page = ResultPage {
        automated_key,
        l: Layout::new(ctx, title, Some(&s.actor), s.csrf),
        client_id: client.to_string(),
        client_name: name,
        automated: d.decision.automated(),
        outcome: text(lang, &format!("outcome-{}", decision.outcome), &[]),
        effective: decision.effective_date.map(date),
        queue: decision
            .target
            .as_ref()
            .map(|t| text(lang, &format!("queue-{t}"), &[])),
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

fn end_reason_question(lang: Lang, chosen: Option<&str>, errors: &[FieldMessage]) -> Question {
    reason_question(
        EndReason::ALL,
        ("jobsearch-end-reason", "end-reason-"),
        lang,
        chosen,
        errors,
    )
}

/// The end-reason question over `reasons`, with its legend and the prefix of each choice's
/// label in Fluent (`keys`); an error on the first choice's anchor is the question's. Shared
/// with the job seeker's own end form, which offers fewer reasons in its own words.
pub(super) fn reason_question(
    reasons: &[EndReason],
    keys: (&str, &str),
    lang: Lang,
    chosen: Option<&str>,
    errors: &[FieldMessage],
) -> Question {
    let anchor = reasons
        .first()
        .map(|r| format!("reason-{}", r.code()))
        .unwrap_or_default();
    Question {
        name: "reason",
        legend: text(lang, keys.0, &[]),
        choices: reasons
            .iter()
            .map(|r| Choice {
                value: r.code(),
                label: text(lang, &format!("{}{}", keys.1, r.code()), &[]),
                checked: chosen == Some(r.code()),
            })
            .collect(),
        error: errors
            .iter()
            .find(|e| e.field == anchor)
            .map(|e| e.message.clone()),
        date: None,
    }
}

async fn end_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    client: ClientId,
    f: &EndForm,
    errors: Vec<FieldMessage>,
    status: StatusCode,
) -> PageResult {
    let (name, open) = client_name(state, ctx, s, client).await?;
    // Nothing to end: the record offers no end without an open job search (and one ended
    // meanwhile, by another official, is the conflict it is).
    let open = open.ok_or_else(|| {
        let kind = if status == StatusCode::CONFLICT {
            PageErrorKind::Conflict
        } else {
            PageErrorKind::NotFound
        };
        PageError::new(ctx, kind)
    })?;
    let page = EndPage {
        l: Layout::new(ctx, "jobsearch-end-title", Some(&s.actor), s.csrf.clone()),
        client_id: client.to_string(),
        client_name: name,
        notice: notice(ctx.lang),
        job_search_id: open.id.to_string(),
        started: date(open.start_date),
        end_date: if f.end_date.is_empty() {
            today(state)
        } else {
            f.end_date.clone()
        },
        acknowledged: f.acknowledged_notice.is_some(),
        reason: vec![end_reason_question(ctx.lang, f.reason.as_deref(), &errors)],
        errors,
    };
    rendered(ctx, status, &page)
}

/// `GET /clients/{id}/job-search/end`: the end form of the client's open job search.
pub async fn end_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let client = client_id(&ctx, &id)?;
    end_page(
        &state,
        &ctx,
        &s,
        client,
        &EndForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /clients/{id}/job-search/end`: ends the job search the form was shown for through
/// the same use case as the API (the end statement decided in the same transaction) and shows
/// the result as the start does.
pub async fn end_job_search(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, f): (Signed, EndForm) = signed_form(&state, &ctx, &body).await?;
    let client = client_id(&ctx, &id)?;
    let js: JobSearchId = f
        .job_search_id
        .parse()
        .map_err(|_| PageError::new(&ctx, PageErrorKind::BadRequest))?;
    let lang = ctx.lang;
    let reason_anchor = format!("reason-{}", EndReason::ALL[0].code());
    let mut errors = Vec::new();
    let end: Option<NaiveDate> = crate::wire::date("end_date", f.end_date.trim()).ok();
    if end.is_none() {
        errors.push(FieldMessage::new(
            lang,
            "end_date",
            "jobsearch-error-end-date",
        ));
    }
    let reason: Option<EndReason> = f.reason.as_deref().and_then(|r| r.parse().ok());
    if reason.is_none() {
        errors.push(FieldMessage::new(
            lang,
            reason_anchor.clone(),
            "jobsearch-error-end-reason",
        ));
    }
    let again = |errors: Vec<FieldMessage>, status: StatusCode| {
        end_page(&state, &ctx, &s, client, &f, errors, status)
    };
    let (Some(end), Some(reason)) = (end, reason) else {
        return again(errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let form = FormAnswers {
        answers: None,
        acknowledged_notice: f.acknowledged_notice.is_some(),
    };
    let d = match state
        .app
        .end_job_search(&s.actor, client, js, end, reason, form)
        .await
    {
        Ok(d) => d,
        Err(AppError::Invalid { field, .. }) => {
            let errors = vec![if field == "reason" {
                FieldMessage::new(lang, reason_anchor, "jobsearch-error-end-reason")
            } else {
                FieldMessage::new(lang, "end_date", "jobsearch-error-end-date")
            }];
            return again(errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(AppError::Conflict { .. }) => {
            let errors = vec![FieldMessage::new(
                lang,
                "end_date",
                "jobsearch-error-end-conflict",
            )];
            return again(errors, StatusCode::CONFLICT).await;
        }
        Err(e) => return Err(PageError::app(&ctx, e)),
    };
    result_page(
        &state,
        &ctx,
        s,
        client,
        &d,
        "jobsearch-end-result-title",
        StatusCode::OK,
    )
    .await
}
