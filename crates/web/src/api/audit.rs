//! The supervisor's search of the access log (A3; Information Management Act 17 §), and the
//! retention job's reports (issue 17).

use axum::extract::State;
use axum::Json;
use kirjuri_app::model::{AccessAction, AccessLogQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
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
}

#[utoipa::path(get, path = "/api/access-log", tag = "supervision", params(AccessLogParams),
    responses((status = 200, body = [AccessLogView]), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// Searches the access log (the supervisor), oldest first. Reading it is itself logged.
pub async fn search_access_log(
    State(state): State<AppState>,
    Act(actor): Act,
    ApiQuery(p): ApiQuery<AccessLogParams>,
) -> Result<Json<Vec<AccessLogView>>, ApiError> {
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
        limit: p.limit.unwrap_or(200),
    };
    let rows = state.app.search_access_log(&actor, &q).await?;
    Ok(Json(rows.iter().map(AccessLogView::from).collect()))
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

#[derive(Debug, Deserialize, IntoParams)]
pub struct SecurityLogParams {
    /// At most this many rows, 1–10000 (default 200).
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/security-log", tag = "supervision", params(SecurityLogParams),
    responses((status = 200, body = [SecurityEventView]), (status = 403, body = ErrorBody)))]
/// The lasting security log, newest first (the supervisor): failed and delayed password
/// log-ins and lifted delays (issue 15 item 7).
pub async fn security_log(
    State(state): State<AppState>,
    Act(actor): Act,
    ApiQuery(p): ApiQuery<SecurityLogParams>,
) -> Result<Json<Vec<SecurityEventView>>, ApiError> {
    let rows = state
        .app
        .security_log(&actor, p.limit.unwrap_or(200))
        .await?;
    Ok(Json(rows.iter().map(SecurityEventView::from).collect()))
}

#[utoipa::path(get, path = "/api/account-events", tag = "supervision", params(SecurityLogParams),
    responses((status = 200, body = [AccountEventView]), (status = 403, body = ErrorBody)))]
/// Who created which account with which role, newest first (the supervisor; issue 15 item 6).
pub async fn account_events(
    State(state): State<AppState>,
    Act(actor): Act,
    ApiQuery(p): ApiQuery<SecurityLogParams>,
) -> Result<Json<Vec<AccountEventView>>, ApiError> {
    let rows = state
        .app
        .account_events(&actor, p.limit.unwrap_or(200))
        .await?;
    Ok(Json(rows.iter().map(AccountEventView::from).collect()))
}
