//! The supervisor's search of the access log (A3; Information Management Act 17 §). Only the
//! supervisor searches it; reading it is itself logged, once per client whose rows were shown.

use std::collections::BTreeSet;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::Json;
use kirjuri_domain::Role;
use kirjuri_store::{AccessAction, AccessLogQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::own_access;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::wire::{field, AccessLogView};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AccessLogParams {
    /// Only rows about this client.
    pub client_id: Option<String>,
    /// Only rows by this user.
    pub user_id: Option<String>,
    /// Only flagged rows (accesses to another organisation's client, refusals).
    pub flagged: Option<bool>,
    /// `read`, `write` or `denied`.
    pub action: Option<String>,
    /// From this instant (RFC 3339), inclusive.
    pub from: Option<String>,
    /// Up to this instant (RFC 3339), exclusive.
    pub to: Option<String>,
    /// At most this many rows, 1–1000 (default 200).
    pub limit: Option<i64>,
}

fn instant(name: &str, s: &str) -> Result<chrono::DateTime<chrono::Utc>, ApiError> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| ApiError::field(name, format!("{s:?} is not an RFC 3339 instant")))
}

#[utoipa::path(get, path = "/api/access-log", tag = "supervision", params(AccessLogParams),
    responses((status = 200, body = [AccessLogView]), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn search_access_log(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    Query(p): Query<AccessLogParams>,
) -> Result<Json<Vec<AccessLogView>>, ApiError> {
    if user.role != Role::Supervisor {
        return Err(ApiError::forbidden(
            "only the supervisor searches the access log",
        ));
    }
    let limit = p.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 1000"));
    }
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
        limit,
    };
    let rows = state.store.search_access_log(&q).await?;
    let access = own_access(&user, &headers, "valvonta")?;
    let clients: BTreeSet<_> = rows.iter().map(|r| r.client_id).collect();
    for client in clients {
        state
            .store
            .log(&access, client, AccessAction::Read, "access_log")
            .await?;
    }
    Ok(Json(rows.iter().map(AccessLogView::from).collect()))
}
