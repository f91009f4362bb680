//! Account administration (A1): an administrator's own organisation's accounts.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::Json;

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use crate::paging::{PageParams, Paged};
use crate::wire::{field, AccountView, NewAccountRequest};
use crate::AppState;

#[utoipa::path(get, path = "/api/admin/users", tag = "administration", params(PageParams),
    responses((status = 200, body = [AccountView], headers(("Link" = String, description = "the next page, `<…?cursor=…>; rel=\"next\"`, when more follow"), ("Next-Cursor" = String, description = "the next page's cursor, when more follow"))),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// The accounts of the administrator's own organisation, by display name, a page at a time
/// (`limit` 1–1 000, default 200).
pub async fn list_accounts(
    State(state): State<AppState>,
    Act(actor): Act,
    uri: Uri,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Paged<AccountView>, ApiError> {
    let page = state.app.accounts_page(&actor, &p.request()).await?;
    Ok(Paged::new(uri, page, |u| AccountView::from(u)))
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
