//! Decision provenance (issue 12 page 9, B10): the rule set's name, version and hash, the
//! adoption decision, every step with who and when, and the ledger proof bundle to download
//! and verify offline. Read through the same use case as the API and `kirjuri provenance`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use kirjuri_domain::DecisionId;

use super::error::{rendered, PageError, PageErrorKind, PageResult};
use super::i18n::text;
use super::layout::{date, date_time, Layout, PageCtx};
use super::session::signed;
use crate::AppState;

/// A step of the decision's history.
#[derive(Debug)]
pub struct StepRow {
    pub step: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "provenance.html")]
struct ProvenancePage {
    l: Layout,
    id: String,
    rule_set: String,
    hash: String,
    adoption: Option<String>,
    steps: Vec<StepRow>,
    leaf: u64,
}

fn decision_id(ctx: &PageCtx, s: &str) -> Result<DecisionId, PageError> {
    s.parse()
        .map_err(|_| PageError::new(ctx, PageErrorKind::NotFound))
}

/// `GET /decisions/{id}/provenance`.
pub async fn provenance(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let id = decision_id(&ctx, &id)?;
    let p = state
        .app
        .provenance(&s.actor, id)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    let lang = ctx.lang;
    let page = ProvenancePage {
        l: Layout::new(&ctx, "provenance-title", Some(&s.actor), s.csrf),
        id: id.to_string(),
        rule_set: format!("{} {}", p.rule_set.name, p.rule_set.version),
        hash: p.rule_set.hash.clone(),
        adoption: p
            .adoption_decision
            .as_ref()
            .map(|a| format!("{} ({})", a.number, date(a.decided_on))),
        steps: p
            .steps
            .iter()
            .map(|st| StepRow {
                step: text(lang, &format!("step-{}", st.step), &[]),
                by: st.by.clone(),
                at: date_time(lang, st.at),
            })
            .collect(),
        leaf: p.ledger_leaf_index,
    };
    rendered(&ctx, StatusCode::OK, &page)
}

/// `GET /decisions/{id}/proof`: the proof bundle as a file to verify offline
/// (`kirjuri ledger verify`).
pub async fn proof(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let s = signed(&state, &ctx).await?;
    let id = decision_id(&ctx, &id)?;
    let p = state
        .app
        .provenance(&s.actor, id)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    let mut resp = p.ledger_bundle.into_response();
    let h = resp.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"proof-{id}.txt\"")) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}
