//! The supervisor's search of the access log (A3; Information Management Act 17 §), and the
//! retention job's reports (issue 17).

use axum::extract::State;
use axum::http::Uri;
use axum::Json;
use kirjuri_app::model::{AccessAction, AccessLogQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::paging::{PageParams, Paged};
use crate::wire::{
    field, instant, AccessLogView, AccountEventView, RetentionReportView, SecurityEventView,
};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccessLogParams {
    /// Only rows about this client.
    pub client_id: Option<String>,
    /// Only rows of this user.
    pub user_id: Option<String>,
    /// Only flagged rows (accesses to another organisation's client, refusals).
    pub flagged: Option<bool>,
    /// `read`, `write` or `denied`.
    pub action: Option<String>,
    /// From this instant (RFC 3339), inclusive.
    pub from: Option<String>,
    /// Until this instant (RFC 3339), exclusive.
    pub to: Option<String>,
    /// At most this many rows, 1–1000 (default 200).
    pub limit: Option<i64>,
    /// The `Next-Cursor` of the previous page, as it was given (none: the first page).
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/access-log", tag = "supervision", params(AccessLogParams),
    responses((status = 200, body = [AccessLogView], headers(("Link" = String, description = "the next page, `<…?cursor=…>; rel=\"next\"`, when more follow"), ("Next-Cursor" = String, description = "the next page's cursor, when more follow"))), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// Searches the access log (the supervisor), oldest first, a page at a time. Reading it is
/// itself logged.
pub async fn search_access_log(
    State(state): State<AppState>,
    Act(actor): Act,
    uri: Uri,
    ApiQuery(p): ApiQuery<AccessLogParams>,
) -> Result<Paged<AccessLogView>, ApiError> {
    let q = AccessLogQuery {
        client: p
            .client_id
            .as_deref()
            .map(|c| field("client_id", c.parse()))
            .transpose()?,
        user: p
            .user_id
            .as_deref()
            .map(|u| field("user_id", u.parse()))
            .transpose()?,
        flagged_only: p.flagged.unwrap_or(false),
        from: p.from.as_deref().map(|s| instant("from", s)).transpose()?,
        to: p.to.as_deref().map(|s| instant("to", s)).transpose()?,
        action: p
            .action
            .as_deref()
            .map(|a| {
                AccessAction::from_code(a)
                    .ok_or_else(|| ApiError::field("action", "must be read, write or denied"))
            })
            .transpose()?,
        ..Default::default()
    };
    let page = PageParams {
        cursor: p.cursor,
        limit: p.limit,
    }
    .request();
    let page = state.app.access_log_page(&actor, &q, &page).await?;
    Ok(Paged::new(uri, page, |x| AccessLogView::from(x)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RetentionParams {
    /// At most this many runs, newest first, 1–1000 (default 20).
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/retention", tag = "supervision", params(RetentionParams),
    responses((status = 200, body = RetentionReportView), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// The retention policy in force and what the retention job erased, newest run first (the
/// supervisor). Counts only: no client's data.
pub async fn retention_report(
    State(state): State<AppState>,
    Act(actor): Act,
    ApiQuery(p): ApiQuery<RetentionParams>,
) -> Result<Json<RetentionReportView>, ApiError> {
    let report = state
        .app
        .retention_report(&actor, p.limit.unwrap_or(20))
        .await?;
    Ok(Json(RetentionReportView::from(&report)))
}

#[utoipa::path(get, path = "/api/security-log", tag = "supervision", params(PageParams),
    responses((status = 200, body = [SecurityEventView], headers(("Link" = String, description = "the next page, `<…?cursor=…>; rel=\"next\"`, when more follow"), ("Next-Cursor" = String, description = "the next page's cursor, when more follow"))), (status = 403, body = ErrorBody)))]
/// The lasting security log, newest first (the supervisor): failed and delayed password
/// log-ins and lifted delays (issue 15 item 7). A page at a time (`limit` 1–10000, default
/// 200).
pub async fn security_log(
    State(state): State<AppState>,
    Act(actor): Act,
    uri: Uri,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Paged<SecurityEventView>, ApiError> {
    let page = state.app.security_log_page(&actor, &p.request()).await?;
    Ok(Paged::new(uri, page, |x| SecurityEventView::from(x)))
}

#[utoipa::path(get, path = "/api/account-events", tag = "supervision", params(PageParams),
    responses((status = 200, body = [AccountEventView], headers(("Link" = String, description = "the next page, `<…?cursor=…>; rel=\"next\"`, when more follow"), ("Next-Cursor" = String, description = "the next page's cursor, when more follow"))), (status = 403, body = ErrorBody)))]
/// Who created which account with which role, newest first (the supervisor; issue 15 item 6).
/// A page at a time (`limit` 1–10000, default 200).
pub async fn account_events(
    State(state): State<AppState>,
    Act(actor): Act,
    uri: Uri,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Paged<AccountEventView>, ApiError> {
    let page = state.app.account_events_page(&actor, &p.request()).await?;
    Ok(Paged::new(uri, page, |x| AccountEventView::from(x)))
}
