//! The work queue (issue 12 page 8): routed cases and requests for reconsideration (B7) of the
//! official's organisation (KEHA-keskus's for a KEHA official), taken and resolved with a
//! preview of the statement before it is issued. Both kinds are cases of one path in the
//! application layer (`CaseRef`); every step is its use case, which decides who may, logs the
//! access and checks the reasoning's language, exactly as for the API. A refused text keeps the
//! form as written, with the checker's findings shown.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use kirjuri_app::cases::{CaseRef, OpenReconsideration, ResolutionInput, RoutedCase};
use kirjuri_app::AppError;
use kirjuri_domain::{DecisionId, LegalBasis, Reasoning, ReconsiderationId};
use serde::Deserialize;

use super::entry::{message, FindingRow};
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

/// A request for reconsideration as the queue lists it.
#[derive(Debug)]
pub struct RequestRow {
    pub id: String,
    pub decision_id: String,
    pub client: String,
    pub hetu_masked: String,
    pub kind: String,
    /// Which statement is reconsidered and what it said, in words.
    pub reconsiders: String,
    /// The client's reasons, as given.
    pub reasons: String,
    /// Who asked and when, in words.
    pub requested: String,
    pub taken: Option<String>,
}

fn request_row(lang: Lang, o: &OpenReconsideration) -> RequestRow {
    let r = &o.case.request;
    let statement = if r.statement == "automated" {
        "reconsideration-of-automated"
    } else {
        "reconsideration-of-official"
    };
    let outcome = text(lang, &format!("resolution-{}", r.statement_outcome), &[]);
    RequestRow {
        id: r.id.to_string(),
        decision_id: r.decision_id.to_string(),
        client: format!("{} {}", o.case.client.first_name, o.case.client.last_name),
        hetu_masked: o.case.client.hetu.masked(),
        kind: text(lang, &format!("decision-{}", o.case.kind), &[]),
        reconsiders: text(
            lang,
            statement,
            &[
                ("outcome", &outcome),
                ("date", &date(r.statement_effective_date)),
            ],
        ),
        reasons: r.reasons.clone(),
        requested: text(
            lang,
            if r.requested_as == "client" {
                "reconsideration-asked-by-client"
            } else {
                "reconsideration-asked-on-behalf"
            },
            &[("at", &date_time(lang, r.requested_at))],
        ),
        taken: o.taken.as_ref().map(|t| {
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
    requests: Vec<RequestRow>,
}

/// `GET /queue`.
pub async fn queue(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let s = signed(&state, &ctx).await?;
    // Asked together: each lists clients with a logged read, and the writes share a commit.
    let (cases, requests) = tokio::try_join!(
        state.app.work_queue(&s.actor),
        state.app.reconsideration_queue(&s.actor),
    )
    .map_err(|e| PageError::app(&ctx, e))?;
    let page = QueuePage {
        l: Layout::new(&ctx, "queue-title", Some(&s.actor), s.csrf),
        cases: cases.iter().map(|c| row(ctx.lang, c)).collect(),
        requests: requests.iter().map(|r| request_row(ctx.lang, r)).collect(),
    };
    rendered(&ctx, StatusCode::OK, &page)
}

fn decision_id(ctx: &PageCtx, s: &str) -> Result<DecisionId, PageError> {
    s.parse()
        .map_err(|_| PageError::new(ctx, PageErrorKind::NotFound))
}

fn request_id(ctx: &PageCtx, s: &str) -> Result<ReconsiderationId, PageError> {
    s.parse()
        .map_err(|_| PageError::new(ctx, PageErrorKind::NotFound))
}

/// Where a case's form is.
fn case_path(case: CaseRef) -> String {
    match case {
        CaseRef::Routed(id) => format!("/queue/{id}"),
        CaseRef::Reconsideration(id) => format!("/reconsiderations/{id}"),
    }
}

/// `POST /queue/{id}/take`: takes the case and opens it.
pub async fn take(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, _f): (Signed, CsrfOnly) = signed_form(&state, &ctx, &body).await?;
    let case = CaseRef::Routed(decision_id(&ctx, &id)?);
    take_any(&state, &ctx, &s, case).await
}

/// `POST /reconsiderations/{id}/take`: takes the request for reconsideration and opens it.
pub async fn take_reconsideration(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, _f): (Signed, CsrfOnly) = signed_form(&state, &ctx, &body).await?;
    let case = CaseRef::Reconsideration(request_id(&ctx, &id)?);
    take_any(&state, &ctx, &s, case).await
}

async fn take_any(state: &AppState, ctx: &PageCtx, s: &Signed, case: CaseRef) -> PageResult {
    state
        .app
        .take_case(&s.actor, case)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    Ok(see_other(&case_path(case)))
}

#[derive(Template)]
#[template(path = "resolve.html")]
struct ResolvePage {
    l: Layout,
    /// The client's name, in the heading.
    client: String,
    /// Where the form posts.
    action: String,
    /// A routed case, or
    case: Option<CaseRow>,
    /// a request for reconsideration.
    request: Option<RequestRow>,
    outcomes: Vec<(&'static str, String, bool)>,
    effective_date: String,
    reasoning: String,
    basis: String,
    preview: Option<String>,
    errors: Vec<FieldMessage>,
    /// What the checker found in a refused text, at the field it names.
    findings: Vec<FindingRow>,
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

#[derive(Default)]
struct Shown {
    preview: Option<String>,
    errors: Vec<FieldMessage>,
    findings: Vec<FindingRow>,
}

/// The case as its form shows it: a routed case's or a request's row, the decision's kind
/// and the effective date the form proposes.
struct Opened {
    client: String,
    case: Option<CaseRow>,
    request: Option<RequestRow>,
    kind: String,
    proposed: String,
}

/// The open case of the actor's queue (not found when it is not there: resolved, or not
/// this queue's): a read of that case's client only.
async fn opened(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    case: CaseRef,
) -> Result<Opened, PageError> {
    let ymd = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    match case {
        CaseRef::Routed(id) => {
            let c = state
                .app
                .queue_case(&s.actor, id)
                .await
                .map_err(|e| PageError::app(ctx, e))?;
            let row = row(ctx.lang, &c);
            Ok(Opened {
                client: row.client.clone(),
                case: Some(row),
                request: None,
                kind: c.case.decision.decision.kind.clone(),
                proposed: ymd(c.case.decision.decision.decision_date),
            })
        }
        CaseRef::Reconsideration(id) => {
            let o = state
                .app
                .reconsideration_case(&s.actor, id)
                .await
                .map_err(|e| PageError::app(ctx, e))?;
            let row = request_row(ctx.lang, &o);
            Ok(Opened {
                client: row.client.clone(),
                request: Some(row),
                case: None,
                kind: o.case.kind.clone(),
                proposed: ymd(o.case.request.statement_effective_date),
            })
        }
    }
}

async fn resolve_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    case: CaseRef,
    f: &ResolveForm,
    shown: Shown,
    status: StatusCode,
) -> PageResult {
    let o = opened(state, ctx, s, case).await?;
    let codes: &[&'static str] = if o.kind == "job_search_end" {
        &["job_search_ended", "obstacle"]
    } else {
        &["no_obstacle", "obstacle"]
    };
    let chosen = if f.outcome.is_empty() {
        codes[0]
    } else {
        f.outcome.as_str()
    };
    let title = match case {
        CaseRef::Routed(_) => "resolve-title",
        CaseRef::Reconsideration(_) => "reconsideration-resolve-title",
    };
    let page = ResolvePage {
        l: Layout::new(ctx, title, Some(&s.actor), s.csrf.clone()),
        client: o.client,
        action: case_path(case),
        case: o.case,
        request: o.request,
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
            o.proposed
        } else {
            f.effective_date.clone()
        },
        reasoning: f.reasoning.clone(),
        basis: f.basis.clone(),
        preview: shown.preview,
        errors: shown.errors,
        findings: shown.findings,
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
    let case = CaseRef::Routed(decision_id(&ctx, &id)?);
    resolve_page(
        &state,
        &ctx,
        &s,
        case,
        &ResolveForm::default(),
        Shown::default(),
        StatusCode::OK,
    )
    .await
}

/// `GET /reconsiderations/{id}`: the resolve form of a request for reconsideration.
pub async fn reconsideration(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let case = CaseRef::Reconsideration(request_id(&ctx, &id)?);
    resolve_page(
        &state,
        &ctx,
        &s,
        case,
        &ResolveForm::default(),
        Shown::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /reconsiderations/{id}`: previews or issues the statement given on reconsideration.
pub async fn resolve_reconsideration(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, f): (Signed, ResolveForm) = signed_form(&state, &ctx, &body).await?;
    let case = CaseRef::Reconsideration(request_id(&ctx, &id)?);
    resolve_any(&state, &ctx, s, case, f).await
}

/// `POST /queue/{id}`: previews (`action=preview`) or issues the statement.
pub async fn resolve(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, f): (Signed, ResolveForm) = signed_form(&state, &ctx, &body).await?;
    let case = CaseRef::Routed(decision_id(&ctx, &id)?);
    resolve_any(&state, &ctx, s, case, f).await
}

/// Previews (`action=preview`) or issues the statement on either kind of case.
async fn resolve_any(
    state: &AppState,
    ctx: &PageCtx,
    s: Signed,
    case: CaseRef,
    f: ResolveForm,
) -> PageResult {
    let lang = ctx.lang;
    let err = |field: &str, key: &str| FieldMessage::new(lang, field, key);
    let mut errors = Vec::new();
    let effective = crate::wire::date("effective_date", f.effective_date.trim()).ok();
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
    let again =
        |shown: Shown, status: StatusCode| resolve_page(state, ctx, &s, case, &f, shown, status);
    let (Some(effective_date), Some(reasoning), Some(basis)) = (effective, reasoning, basis) else {
        let shown = Shown {
            errors,
            ..Shown::default()
        };
        return again(shown, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let input = ResolutionInput {
        outcome: f.outcome.clone(),
        effective_date,
        reasoning,
        basis,
    };
    if f.action == "preview" {
        return match state.app.preview_resolution(&s.actor, case, &input).await {
            Ok(doc) => {
                let shown = Shown {
                    preview: Some(doc),
                    ..Shown::default()
                };
                again(shown, StatusCode::OK).await
            }
            Err(e) => refused(ctx, e, again).await,
        };
    }
    match state.app.resolve_case(&s.actor, case, &input).await {
        Ok(step) => {
            // Issued: the case has left the queue; show the statement as issued.
            let (document, document_lang) = step
                .resolution
                .map(|r| (r.document, r.document_language))
                .unwrap_or_default();
            let page = IssuedPage {
                l: Layout::new(ctx, "resolve-issued-title", Some(&s.actor), s.csrf.clone()),
                document,
                document_lang,
                // The statement page is the decision's (for a request, the reconsidered one).
                decision_id: step.decision.to_string(),
            };
            rendered(ctx, StatusCode::CREATED, &page)
        }
        Err(e) => refused(ctx, e, again).await,
    }
}

/// A refusal of the application layer shown on the form: a text the checker refused with its
/// findings, a value refused at its field; anything else is an error page.
async fn refused<F, Fut>(ctx: &PageCtx, e: AppError, again: F) -> PageResult
where
    F: Fn(Shown, StatusCode) -> Fut,
    Fut: std::future::Future<Output = PageResult>,
{
    let lang = ctx.lang;
    let err = |field: &str, key: &str| FieldMessage::new(lang, field, key);
    let shown = match e {
        AppError::Blocked { field, report } => {
            // The findings in the text's order; those that keep it out of a statement (the
            // application layer's rule) are marked so.
            let mut found: Vec<_> = report.findings.iter().collect();
            found.sort_by_key(|x| (x.chars.start, x.chars.end));
            let findings = found
                .into_iter()
                .enumerate()
                .map(|(i, x)| {
                    let (message, suggestion) = message(lang, x);
                    FindingRow {
                        number: i + 1,
                        blocks: kirjuri_app::blocks_document(x),
                        matched: x.matched.clone(),
                        message,
                        suggestion,
                    }
                })
                .collect();
            Shown {
                errors: vec![err(field, "resolve-error-blocked")],
                findings,
                ..Shown::default()
            }
        }
        AppError::Invalid { field, .. } => {
            let key = match field.as_str() {
                "effective_date" => "resolve-error-date",
                "basis" => "resolve-error-basis",
                "reasoning" => "resolve-error-reasoning",
                _ => "resolve-error-outcome",
            };
            let field = if key == "resolve-error-outcome" {
                "outcome".to_owned()
            } else {
                field
            };
            Shown {
                errors: vec![err(&field, key)],
                ..Shown::default()
            }
        }
        other => return Err(PageError::app(ctx, other)),
    };
    again(shown, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Template)]
#[template(path = "issued.html")]
struct IssuedPage {
    l: Layout,
    document: String,
    document_lang: String,
    decision_id: String,
}
