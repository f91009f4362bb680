//! The job seeker's statements (issue 13; B7, B8, B13, B15): the list, and each statement as
//! issued with its safeguards — made automatically, under which adoption decision (with the
//! address where it is published), the logic that applied in the client's language, the
//! client's rights — and the request for reconsideration: its state once made, otherwise a
//! form that makes it through the client's own use case (`ask_reconsideration`, the same as
//! `POST /api/me/decisions/{id}/reconsideration`), which the officials' queue handles.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kirjuri_app::statements::{state_of, DecisionRecord, GivenBy, StatementState};
use kirjuri_app::AppError;
use kirjuri_domain::{ClientReasons, DecisionId};
use serde::Deserialize;

use super::error::{rendered, see_other, PageError, PageErrorKind, PageResult};
use super::i18n::{text, Lang};
use super::jobsearch::ReasonRow;
use super::layout::{date, date_time, Layout, PageCtx, Signed};
use super::own::target_name;
use super::own_jobsearch::{reasons_in_words, AdoptionRow};
use super::record::FieldMessage;
use super::session::{signed, signed_form, HasCsrf};
use super::statement::StatementDoc;
use crate::AppState;

/// A statement in the list.
#[derive(Debug)]
pub struct StatementItem {
    pub id: String,
    pub title: String,
    pub outcome: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "own_statements.html")]
struct ListPage {
    l: Layout,
    items: Vec<StatementItem>,
}

/// What a decision is and when it was made, in words.
fn title_of(lang: Lang, d: &DecisionRecord) -> String {
    let s = &d.stored.decision;
    format!(
        "{} {}",
        text(lang, &format!("decision-{}", s.kind), &[]),
        date(s.decision_date)
    )
}

/// The outcome as last given, and by whom.
fn outcome_of(lang: Lang, d: &DecisionRecord) -> (String, String) {
    match state_of(d) {
        StatementState::Given {
            outcome,
            effective_date,
            by,
        } => {
            let (key, by_key) = match by {
                GivenBy::Automated => ("own-outcome", "statement-by-automated"),
                GivenBy::Official => ("resolution", "statement-by-official"),
                GivenBy::Reconsideration => ("resolution", "statement-by-reconsideration"),
            };
            let mut words = text(lang, &format!("{key}-{outcome}"), &[]);
            if let Some(e) = effective_date {
                words = format!(
                    "{words} · {}",
                    text(lang, "jobsearch-effective", &[("date", &date(e))])
                );
            }
            (words, text(lang, by_key, &[]))
        }
        StatementState::Waiting { .. } => (
            text(lang, "own-statement-waiting", &[]),
            text(lang, "own-by-official-waiting", &[]),
        ),
    }
}

/// `GET /me/statements`: the client's statements, newest first.
pub async fn list(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let decisions = state
        .app
        .my_decisions(&s.actor)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    let lang = ctx.lang;
    let items = decisions
        .iter()
        .rev()
        .map(|d| {
            let (outcome, by) = outcome_of(lang, d);
            StatementItem {
                id: d.stored.id.to_string(),
                title: title_of(lang, d),
                outcome,
                by,
            }
        })
        .collect();
    let page = ListPage {
        l: Layout::new(&ctx, "own-statements-title", Some(&s.actor), s.csrf),
        items,
    };
    rendered(&ctx, StatusCode::OK, &page)
}

/// A rule of the safeguards as it applied.
#[derive(Debug)]
pub struct RuleRow {
    pub title: String,
    pub basis: String,
    pub status: String,
    pub applied: bool,
    pub read: String,
}

/// The safeguards of an automated statement (B8, B13, B15), in the client's language.
#[derive(Debug)]
pub struct SafeguardsView {
    pub lang: &'static str,
    pub notice: String,
    pub summary: String,
    pub rule_set: String,
    pub adoption: Vec<AdoptionRow>,
    pub rules: Vec<RuleRow>,
    pub explanation: Option<String>,
    pub human: String,
    pub view: String,
    pub contest: String,
    pub how_to_ask: String,
    pub legal_basis: String,
}

/// The request for reconsideration as it stands.
#[derive(Debug)]
pub struct ReconsiderationView {
    pub asked: String,
    pub reasons: String,
    pub handled_by: String,
    pub state: String,
    pub changed: Option<String>,
}

#[derive(Template)]
#[template(path = "own_statement.html")]
struct StatementPage {
    l: Layout,
    decision_id: String,
    title: String,
    outcome: String,
    by: String,
    docs: Vec<StatementDoc>,
    /// A routed case waiting for an official: where it went and why.
    waiting_at: Option<String>,
    reasons: Vec<ReasonRow>,
    safeguards: Option<SafeguardsView>,
    reconsideration: Option<ReconsiderationView>,
    /// A statement has been issued and none of it was asked to be reconsidered yet.
    can_ask: bool,
    reasons_text: String,
    errors: Vec<FieldMessage>,
}

fn docs_of(lang: Lang, d: &DecisionRecord) -> Vec<StatementDoc> {
    let doc = |key: &str, at, doc_lang: &str, body: &str| StatementDoc {
        heading: text(lang, key, &[("at", &date_time(lang, at))]),
        lang: doc_lang.to_owned(),
        text: body.to_owned(),
    };
    let mut docs = Vec::new();
    let s = &d.stored.decision;
    if let Some(t) = &s.document {
        let l = s.document_language.as_deref().unwrap_or("fi");
        docs.push(doc("statement-automatic", d.stored.recorded_at, l, t));
    }
    if let Some(o) = &d.official_statement {
        docs.push(doc(
            "statement-official",
            o.issued_at,
            &o.resolution.document_language,
            &o.resolution.document,
        ));
    }
    if let Some(n) = d
        .reconsideration
        .as_ref()
        .and_then(|r| r.new_statement.as_ref())
    {
        docs.push(doc(
            "statement-reconsideration",
            n.issued_at,
            &n.resolution.document_language,
            &n.resolution.document,
        ));
    }
    docs
}

