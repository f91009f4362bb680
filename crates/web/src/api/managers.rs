//! Manager grants (issue 14): an administrator makes an official or KEHA official of their
//! own organisation a manager (who then reads the organisation's compliance reports), or
//! takes the grant away.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::wire::{field, ManagerGrantView};
use crate::AppState;

#[utoipa::path(put, path = "/api/admin/users/{id}/manager", tag = "administration",
    params(("id" = String, Path, description = "account id")),
    responses(
        (status = 200, body = ManagerGrantView,
            description = "the account was a manager already: the grant in force, unchanged"),
        (status = 201, body = ManagerGrantView,
            description = "the account is now a manager of its organisation (recorded with who granted it)"),
        (status = 403, body = ErrorBody, description = "only an administrator grants, in their own organisation"),
        (status = 404, body = ErrorBody, description = "no account of the administrator's organisation has this id"),
        (status = 422, body = ErrorBody,
            description = "`id` is not an account id, or the account's role cannot be a manager (only officials and KEHA officials)")))]
/// Makes an official or KEHA official of the administrator's own organisation a manager, who
/// reads the compliance reports of that organisation (issue 14).
pub async fn grant_manager(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<ManagerGrantView>), ApiError> {
    let user = field("id", id.parse())?;
    let (grant, made) = state.app.grant_manager(&actor, user).await?;
    let status = if made {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(ManagerGrantView::from(&grant))))
}

#[utoipa::path(delete, path = "/api/admin/users/{id}/manager", tag = "administration",
    params(("id" = String, Path, description = "account id")),
    responses(
        (status = 204, description = "the account is not a manager (the revocation is recorded with who made it, if it was one)"),
        (status = 403, body = ErrorBody, description = "only an administrator revokes, in their own organisation"),
        (status = 404, body = ErrorBody, description = "no account of the administrator's organisation has this id"),
        (status = 422, body = ErrorBody,
            description = "`id` is not an account id, or the account's role cannot be a manager")))]
/// Takes away the manager grant of an account of the administrator's own organisation; from
/// its next request on it reads no compliance report.
pub async fn revoke_manager(
    State(state): State<AppState>,
    Act(actor): Act,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let user = field("id", id.parse())?;
    state.app.revoke_manager(&actor, user).await?;
    Ok(StatusCode::NO_CONTENT)
}
