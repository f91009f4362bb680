//! `POST /api/check`: the entry-quality checker on a text being written (A13–A18).

use axum::extract::State;
use axum::Json;
use kirjuri_domain::{EntryKind, Language};
use kirjuri_quality::{Context, Purpose};

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::wire::{field, CheckReport, CheckRequest, FindingView};
use crate::AppState;

#[utoipa::path(post, path = "/api/check", tag = "entries", request_body = CheckRequest,
    responses((status = 200, body = CheckReport), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// Checks a text as an official is writing it.
pub async fn check_text(
    State(state): State<AppState>,
    Act(actor): Act,
    ApiJson(req): ApiJson<CheckRequest>,
) -> Result<Json<CheckReport>, ApiError> {
    let language: Language = match req.language.as_deref() {
        Some(l) => field("language", l.parse())?,
        None => Language::Fi,
    };
    let ctx = match req.purpose.as_deref().unwrap_or("entry") {
        "entry" => {
            let kind: EntryKind = match req.entry_type.as_deref() {
                Some(k) => field("entry_type", k.parse())?,
                None => EntryKind::Other,
            };
            Context::entry(kind, language)
        }
        "email" => Context {
            purpose: Purpose::OutgoingEmail,
            ..Context::email(language)
        },
        other => {
            return Err(ApiError::field(
                "purpose",
                format!("unknown value {other:?}; expected one of: entry email"),
            ))
        }
    };
    let report = state.app.check_text(&actor, &req.text, &ctx)?;
    Ok(Json(CheckReport {
        morphology: format!("{:?}", report.morphology).to_lowercase(),
        blocks: report.blocks(),
        findings: report.findings.iter().map(FindingView::from).collect(),
    }))
}