async fn statement_page(
    state: &AppState,
    ctx: &PageCtx,
    s: &Signed,
    id: DecisionId,
    reasons_text: &str,
    errors: Vec<FieldMessage>,
    status: StatusCode,
) -> PageResult {
    let err = |e| PageError::app(ctx, e);
    let (d, record, adoptions) = tokio::try_join!(
        state.app.my_decision(&s.actor, id),
        state.app.my_record(&s.actor),
        state.app.adoption_decisions(),
    )
    .map_err(err)?;
    let lang = ctx.lang;
    let (outcome, by) = outcome_of(lang, &d);
    let docs = docs_of(lang, &d);
    let waiting = matches!(state_of(&d), StatementState::Waiting { .. });
    let stored = &d.stored.decision;
    let safeguards = d.safeguards.as_ref().map(|g| SafeguardsView {
        lang: g.language.code(),
        notice: g.notice.clone(),
        summary: g.summary.clone(),
        rule_set: format!("{} {}", g.rule_set.name, g.rule_set.version),
        adoption: adoptions
            .iter()
            .filter(|a| stored.adoption_number.as_deref() == Some(a.number.as_str()))
            .map(|a| AdoptionRow {
                number: a.number.clone(),
                url: a.url.clone(),
            })
            .collect(),
        rules: g
            .rules
            .iter()
            .map(|r| RuleRow {
                title: r.title.clone(),
                basis: r.basis.clone(),
                status: r.status.clone(),
                applied: r.applied,
                read: r.read.join(", "),
            })
            .collect(),
        explanation: g.explanation.clone(),
        human: g.right_to_human_intervention.clone(),
        view: g.right_to_express_view.clone(),
        contest: g.right_to_contest.clone(),
        how_to_ask: g.how_to_ask.clone(),
        legal_basis: g.legal_basis.clone(),
    });
    let reconsideration = d.reconsideration.as_ref().map(|r| {
        let state_key = match (&r.new_statement, r.taken_at()) {
            (Some(_), _) => "own-reconsideration-resolved",
            (None, Some(_)) => "own-reconsideration-taken",
            (None, None) => "own-reconsideration-requested",
        };
        ReconsiderationView {
            asked: date_time(lang, r.request.requested_at),
            reasons: r.request.reasons.clone(),
            handled_by: super::own::org_name(lang, &r.handled_by),
            state: text(lang, state_key, &[]),
            changed: r.new_statement.as_ref().map(|n| {
                text(
                    lang,
                    if n.outcome_changed {
                        "own-reconsideration-changed"
                    } else {
                        "own-reconsideration-unchanged"
                    },
                    &[],
                )
            }),
        }
    });
    let page = StatementPage {
        l: Layout::new(ctx, "own-statement-title", Some(&s.actor), s.csrf.clone()),
        decision_id: id.to_string(),
        title: title_of(lang, &d),
        outcome,
        by,
        can_ask: !docs.is_empty() && d.reconsideration.is_none(),
        docs,
        waiting_at: waiting
            .then(|| target_name(lang, stored.target.as_deref(), &record.organisation)),
        reasons: if d.automated() {
            Vec::new()
        } else {
            reasons_in_words(state, ctx, &d.reasons)?
        },
        safeguards,
        reconsideration,
        reasons_text: reasons_text.to_owned(),
        errors,
    };
    rendered(ctx, status, &page)
}

fn decision_id(ctx: &PageCtx, id: &str) -> Result<DecisionId, PageError> {
    id.parse()
        .map_err(|_| PageError::new(ctx, PageErrorKind::NotFound))
}

/// `GET /me/statements/{id}`: one of the client's statements with its safeguards and the
/// request for reconsideration (another client's decision is "not found").
pub async fn statement(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let id = decision_id(&ctx, &id)?;
    statement_page(&state, &ctx, &s, id, "", Vec::new(), StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
pub struct AskForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reasons: String,
}

impl HasCsrf for AskForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /me/statements/{id}/reconsideration`: the client asks that the statement be
/// reconsidered (B7), with their reasons; then back to the statement, where the request is
/// shown. Reasons missing or not acceptable keep the form with the text and write nothing.
pub async fn ask(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (s, f): (Signed, AskForm) = signed_form(&state, &ctx, &body).await?;
    let id = decision_id(&ctx, &id)?;
    let lang = ctx.lang;
    let again = |key: &str, status| {
        let errors = vec![FieldMessage::new(lang, "reasons", key)];
        statement_page(&state, &ctx, &s, id, &f.reasons, errors, status)
    };
    let Ok(reasons) = ClientReasons::parse(f.reasons.trim()) else {
        return again("own-error-reasons", StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    match state.app.ask_reconsideration(&s.actor, id, reasons).await {
        Ok(_) => Ok(see_other(&format!("/me/statements/{id}#reconsideration"))),
        Err(AppError::Invalid { .. } | AppError::Blocked { .. }) => {
            again("own-error-reasons", StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict { .. }) => {
            again("own-error-reconsideration-conflict", StatusCode::CONFLICT).await
        }
        Err(e) => Err(PageError::app(&ctx, e)),
    }
}
