//! The entry-quality checker in the server (A13–A18): `POST /api/check` for the text an
//! official is writing, and the check every entry passes before it is written — blocking
//! findings refuse the write with the findings in the answer, warnings are stored with the
//! entry.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kirjuri_domain::{EntryKind, Language};
use kirjuri_quality::{CheckError, Context, Purpose, Report, Severity};
use kirjuri_store::EntryFinding;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::wire::{field, BlockedBody, BlockedDetail, CheckReport, CheckRequest, FindingView};
use crate::AppState;

/// Runs the checker on `text`; a text it refuses to read (too long) is a field error.
pub(crate) fn check(state: &AppState, text: &str, ctx: &Context) -> Result<Report, ApiError> {
    state.checker.check(text, ctx).map_err(|e| match e {
        CheckError::Empty => ApiError::field("text", "must not be empty"),
        other => ApiError::field("text", other),
    })
}

/// The findings of a report, as the API shows them.
pub(crate) fn views(report: &Report) -> Vec<FindingView> {
    report.findings.iter().map(FindingView::from).collect()
}

/// The warnings of a report, as stored with the entry.
pub(crate) fn stored(report: &Report) -> Vec<EntryFinding> {
    report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warn)
        .map(|f| EntryFinding {
            kind: f.kind.code().to_owned(),
            severity: "warn".to_owned(),
            start_char: f.chars.start as i64,
            end_char: f.chars.end as i64,
            matched: f.matched.clone(),
        })
        .collect()
}

/// The answer to a write that the checker blocked: 422 with every finding.
pub(crate) fn blocked(report: &Report) -> Response {
    let body = BlockedBody {
        error: BlockedDetail {
            code: "blocked_by_checks",
            message: "the text cannot be saved as it is: see the findings".into(),
            field: "text",
            findings: views(report),
        },
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

#[utoipa::path(post, path = "/api/check", tag = "entries", request_body = CheckRequest,
    responses((status = 200, body = CheckReport), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn check_text(
    State(state): State<AppState>,
    CurrentUser(_user): CurrentUser,
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
    let report = check(&state, &req.text, &ctx)?;
    Ok(Json(CheckReport {
        morphology: format!("{:?}", report.morphology).to_lowercase(),
        blocks: report.blocks(),
        findings: views(&report),
    }))
}
