//! Account administration (A1): an administrator's own organisation's accounts.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::wire::{field, AccountView, NewAccountRequest};
use crate::AppState;

#[utoipa::path(get, path = "/api/admin/users", tag = "administration",
    responses((status = 200, body = [AccountView]), (status = 403, body = ErrorBody)))]
/// The accounts of the administrator's own organisation.
pub async fn list_accounts(
    State(state): State<AppState>,
    Act(actor): Act,
) -> Result<Json<Vec<AccountView>>, ApiError> {
    let users = state.app.accounts(&actor).await?;
    Ok(Json(users.iter().map(AccountView::from).collect()))
}

#[utoipa::path(post, path = "/api/admin/users", tag = "administration", request_body = NewAccountRequest,
    responses((status = 201, body = AccountView), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Creates a personal account in the administrator's organisation.
pub async fn create_account(
    State(state): State<AppState>,
    Act(actor): Act,
    ApiJson(req): ApiJson<NewAccountRequest>,
) -> Result<(StatusCode, Json<AccountView>), ApiError> {
    let created = state.app.create_account(&actor, req.parse()?).await?;
    Ok((StatusCode::CREATED, Json(AccountView::from(&created))))
}

#[utoipa::path(post, path = "/api/admin/users/{id}/lift-login-delays", tag = "administration",
    params(("id" = String, Path, description = "account id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
/// Lifts the log-in delays of an account of the administrator's organisation, from every
/// address (written to the security log).
pub async fn lift_login_delays(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let user = field("id", id.parse())?;
    state.app.lift_login_delays(&actor, user).await?;
    Ok(StatusCode::NO_CONTENT)
}
