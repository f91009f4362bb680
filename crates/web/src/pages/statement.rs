//! The printable statement (issue 12, "printable statement documents"): every statement issued
//! on a decision — the automatic one, an official's on a routed case, the one given on
//! reconsideration — exactly as issued, in the client's language, with the stylesheet's print
//! rules (A4, no navigation). Read through one use case of the application layer, which asks
//! the policy and logs the read.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use kirjuri_domain::DecisionId;

use super::error::{rendered, PageError, PageErrorKind, PageResult};
use super::i18n::{text, Lang};
use super::layout::{date_time, Layout, PageCtx};
use super::session::signed;
use crate::AppState;

/// One issued statement document.
#[derive(Debug)]
pub struct StatementDoc {
    /// What it is and when it was issued, in the page's language.
    pub heading: String,
    /// The document's own language (`fi` or `sv`), for the `lang` attribute.
    pub lang: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "statement.html")]
struct StatementPage {
    l: Layout,
    client_id: String,
    decision_id: String,
    docs: Vec<StatementDoc>,
}

fn doc(lang: Lang, key: &str, at: DateTime<Utc>, doc_lang: &str, body: &str) -> StatementDoc {
    StatementDoc {
        heading: text(lang, key, &[("at", &date_time(lang, at))]),
        lang: doc_lang.to_owned(),
        text: body.to_owned(),
    }
}

/// `GET /decisions/{id}/statement`.
pub async fn statement(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let id: DecisionId = id
        .parse()
        .map_err(|_| PageError::new(&ctx, PageErrorKind::NotFound))?;
    let d = state
        .app
        .decision(&s.actor, id)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    let lang = ctx.lang;
    let mut docs = Vec::new();
    let decision = &d.stored.decision;
    if let Some(text) = &decision.document {
        let doc_lang = decision.document_language.as_deref().unwrap_or("fi");
        docs.push(doc(
            lang,
            "statement-automatic",
            d.stored.recorded_at,
            doc_lang,
            text,
        ));
    }
    if let Some(o) = &d.official_statement {
        docs.push(doc(
            lang,
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
            lang,
            "statement-reconsideration",
            n.issued_at,
            &n.resolution.document_language,
            &n.resolution.document,
        ));
    }
    let page = StatementPage {
        l: Layout::new(&ctx, "statement-title", Some(&s.actor), s.csrf),
        client_id: d.stored.client_id.to_string(),
        decision_id: id.to_string(),
        docs,
    };
    rendered(&ctx, StatusCode::OK, &page)
}
